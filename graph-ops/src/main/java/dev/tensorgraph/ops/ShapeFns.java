package dev.tensorgraph.ops;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.op.ShapeFunction;

/** @deprecated moved to {@link dev.tensorgraph.ops.support.ShapeFns}. */
@Deprecated
public final class ShapeFns {
    private ShapeFns() {}

    /** @deprecated use {@link dev.tensorgraph.ops.support.ShapeFns#UNCHANGED}. */
    @Deprecated
    public static final ShapeFunction UNCHANGED = dev.tensorgraph.ops.support.ShapeFns.UNCHANGED;

    /** @deprecated use {@link dev.tensorgraph.ops.support.ShapeFns#NONE}. */
    @Deprecated
    public static final ShapeFunction NONE = dev.tensorgraph.ops.support.ShapeFns.NONE;

    /** @deprecated use {@link dev.tensorgraph.ops.support.ShapeFns#broadcast}. */
    @Deprecated
    public static Shape broadcast(ShapeContext c, Shape a, Shape b) {
        return dev.tensorgraph.ops.support.ShapeFns.broadcast(c, a, b);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.support.ShapeFns#sameDtype}. */
    @Deprecated
    public static DType sameDtype(ShapeContext c, int i, int j) {
        return dev.tensorgraph.ops.support.ShapeFns.sameDtype(c, i, j);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.support.ShapeFns#axis}. */
    @Deprecated
    public static int axis(ShapeContext c, long axis, int rank) {
        return dev.tensorgraph.ops.support.ShapeFns.axis(c, axis, rank);
    }
}
