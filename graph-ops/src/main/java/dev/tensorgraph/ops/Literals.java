package dev.tensorgraph.ops;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;

/** @deprecated moved to {@link dev.tensorgraph.ops.support.Literals}. */
@Deprecated
public final class Literals {
    private Literals() {}

    /** @deprecated use {@link dev.tensorgraph.ops.support.Literals#scalar}. */
    @Deprecated
    public static Tensor scalar(DType dtype, double v) {
        return dev.tensorgraph.ops.support.Literals.scalar(dtype, v);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.support.Literals#filled}. */
    @Deprecated
    public static Tensor filled(DType dtype, Shape shape, double v) {
        return dev.tensorgraph.ops.support.Literals.filled(dtype, shape, v);
    }
}
