package dev.tensorgraph.ops.math;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.BroadcastReduction;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.reduction.ReductionOps;
import java.util.Arrays;
import java.util.List;

/**
 * Reduces the gradient of a broadcasting op back to the shape of each input, as TensorFlow does: the
 * axes to sum over come from {@code BroadcastGradientArgs} on the two input shapes, the gradient is summed
 * over them ({@code Sum}, keep_dims false) and reshaped to the input's shape ({@code Reshape}). When both
 * static shapes are fully defined the axes are computed while building, and no op is added where the
 * gradient already has the input's shape.
 *
 * <pre>{@code
 * // inside a gradient function of z = x op y:
 * return BroadcastGradients.reduce(op, dz * dzdx, dz * dzdy);
 * }</pre>
 */
public final class BroadcastGradients {
    private BroadcastGradients() {}

    /**
     * Reduces {@code gx} to the shape of {@code op.input(0)} and {@code gy} to that of {@code op.input(1)};
     * a null gradient stays null.
     */
    public static List<Output> reduce(Operation op, Output gx, Output gy) {
        Output x = op.input(0);
        Output y = op.input(1);
        if (x.shape().isFullyDefined() && y.shape().isFullyDefined()) {
            int[][] axes = BroadcastReduction.reductionAxes(x.shape().dims(), y.shape().dims());
            return Arrays.asList(staticReduce(gx, x.shape(), axes[0]), staticReduce(gy, y.shape(), axes[1]));
        }
        Graph g = op.graph();
        Output sx = ShapeOps.shape(g, x, DType.INT32, null);
        Output sy = ShapeOps.shape(g, y, DType.INT32, null);
        BroadcastGradientArgs args = ArithmeticOps.broadcastGradientArgs(g, sx, sy, null);
        return Arrays.asList(sumAndReshape(g, gx, args.r0(), sx), sumAndReshape(g, gy, args.r1(), sy));
    }

    /** Reduces {@code grad}, which has the broadcast shape, to the shape of {@code input}. */
    public static Output reduceTo(Output grad, Output input) {
        if (grad == null) {
            return null;
        }
        if (input.shape().isFullyDefined() && grad.shape().isFullyDefined()) {
            return staticReduce(grad, input.shape(), BroadcastReduction.reductionAxes(input.shape().dims(), grad.shape().dims())[0]);
        }
        Graph g = input.graph();
        Output si = ShapeOps.shape(g, input, DType.INT32, null);
        Output sg = ShapeOps.shape(g, grad, DType.INT32, null);
        BroadcastGradientArgs args = ArithmeticOps.broadcastGradientArgs(g, si, sg, null);
        return sumAndReshape(g, grad, args.r0(), si);
    }

    private static Output staticReduce(Output grad, Shape target, int[] axes) {
        if (grad == null) {
            return null;
        }
        if (axes.length == 0 && grad.shape().equals(target)) {
            return grad;
        }
        Graph g = grad.graph();
        Output summed = grad;
        if (axes.length > 0) {
            summed = ReductionOps.sum(g, grad, ConstantOps.intVector(g, axes, null), false, null);
        }
        if (summed.shape().equals(target)) {
            return summed;
        }
        return ShapeOps.reshape(g, summed, ConstantOps.intVector(g, target.intDims(), null), null);
    }

    private static Output sumAndReshape(Graph g, Output grad, Output axes, Output shape) {
        if (grad == null) {
            return null;
        }
        return ShapeOps.reshape(g, ReductionOps.sum(g, grad, axes, false, null), shape, null);
    }
}
