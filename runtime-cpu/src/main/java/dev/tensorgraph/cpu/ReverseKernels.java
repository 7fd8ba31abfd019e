package dev.tensorgraph.cpu;

import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * CPU kernels of ReverseV2 and Roll for every dtype, as strided copies: a reversal reads with negative strides,
 * a roll copies the two blocks of each shifted axis to their swapped places.
 */
public final class ReverseKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "ReverseV2", op -> ReverseKernels::reverse);
        r.register(CPU, "Roll", op -> ReverseKernels::roll);
    }

    private static void reverse(KernelContext ctx) {
        Tensor x = ctx.input(0);
        Tensor axisArg = ctx.input(1);
        if (axisArg.shape().rank() > 1) {
            throw new InvalidArgumentException("'dims' must be 1-dimension, not " + axisArg.shape().rank());
        }
        long[] dims = x.shape().dims();
        int rank = dims.length;
        long[] axes = ArrayData.longs(axisArg);
        boolean[] reversed = new boolean[rank];
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] < -rank || axes[i] >= rank) {
                throw new InvalidArgumentException("'axis'[" + i + "] = " + axes[i] + " is out of valid range ["
                        + -rank + ", " + rank + ")");
            }
            int k = (int) (axes[i] < 0 ? axes[i] + rank : axes[i]);
            if (reversed[k]) {
                throw new InvalidArgumentException("axis " + k + " specified more than once.");
            }
            reversed[k] = true;
        }
        int[] strides = ArrayData.strides(dims);
        int[] srcStrides = strides.clone();
        int srcOff = 0;
        for (int k = 0; k < rank; k++) {
            if (reversed[k] && dims[k] > 0) {
                srcOff += (int) (dims[k] - 1) * strides[k];
                srcStrides[k] = -strides[k];
            }
        }
        Tensor out = ctx.allocate(x.dtype(), x.shape());
        StridedCopy.copy(x.array(), srcOff, srcStrides, out.array(), 0, strides, toInts(dims));
        ctx.setOutput(0, out);
    }

    private static void roll(KernelContext ctx) {
        Tensor x = ctx.input(0);
        Tensor shiftArg = ctx.input(1);
        Tensor axisArg = ctx.input(2);
        long[] dims = x.shape().dims();
        int rank = dims.length;
        if (rank < 1) {
            throw new InvalidArgumentException("input must be 1-D or higher");
        }
        if (shiftArg.shape().rank() > 1) {
            throw new InvalidArgumentException("shift must be a scalar or a 1-D vector. Found: " + shiftArg.shape());
        }
        if (axisArg.shape().rank() > 1) {
            throw new InvalidArgumentException("axis must be a scalar or a 1-D vector. Found: " + axisArg.shape());
        }
        long[] shifts = ArrayData.longs(shiftArg);
        long[] axes = ArrayData.longs(axisArg);
        if (shifts.length != axes.length) {
            throw new InvalidArgumentException("shift and axis must have the same size");
        }
        long[] total = new long[rank];
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] < -rank || axes[i] >= rank) {
                throw new InvalidArgumentException("axis " + axes[i] + " is out of range");
            }
            total[(int) (axes[i] < 0 ? axes[i] + rank : axes[i])] += shifts[i];
        }
        int[] shift = new int[rank];
        for (int k = 0; k < rank; k++) {
            shift[k] = dims[k] == 0 ? 0 : (int) Math.floorMod(total[k], dims[k]);
        }
        Tensor out = ctx.allocate(x.dtype(), x.shape());
        int[] strides = ArrayData.strides(dims);
        int[] size = toInts(dims);
        copyBlocks(x.array(), out.array(), strides, size, shift, 0, 0, 0, new int[rank]);
        ctx.setOutput(0, out);
    }

    /**
     * Copies, for every combination of the two blocks of each axis from {@code k} on, input block
     * {@code [0, d - s)} to output {@code [s, d)} and input {@code [d - s, d)} to output {@code [0, s)}.
     */
    private static void copyBlocks(Object src, Object dst, int[] strides, int[] dims, int[] shift, int k, int srcOff,
                                   int dstOff, int[] blockDims) {
        if (k == dims.length) {
            StridedCopy.copy(src, srcOff, strides, dst, dstOff, strides, blockDims);
            return;
        }
        int d = dims[k];
        int s = shift[k];
        if (s == 0) {
            blockDims[k] = d;
            copyBlocks(src, dst, strides, dims, shift, k + 1, srcOff, dstOff, blockDims);
            return;
        }
        blockDims[k] = d - s;
        copyBlocks(src, dst, strides, dims, shift, k + 1, srcOff, dstOff + s * strides[k], blockDims);
        blockDims[k] = s;
        copyBlocks(src, dst, strides, dims, shift, k + 1, srcOff + (d - s) * strides[k], dstOff, blockDims);
    }

    private static int[] toInts(long[] dims) {
        int[] r = new int[dims.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (int) dims[i];
        }
        return r;
    }
}
