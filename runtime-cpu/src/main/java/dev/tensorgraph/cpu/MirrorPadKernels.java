package dev.tensorgraph.cpu;

import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * CPU kernels of MirrorPad (any dtype) and MirrorPadGrad (numeric). Along each dimension, output position o reads
 * input position {@link #source}: the padding before the data is the data mirrored at its first element, the
 * padding after it mirrored at its last, with (SYMMETRIC) or without (REFLECT) repeating that element.
 */
public final class MirrorPadKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "MirrorPad", op -> {
            int offset = offset(op.attrString("mode"));
            return ctx -> mirrorPad(ctx, offset);
        });
        r.register(CPU, "MirrorPadGrad", op -> {
            int offset = offset(op.attrString("mode"));
            return ctx -> mirrorPadGrad(ctx, offset);
        });
    }

    /** 1 for REFLECT (the edge is not repeated), 0 for SYMMETRIC. */
    private static int offset(String mode) {
        return switch (mode) {
            case "REFLECT" -> 1;
            case "SYMMETRIC" -> 0;
            default -> throw new InvalidArgumentException("mode must be REFLECT or SYMMETRIC, got '" + mode + "'");
        };
    }

    /** The input position that output position {@code o} of a dimension of size {@code d} reads. */
    static int source(int o, int before, int d, int offset) {
        if (o < before) {
            return before - o - 1 + offset;
        }
        if (o < before + d) {
            return o - before;
        }
        return 2 * d - 1 - offset - (o - before);
    }

    /** Paddings as [before, after] pairs, checked against {@code dims} (the input's sizes). */
    private static long[] paddings(Tensor paddings, long[] dims, int offset) {
        Shape ps = paddings.shape();
        if (ps.rank() != 2 || ps.size(1) != 2 || ps.size(0) != dims.length) {
            throw new InvalidArgumentException("The first dimension of paddings must be the rank of inputs"
                    + ps + ", " + Shape.of(dims));
        }
        long[] pv = ArrayData.longs(paddings);
        for (int i = 0; i < dims.length; i++) {
            long b = pv[2 * i];
            long a = pv[2 * i + 1];
            if (b < 0 || a < 0) {
                throw new InvalidArgumentException("paddings must be non-negative: " + b + " " + a);
            }
            if (offset == 1 && (b >= dims[i] || a >= dims[i])) {
                throw new InvalidArgumentException("paddings must be less than the dimension size: " + b + ", " + a
                        + " not less than " + dims[i]);
            }
            if (offset == 0 && (b > dims[i] || a > dims[i])) {
                throw new InvalidArgumentException("paddings must be no greater than the dimension size: " + b + ", "
                        + a + " greater than " + dims[i]);
            }
        }
        return pv;
    }

    private static void mirrorPad(KernelContext ctx, int offset) {
        Tensor x = ctx.input(0);
        long[] dims = x.shape().dims();
        long[] pv = paddings(ctx.input(1), dims, offset);
        int rank = dims.length;
        long[] outDims = new long[rank];
        for (int i = 0; i < rank; i++) {
            outDims[i] = dims[i] + pv[2 * i] + pv[2 * i + 1];
        }
        Tensor out = ctx.allocate(x.dtype(), Shape.of(outDims));
        if (rank == 0) {
            System.arraycopy(x.array(), 0, out.array(), 0, 1);
        } else if (out.numElements() > 0) {
            copyRows(x.array(), dims, out.array(), outDims, pv, offset);
        }
        ctx.setOutput(0, out);
    }

    /** Every output row (last dimension) from its source row: the middle copied, the two paddings reversed. */
    private static void copyRows(Object src, long[] dims, Object dst, long[] outDims, long[] pv, int offset) {
        int rank = dims.length;
        int[] srcStrides = ArrayData.strides(dims);
        int last = rank - 1;
        int d = (int) dims[last];
        int before = (int) pv[2 * last];
        int after = (int) pv[2 * last + 1];
        int rowLen = (int) outDims[last];
        int rows = ArrayData.prod(outDims, 0, last);
        int[] o = new int[last];
        for (int row = 0; row < rows; row++) {
            int s = 0;
            for (int k = 0; k < last; k++) {
                s += source(o[k], (int) pv[2 * k], (int) dims[k], offset) * srcStrides[k];
            }
            int dOff = row * rowLen;
            StridedCopy.row(src, s + before - 1 + offset, -1, dst, dOff, 1, before);
            System.arraycopy(src, s, dst, dOff + before, d);
            StridedCopy.row(src, s + d - 1 - offset, -1, dst, dOff + before + d, 1, after);
            for (int k = last - 1; k >= 0; k--) {
                if (++o[k] < outDims[k]) {
                    break;
                }
                o[k] = 0;
            }
        }
    }

    /** Folds the padding back one dimension at a time: {@code out[.., source(o), ..] += dy[.., o, ..]}. */
    private static void mirrorPadGrad(KernelContext ctx, int offset) {
        Tensor dy = ctx.input(0);
        if (!SliceCombine.supports(dy.dtype())) {
            throw new UnimplementedException("MirrorPadGrad does not support dtype " + dy.dtype());
        }
        long[] dims = dy.shape().dims();
        Tensor paddings = ctx.input(1);
        Shape ps = paddings.shape();
        if (ps.rank() != 2 || ps.size(1) != 2 || ps.size(0) != dims.length) {
            throw new InvalidArgumentException("The first dimension of paddings must be the rank of inputs"
                    + ps + ", " + dy.shape());
        }
        long[] pv = ArrayData.longs(paddings);
        long[] inDims = dims.clone();
        for (int i = 0; i < dims.length; i++) {
            long total = pv[2 * i] + pv[2 * i + 1];
            if (total >= dims[i]) {
                throw new InvalidArgumentException("Total paddings must be less than the input dimension size: "
                        + total + " was not less than " + dims[i]);
            }
            inDims[i] = dims[i] - total;
        }
        paddings(paddings, inDims, offset);
        Tensor cur = dy;
        long[] curDims = dims.clone();
        for (int axis = 0; axis < dims.length; axis++) {
            if (pv[2 * axis] == 0 && pv[2 * axis + 1] == 0) {
                continue;
            }
            long[] nextDims = curDims.clone();
            nextDims[axis] = inDims[axis];
            Tensor next = Tensor.zeros(dy.dtype(), Shape.of(nextDims));
            int outer = ArrayData.prod(curDims, 0, axis);
            int inner = ArrayData.prod(curDims, axis + 1, curDims.length);
            int n = (int) curDims[axis];
            int m = (int) nextDims[axis];
            for (int a = 0; a < outer; a++) {
                for (int i = 0; i < n; i++) {
                    int to = source(i, (int) pv[2 * axis], m, offset);
                    SliceCombine.combine(SliceCombine.ADD, next.array(), (a * m + to) * inner, cur.array(),
                            (a * n + i) * inner, inner);
                }
            }
            cur = next;
            curDims = nextDims;
        }
        if (cur == dy) {
            cur = ctx.allocate(dy.dtype(), dy.shape());
            System.arraycopy(dy.array(), 0, cur.array(), 0, dy.numElements());
        }
        ctx.setOutput(0, cur);
    }
}
