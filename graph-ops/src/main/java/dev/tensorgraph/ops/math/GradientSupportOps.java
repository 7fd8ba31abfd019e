package dev.tensorgraph.ops.math;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.grad.GradientSupport;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import java.util.List;

/**
 * The ops the gradient engine adds around the per-op gradients, as TensorFlow's {@code gradients_util.py}
 * adds them: {@code ZerosLike} for a value no gradient reached, {@code AddN} over several gradients of one
 * tensor, and {@code Fill(Shape(y), grad_ys_i)} as the default initial gradient.
 */
public final class GradientSupportOps implements GradientSupport {
    @Override
    public Output zerosLike(Graph g, Output x) {
        return ConstantOps.zerosLike(g, x, null);
    }

    @Override
    public Output addN(Graph g, List<Output> gradients) {
        return ArithmeticOps.addNOp(g, gradients, null);
    }

    @Override
    public Output fillLike(Graph g, Output like, Tensor scalar, String scalarName) {
        Output shape = ShapeOps.shape(g, like, DType.INT32, null);
        return ConstantOps.fill(g, shape, ConstantOps.constant(g, scalar, scalarName), null);
    }
}
