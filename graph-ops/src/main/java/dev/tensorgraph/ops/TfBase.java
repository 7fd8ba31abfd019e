package dev.tensorgraph.ops;

import dev.tensorgraph.DType;
import dev.tensorgraph.OpBuilder;
import dev.tensorgraph.Output;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.support.GraphBound;

/**
 * What every family of facade methods builds on: the graph. The families are interfaces with default methods
 * that {@link Tf} implements, so {@code tf.add}, {@code tf.reshape}, ... read like TensorFlow's Python while
 * each family lives in its own file; every method delegates to the op family that defines the op
 * ({@code dev.tensorgraph.ops.math}, {@code .array}, ...).
 */
public interface TfBase extends GraphBound {
    /**
     * An op builder by type name.
     *
     * @deprecated raw op construction is not part of the user facade; use {@code graph().opBuilder(type, name)}
     *     (a custom op) or the op family's constructor.
     */
    @Deprecated
    default OpBuilder op(String type, String name) {
        return graph().opBuilder(type, name);
    }

    /**
     * A {@code Const} op holding {@code value}.
     *
     * @deprecated use {@code tf.constant(value, name)}.
     */
    @Deprecated
    default Output constOp(Tensor value, String name) {
        return ConstantOps.constant(graph(), value, name);
    }

    /**
     * A scalar constant of {@code dtype}.
     *
     * @deprecated use {@code tf.constant(v, dtype)} or {@code ConstantOps.scalar}.
     */
    @Deprecated
    default Output scalar(DType dtype, double v, String name) {
        return ConstantOps.scalar(graph(), dtype, v, name);
    }

    /**
     * An int32 vector constant.
     *
     * @deprecated use {@code tf.constant(new int[] {...}, name)}.
     */
    @Deprecated
    default Output intVector(int[] values, String name) {
        return ConstantOps.intVector(graph(), values, name);
    }
}
