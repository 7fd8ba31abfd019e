package dev.tensorgraph.kernel.args;

import dev.tensorgraph.DType;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;

/**
 * Reading a host int32/int64 vector of a fixed number of sizes, such as the input_sizes and filter_sizes
 * of the convolution gradients or the orig_input_shape of AvgPoolGrad. Shared by the CPU and GPU kernels
 * so that both accept the same tensors and fail with the same messages.
 */
public final class SizeVector {
    private SizeVector() {}

    /**
     * The {@code length} values of {@code t} as ints; {@code what} names the argument and
     * {@code messagePrefix} is put before each message.
     *
     * @throws InvalidArgumentException for another dtype or another number of elements
     * @throws ArithmeticException for an int64 value outside the int range
     */
    public static int[] ints(String messagePrefix, Tensor t, String what, int length) {
        int[] v;
        if (t.dtype() == DType.INT32) {
            v = t.ints();
        } else if (t.dtype() == DType.INT64) {
            long[] l = t.longs();
            v = new int[l.length];
            for (int i = 0; i < l.length; i++) {
                v[i] = Math.toIntExact(l[i]);
            }
        } else {
            throw new InvalidArgumentException(messagePrefix + what + " must be int32 or int64, got " + t.dtype());
        }
        if (v.length != length) {
            throw new InvalidArgumentException(messagePrefix + what + " must have " + length + " elements, got "
                    + v.length);
        }
        return v;
    }
}
