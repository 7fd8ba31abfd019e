package dev.tensorgraph.ops.math;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.grad.GradientSupport;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.control.ControlOps;
import java.util.List;

/**
 * The ops the gradient engine adds around the per-op gradients, as TensorFlow's {@code gradients_util.py}
 * adds them: {@code ZerosLike} for a value no gradient reached, {@code Identity} for a given initial gradient,
 * {@code AddN} over several gradients of one tensor, {@code Fill(Shape, grad_ys_i/Const)} named {@code grad_ys_i}
 * as the default initial gradient, and {@code tuple} for gating.
 */
public final class GradientSupportOps implements GradientSupport {
    @Override
    public Output zerosLike(Graph g, Output x) {
        return ConstantOps.zerosLike(g, x, null);
    }

    @Override
    public Output identity(Graph g, Output x, String name) {
        return dev.tensorgraph.ops.control.ControlOps.identity(g, x, name);
    }

    @Override
    public Output addN(Graph g, List<Output> gradients) {
        return ArithmeticOps.addNOp(g, gradients, null);
    }

    /**
     * TensorFlow 2.21's {@code ones(shape(like), name=name)}: the shape a Const named {@code Shape} when it is
     * known while building (else a Shape op), then {@code <name>/Const} and the Fill named {@code name}.
     */
    @Override
    public Output fillLike(Graph g, Output like, Tensor scalar, String name) {
        Output shape;
        if (like.shape().isFullyDefined()) {
            long[] dims = like.shape().dims();
            int[] v = new int[dims.length];
            for (int k = 0; k < v.length; k++) {
                v[k] = Math.toIntExact(dims[k]);
            }
            shape = ConstantOps.constant(g, Tensor.of(DType.INT32, Shape.of(v.length), v), "Shape");
        } else {
            shape = ShapeOps.shape(g, like, DType.INT32, null);
        }
        try (var scope = g.nameScope(name)) {
            return ConstantOps.fill(g, shape, ConstantOps.constant(g, scalar, "Const"), scope.name());
        }
    }

    @Override
    public List<Output> tuple(Graph g, List<Output> tensors) {
        return ControlOps.tuple(g, tensors, null, null);
    }
}
