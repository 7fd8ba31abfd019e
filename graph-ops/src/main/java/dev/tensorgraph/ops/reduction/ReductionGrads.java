package dev.tensorgraph.ops.reduction;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.ops.indexing.StitchOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.CastOps;
import dev.tensorgraph.ops.math.ComparisonOps;
import java.util.List;

/**
 * Gradient rules of the reductions (TensorFlow's {@code _SumGrad}, {@code _MeanGrad}, {@code _ProdGrad},
 * {@code _MinOrMaxGrad}). The Sum gradient broadcasts the kept-dims dy back to the input shape with
 * BroadcastTo (as TensorFlow 2's {@code _SumGrad}; TensorFlow 1 tiles, with the same result). Shapes are
 * computed while building when they are known, so the common case adds only constants; otherwise in the
 * graph as TensorFlow's {@code reduced_shape} does.
 */
final class ReductionGrads {
    private ReductionGrads() {}

    static Output sum(Operation op, Output dy) {
        Graph g = op.graph();
        Output x = op.input(0);
        return ShapeOps.broadcastTo(g, toKept(g, op, dy), ShapeOps.shapeOf(g, x, null), null);
    }

    static Output mean(Operation op, Output dy) {
        Graph g = op.graph();
        Output sumGrad = sum(op, dy);
        Output x = op.input(0);
        Output y = op.output(0);
        Output factor;
        if (x.shape().isFullyDefined() && y.shape().isFullyDefined()) {
            long n = x.shape().numElements() / Math.max(y.shape().numElements(), 1);
            factor = ConstantOps.scalar(g, x.dtype(), n, null);
        } else {
            Output zero = ConstantOps.constant(g, Tensor.of(0), null);
            Output inSize = ReductionOps.prod(g, ShapeOps.shapeOf(g, x, null), zero, false, null);
            Output outSize = ReductionOps.prod(g, ShapeOps.shapeOf(g, y, null), zero, false, null);
            Output safe = ArithmeticOps.maximum(g, outSize, ConstantOps.constant(g, Tensor.of(1), null), null);
            factor = CastOps.cast(g, ArithmeticOps.floorDiv(g, inSize, safe, null), x.dtype(), null);
        }
        return ArithmeticOps.realDiv(g, sumGrad, factor, null);
    }

    /**
     * d prod / dx_i is the product of the other elements. Computed without division by zero: with z the
     * number of zeros in the reduced group and p the product of its nonzero elements, the derivative is
     * p/x_i where x_i != 0 and z == 0, p where x_i == 0 and z == 1, and 0 otherwise.
     */
    static Output prod(Operation op, Output dy) {
        Graph g = op.graph();
        Output x = op.input(0);
        Output axes = op.input(1);
        DType t = x.dtype();
        Output dyKept = toKept(g, op, dy);
        Output isZero = CastOps.cast(g, ComparisonOps.equal(g, x, ConstantOps.scalar(g, t, 0, null), null), t, null);
        Output xSafe = ArithmeticOps.addV2(g, x, isZero, null);
        Output p = ReductionOps.prod(g, xSafe, axes, true, null);
        Output zeros = ReductionOps.sum(g, isZero, axes, true, null);
        Output others = ArithmeticOps.realDiv(g, p, xSafe, null);
        Output mask = CastOps.cast(g, ComparisonOps.equal(g, ArithmeticOps.sub(g, zeros, isZero, null),
                ConstantOps.scalar(g, t, 0, null), null), t, null);
        return ArithmeticOps.mul(g, ArithmeticOps.mul(g, dyKept, others, null), mask, null);
    }

    /** dy goes to the elements equal to the extremum, shared equally among ties. */
    static Output minOrMax(Operation op, Output dy) {
        Graph g = op.graph();
        Output x = op.input(0);
        Output yKept = toKept(g, op, op.output(0));
        Output dyKept = toKept(g, op, dy);
        Output indicators = CastOps.cast(g, ComparisonOps.equal(g, yKept, x, null), x.dtype(), null);
        Output count = ReductionOps.sum(g, indicators, op.input(1), true, null);
        return ArithmeticOps.mul(g, ArithmeticOps.realDiv(g, indicators, count, null), dyKept, null);
    }

    /**
     * {@code v}, shaped like the op's output, reshaped to the kept-dims shape (reduced axes as size 1),
     * unless it already has it. With the rank and axes known this is one Reshape (or ExpandDims per reduced
     * axis when several kept dimensions are unknown); otherwise TensorFlow's {@code reduced_shape} in the graph.
     */
    private static Output toKept(Graph g, Operation op, Output v) {
        if (op.attrBool("keep_dims")) {
            return v;
        }
        Output x = op.input(0);
        Shape s = x.shape();
        Tensor axesValue = constantAxes(op.input(1));
        if (axesValue != null && s.hasKnownRank()) {
            int rank = s.rank();
            boolean[] reduced = new boolean[rank];
            for (long a : ReductionOps.axisValues(axesValue)) {
                reduced[(int) (a < 0 ? a + rank : a)] = true;
            }
            int[] kept = new int[rank];
            int unknown = 0;
            for (int i = 0; i < rank; i++) {
                kept[i] = reduced[i] ? 1 : (int) s.size(i);
                unknown += kept[i] < 0 ? 1 : 0;
            }
            if (unknown <= 1) {
                return ShapeOps.reshape(g, v, ConstantOps.intVector(g, kept, null), null);
            }
            Output r = v;
            for (int i = 0; i < rank; i++) {
                if (reduced[i]) {
                    r = ShapeOps.expandDims(g, r, ConstantOps.constant(g, Tensor.of(i), null), null);
                }
            }
            return r;
        }
        return ShapeOps.reshape(g, v, reducedShape(g, x, op.input(1)), null);
    }

    /** TensorFlow's reduced_shape: DynamicStitch([range(rank), axes], [shape, ones]). */
    private static Output reducedShape(Graph g, Output x, Output axes) {
        Output shape = ShapeOps.shapeOf(g, x, null);
        Output rank = ShapeOps.size(g, shape, DType.INT32, null);
        Output ax = CastOps.cast(g, axes, DType.INT32, null);
        ax = ArithmeticOps.floorMod(g, ArithmeticOps.addV2(g, ax, rank, null), rank, null);
        Output range = ConstantOps.range(g, ConstantOps.constant(g, Tensor.of(0), null), rank,
                ConstantOps.constant(g, Tensor.of(1), null), null);
        Output ones = ConstantOps.fill(g, ShapeOps.shapeOf(g, ax, null), ConstantOps.constant(g, Tensor.of(1), null), null);
        return StitchOps.dynamicStitch(g, List.of(range, ax), List.of(shape, ones), null);
    }

    /** The value of the axes when they are a constant seen through Identities, else null. */
    private static Tensor constantAxes(Output axes) {
        return ConstantOps.constantValue(ControlOps.throughIdentities(axes).op().output(0));
    }
}
