package dev.tensorgraph.kernel.args;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.Arrays;

/**
 * The checked part shapes of ConcatV2 and Pack (stack) and the joined shape. Shared by the CPU and GPU
 * kernels so that both accept the same parts and fail with the same messages.
 */
public final class ConcatShapes {
    private final long[][] parts;
    private final Shape outShape;

    private ConcatShapes(long[][] parts, Shape outShape) {
        this.parts = parts;
        this.outShape = outShape;
    }

    /**
     * Checks that the parts of {@code shapes} and {@code dtypes} can be joined along {@code axis} (already
     * normalized to the output's rank); {@code stack} first gives each part a new axis of size 1 there,
     * and then requires all shapes to be equal.
     *
     * @param messagePrefix put before every message
     * @param concatPrefix put before the messages of the rank and dimension checks of a concat (not a
     *     stack), which TensorFlow's CPU kernel words as {@code "ConcatOp : "}
     */
    public static ConcatShapes of(String messagePrefix, String concatPrefix, Shape[] shapes, DType[] dtypes, int axis,
                                  boolean stack) {
        long[] first = shapes[0].dims();
        int rank = first.length + (stack ? 1 : 0);
        long[][] dims = new long[shapes.length][];
        long total = 0;
        for (int i = 0; i < shapes.length; i++) {
            long[] d = shapes[i].dims();
            if (stack) {
                if (!Arrays.equals(d, first)) {
                    throw new InvalidArgumentException(messagePrefix + "Shapes of all inputs must match: values[0].shape = "
                            + shapes[0] + " != values[" + i + "].shape = " + shapes[i]);
                }
                long[] e = new long[rank];
                System.arraycopy(d, 0, e, 0, axis);
                e[axis] = 1;
                System.arraycopy(d, axis, e, axis + 1, d.length - axis);
                d = e;
            } else {
                if (d.length != rank) {
                    throw new InvalidArgumentException(concatPrefix + "Ranks of all input tensors should match: shape[0] = "
                            + shapes[0] + " vs. shape[" + i + "] = " + shapes[i]);
                }
                for (int k = 0; k < rank; k++) {
                    if (k != axis && d[k] != first[k]) {
                        throw new InvalidArgumentException(concatPrefix + "Dimension " + k
                                + " in both shapes must be equal: shape[0] = " + shapes[0] + " vs. shape[" + i + "] = "
                                + shapes[i]);
                    }
                }
            }
            if (dtypes[i] != dtypes[0]) {
                throw new InvalidArgumentException(messagePrefix + "all inputs must have one dtype, got " + dtypes[0]
                        + " and " + dtypes[i]);
            }
            dims[i] = d;
            total += d[axis];
        }
        long[] od = dims[0].clone();
        od[axis] = total;
        return new ConcatShapes(dims, Shape.of(od));
    }

    /** Each part's dims (with the new axis of a stack); the caller must not modify them. */
    public long[][] parts() {
        return parts;
    }

    /** The joined shape. */
    public Shape outShape() {
        return outShape;
    }
}
