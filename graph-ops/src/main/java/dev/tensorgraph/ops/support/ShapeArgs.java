package dev.tensorgraph.ops.support;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.op.ShapeContext;
import java.util.Arrays;

/**
 * Shape-like inputs (int32/int64 vectors of sizes, axes, permutations) as shape functions and gradients
 * read them, and the index-type attributes that describe them.
 */
public final class ShapeArgs {
    private ShapeArgs() {}

    /** The values of an int32/int64 tensor as longs (other dtypes are converted). */
    public static long[] longs(Tensor t) {
        return switch (t.dtype()) {
            case INT32 -> {
                int[] a = (int[]) t.array();
                long[] r = new long[a.length];
                for (int i = 0; i < a.length; i++) {
                    r[i] = a[i];
                }
                yield r;
            }
            case INT64 -> ((long[]) t.array()).clone();
            default -> {
                double[] d = t.toDoubles();
                long[] r = new long[d.length];
                for (int i = 0; i < d.length; i++) {
                    r[i] = (long) d[i];
                }
                yield r;
            }
        };
    }

    /** {@code v} narrowed to ints (values known to fit: axes, sizes of small tensors). */
    public static int[] toInts(long[] v) {
        int[] r = new int[v.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (int) v[i];
        }
        return r;
    }

    /** 0, 1, ..., n - 1. */
    public static int[] range(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /**
     * Sets a type attribute to the dtype of input {@code i}: the builder fills {@code T} from input 0, which
     * is wrong for ops whose typed input is not first (Fill, OneHot, Split ...).
     */
    public static void typeFrom(ShapeContext c, String attr, int i) {
        if (c.attrs().get(attr) != c.inputDtype(i)) {
            c.attrs().put(attr, c.inputDtype(i));
        }
    }

    /** An index-type attribute that must be int32 or int64. */
    public static DType indexType(ShapeContext c, String attr) {
        DType t = c.attrType(attr);
        if (t != DType.INT32 && t != DType.INT64) {
            throw c.fail(attr + " must be int32 or int64, got " + t);
        }
        return t;
    }

    /**
     * The shape described by the 1-D int input {@code i} (TensorFlow's MakeShapeFromShapeTensor): its
     * value when constant, else a shape of the vector's length with unknown sizes.
     */
    public static Shape shapeFromInput(ShapeContext c, int i) {
        Shape spec = c.inputShape(i);
        if (spec.rank() > 1) {
            throw c.fail("shape must be a vector, got shape " + spec);
        }
        Tensor v = c.constantValue(i);
        if (v != null) {
            long[] d = longs(v);
            for (long x : d) {
                if (x < -1) {
                    throw c.fail("dimension sizes must be non-negative, got " + Arrays.toString(d));
                }
            }
            return Shape.of(d);
        }
        if (spec.rank() == 0) {
            return Shape.scalar();
        }
        return spec.hasKnownRank() && spec.size(0) >= 0 ? Shape.unknownOfRank((int) spec.size(0)) : Shape.unknown();
    }
}
