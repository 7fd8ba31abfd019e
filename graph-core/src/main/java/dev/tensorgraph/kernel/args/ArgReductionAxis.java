package dev.tensorgraph.kernel.args;

import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;

/**
 * The checked dimension argument of ArgMax/ArgMin and the [outer, size, inner] view it gives: the input
 * seen as {@code outer} rows of {@code size} candidates, {@code inner} apart. Shared by the CPU and GPU
 * kernels so that both accept the same dimension and fail with the same messages.
 *
 * @param axis the reduced axis, in [0, rank)
 * @param outer the product of the dimensions before the axis
 * @param size the length of the axis (never 0)
 * @param inner the product of the dimensions after the axis
 * @param outShape the input's shape without the axis
 */
public record ArgReductionAxis(int axis, long outer, long size, long inner, Shape outShape) {

    /**
     * Checks {@code dimension} (in [-rank, rank), along a non-empty axis) for an input of {@code in};
     * {@code messagePrefix} is put before each message.
     */
    public static ArgReductionAxis of(String messagePrefix, Shape in, long dimension) {
        long[] dims = in.dims();
        int rank = dims.length;
        if (dimension < -rank || dimension >= rank) {
            throw new InvalidArgumentException(messagePrefix + "Expected dimension in the range [" + -rank + ", " + rank
                    + "), but got " + dimension);
        }
        int axis = (int) (dimension < 0 ? dimension + rank : dimension);
        if (dims[axis] == 0) {
            throw new InvalidArgumentException(messagePrefix + "Reduction axis " + axis + " is empty in shape " + in);
        }
        long outer = 1;
        long inner = 1;
        long[] outDims = new long[rank - 1];
        for (int i = 0; i < rank; i++) {
            if (i < axis) {
                outer *= dims[i];
                outDims[i] = dims[i];
            } else if (i > axis) {
                inner *= dims[i];
                outDims[i - 1] = dims[i];
            }
        }
        return new ArgReductionAxis(axis, outer, dims[axis], inner, Shape.of(outDims));
    }
}
