package dev.tensorgraph.ops.support;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.op.ShapeFunction;
import java.util.EnumSet;
import java.util.Set;

/**
 * Shape functions, dtype sets and shape arithmetic shared by many ops (built-in and user-defined):
 *
 * <pre>{@code
 * OpDef.builder("Square").input("x").attr("T", AttrType.TYPE).shape(ShapeFns.UNCHANGED)...
 * }</pre>
 */
public final class ShapeFns {
    private ShapeFns() {}

    /** The numeric dtypes of TensorFlow's {@code realnumbertypes} that Tensorgraph has. */
    public static final Set<DType> NUMERIC = EnumSet.of(DType.FLOAT32, DType.FLOAT64, DType.BFLOAT16, DType.HALF,
            DType.INT32, DType.INT64, DType.UINT8);
    /** TensorFlow's {@code floatingpointtypes}: float32, float64 and the 16-bit floats. */
    public static final Set<DType> FLOATS = EnumSet.of(DType.FLOAT32, DType.FLOAT64, DType.BFLOAT16, DType.HALF);
    /** Numeric dtypes with a sign. */
    public static final Set<DType> SIGNED = EnumSet.of(DType.FLOAT32, DType.FLOAT64, DType.BFLOAT16, DType.HALF,
            DType.INT32, DType.INT64);
    /** What Add accepts: the numbers and strings. */
    public static final Set<DType> ADDABLE = EnumSet.of(DType.FLOAT32, DType.FLOAT64, DType.BFLOAT16, DType.HALF,
            DType.INT32, DType.INT64, DType.UINT8, DType.STRING);

    /** Fails unless {@code t} is one of {@code allowed}, with TensorFlow's wording. */
    public static DType requireType(ShapeContext c, DType t, Set<DType> allowed) {
        if (!allowed.contains(t)) {
            throw c.fail("Value for attr 'T' of " + t + " is not in the list of allowed values: " + allowed);
        }
        return t;
    }

    /** Two inputs of one allowed dtype, broadcast; output of {@code out} dtype or the input dtype when null. */
    public static ShapeFunction broadcasting(Set<DType> allowed, DType out) {
        return c -> {
            DType t = requireType(c, sameDtype(c, 0, 1), allowed);
            c.setOutput(0, out == null ? t : out, broadcast(c, c.inputShape(0), c.inputShape(1)));
        };
    }

    /** One output with the dtype and shape of input 0 (elementwise unary ops). */
    public static final ShapeFunction UNCHANGED = c -> c.setOutput(0, c.inputDtype(0), c.inputShape(0));

    /** No outputs. */
    public static final ShapeFunction NONE = c -> { };

    /**
     * NumPy broadcasting of two shapes; an incompatible pair fails naming the op and both shapes, as
     * TensorFlow's "Dimensions must be equal" error does.
     */
    public static Shape broadcast(ShapeContext c, Shape a, Shape b) {
        if (!a.hasKnownRank() || !b.hasKnownRank()) {
            return Shape.unknown();
        }
        int rank = Math.max(a.rank(), b.rank());
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            int ia = a.rank() - rank + i;
            int ib = b.rank() - rank + i;
            long da = ia >= 0 ? a.size(ia) : 1;
            long db = ib >= 0 ? b.size(ib) : 1;
            if (da == 1) {
                out[i] = db;
            } else if (db == 1) {
                out[i] = da;
            } else if (da == -1 || db == -1) {
                out[i] = da == -1 ? db : da;
            } else if (da == db) {
                out[i] = da;
            } else {
                throw c.fail("Dimensions must be equal, but are " + da + " and " + db + " for input shapes: "
                        + a + ", " + b);
            }
        }
        return Shape.of(out);
    }

    /** Checks that inputs {@code i} and {@code j} share a dtype. */
    public static DType sameDtype(ShapeContext c, int i, int j) {
        if (c.inputDtype(i) != c.inputDtype(j)) {
            throw c.fail("inputs " + i + " and " + j + " must have the same dtype, got " + c.inputDtype(i) + " and "
                    + c.inputDtype(j));
        }
        return c.inputDtype(i);
    }

    /** Normalizes a possibly negative axis against {@code rank}; out of range fails naming the op. */
    public static int axis(ShapeContext c, long axis, int rank) {
        if (axis < -rank || axis >= rank) {
            throw c.fail("axis " + axis + " is out of range for a tensor of rank " + rank);
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }
}
