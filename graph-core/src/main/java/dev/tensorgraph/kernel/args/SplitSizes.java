package dev.tensorgraph.kernel.args;

import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.Arrays;

/**
 * The part sizes of Split (equal parts) and SplitV (size_splits with at most one -1), checked against the
 * length of the split axis as TensorFlow checks them. Shared so that the CPU and GPU kernels accept the
 * same arguments and fail with the same messages.
 */
public final class SplitSizes {
    private SplitSizes() {}

    /** {@code num} equal sizes of axis {@code axis} of length {@code d}, which {@code num} must divide. */
    public static long[] even(long d, int num, int axis) {
        if (d % num != 0) {
            throw new InvalidArgumentException("Number of ways to split should evenly divide the split dimension, "
                    + "but got split_dim " + axis + " (size = " + d + ") and num_split " + num);
        }
        long[] sizes = new long[num];
        Arrays.fill(sizes, d / num);
        return sizes;
    }

    /**
     * {@code given} (a copy) with its one -1 filled in, checked against the axis length {@code d} of an
     * input of {@code shape}.
     */
    public static long[] resolve(long[] given, int num, long d, Shape shape) {
        if (given.length != num) {
            throw new InvalidArgumentException("size_splits has " + given.length + " entries but num_split is " + num);
        }
        long[] sizes = given.clone();
        long known = 0;
        int unknown = -1;
        for (int i = 0; i < num; i++) {
            if (sizes[i] == -1 && unknown < 0) {
                unknown = i;
            } else if (sizes[i] < 0) {
                throw new InvalidArgumentException("invalid size_splits " + Arrays.toString(given));
            } else {
                known += sizes[i];
            }
        }
        if (unknown >= 0) {
            sizes[unknown] = d - known;
        }
        if (known > d || (unknown < 0 && known != d)) {
            throw new InvalidArgumentException("Determined shape must either match input shape along split_dim exactly "
                    + "if fully specified, or be less than the size of the input along split_dim if not fully "
                    + "specified. Got: " + known + " for input shape " + shape);
        }
        return sizes;
    }
}
