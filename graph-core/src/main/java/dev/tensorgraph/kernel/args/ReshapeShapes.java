package dev.tensorgraph.kernel.args;

import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.Arrays;

/**
 * The output shapes of the ops that only re-view their input (Reshape, ExpandDims, Squeeze). Every device
 * runs them as a view, so the shape rule and its error messages are all there is to these kernels, and
 * they live here once for the CPU and GPU runtimes.
 */
public final class ReshapeShapes {
    private ReshapeShapes() {}

    /**
     * The shape {@code spec} asks for, with at most one -1 inferred from the element count of {@code in};
     * a mismatch names both shapes.
     */
    public static Shape reshape(Shape in, long[] spec) {
        long n = in.numElements();
        long known = 1;
        int inferred = -1;
        for (int i = 0; i < spec.length; i++) {
            if (spec[i] == -1) {
                if (inferred >= 0) {
                    throw new InvalidArgumentException("only one input size may be -1, not both " + inferred + " and " + i);
                }
                inferred = i;
            } else if (spec[i] < 0) {
                throw new InvalidArgumentException("size " + i + " must be non-negative, not " + spec[i]);
            } else {
                known *= spec[i];
            }
        }
        long[] out = spec.clone();
        if (inferred >= 0) {
            if (known == 0 || n % known != 0) {
                throw new InvalidArgumentException("Input to reshape is a tensor with " + n
                        + " values, but the requested shape requires a multiple of " + known + " (input shape " + in
                        + ", requested shape " + Arrays.toString(spec) + ")");
            }
            out[inferred] = n / known;
        } else if (known != n) {
            throw new InvalidArgumentException("Input to reshape is a tensor with " + n
                    + " values, but the requested shape has " + known + " (input shape " + in + ", requested shape "
                    + Arrays.toString(spec) + ")");
        }
        return Shape.of(out);
    }

    /** {@code in} with a new axis of size 1 at {@code axis}, in [-(rank + 1), rank + 1). */
    public static Shape expandDims(Shape in, long axis) {
        long[] dims = in.dims();
        int rank = dims.length + 1;
        if (axis < -rank || axis >= rank) {
            throw new InvalidArgumentException("Tried to expand dim index " + axis + " for tensor with " + dims.length
                    + " dimensions.");
        }
        int at = (int) (axis < 0 ? axis + rank : axis);
        long[] out = new long[rank];
        System.arraycopy(dims, 0, out, 0, at);
        out[at] = 1;
        System.arraycopy(dims, at, out, at + 1, dims.length - at);
        return Shape.of(out);
    }

    /** {@code in} without the size-1 {@code axes}, or without every size-1 axis when none are given. */
    public static Shape squeeze(Shape in, long[] axes) {
        long[] dims = in.dims();
        boolean[] drop = new boolean[dims.length];
        for (long a : axes) {
            if (a < -dims.length || a >= dims.length) {
                throw new InvalidArgumentException("Tried to squeeze dim index " + a + " for tensor with "
                        + dims.length + " dimensions.");
            }
            int k = (int) (a < 0 ? a + dims.length : a);
            if (dims[k] != 1) {
                throw new InvalidArgumentException("Can not squeeze dim[" + k + "], expected a dimension of 1, got "
                        + dims[k]);
            }
            drop[k] = true;
        }
        long[] out = new long[dims.length];
        int n = 0;
        for (int i = 0; i < dims.length; i++) {
            boolean removed = axes.length > 0 ? drop[i] : dims[i] == 1;
            if (!removed) {
                out[n++] = dims[i];
            }
        }
        return Shape.of(Arrays.copyOf(out, n));
    }
}
