package dev.tensorgraph.kernel.args;

import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;

/**
 * GatherV2's checked axis and batch_dims for given params and indices shapes, and the output shape
 * {@code params[:axis] + indices[batch_dims:] + params[axis + 1:]}. Shared by the CPU and GPU kernels so
 * that both accept the same arguments and fail with the same messages.
 *
 * @param axis the gathered axis of params, in [0, rank(params))
 * @param batchDims the number of leading batch dimensions, in [0, min(rank(indices), axis)]
 * @param outShape the output's shape
 */
public record GatherAxes(int axis, int batchDims, Shape outShape) {

    /**
     * Checks {@code axisArg} (in [-rank, rank) of params) and {@code batchDimsArg} (negative counts from
     * the rank of indices); the leading batch dimensions of both shapes must agree. {@code messagePrefix}
     * is put before each message.
     */
    public static GatherAxes of(String messagePrefix, Shape params, Shape indices, long axisArg, long batchDimsArg) {
        long[] p = params.dims();
        long[] id = indices.dims();
        if (axisArg < -p.length || axisArg >= p.length) {
            throw new InvalidArgumentException(messagePrefix + "Expected axis in the range [" + -p.length + ", "
                    + p.length + "), but got " + axisArg);
        }
        int axis = (int) (axisArg < 0 ? axisArg + p.length : axisArg);
        int batchDims = (int) (batchDimsArg < 0 ? batchDimsArg + id.length : batchDimsArg);
        if (batchDims < 0 || batchDims > id.length || batchDims > axis) {
            throw new InvalidArgumentException(messagePrefix + "batch_dims " + batchDimsArg
                    + " is out of range for indices of shape " + indices + " and axis " + axis);
        }
        for (int i = 0; i < batchDims; i++) {
            if (p[i] != id[i]) {
                throw new InvalidArgumentException(messagePrefix + "params.shape[" + i + "]: " + p[i]
                        + " should be equal to indices.shape[" + i + "]: " + id[i]);
            }
        }
        long[] outDims = new long[axis + (id.length - batchDims) + (p.length - axis - 1)];
        System.arraycopy(p, 0, outDims, 0, axis);
        System.arraycopy(id, batchDims, outDims, axis, id.length - batchDims);
        System.arraycopy(p, axis + 1, outDims, axis + id.length - batchDims, p.length - axis - 1);
        return new GatherAxes(axis, batchDims, Shape.of(outDims));
    }
}
