package dev.tensorgraph.cpu;

import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.Arrays;

/**
 * CPU kernels of the segment reductions. Unsorted ({@code UnsortedSegmentSum/Max/Min/Prod}): ids of any shape data
 * starts with, negative ids dropped, an id at or past num_segments an error, empty segments the reduction's
 * identity. Sorted ({@code SegmentSum/Mean/Max/Min/Prod}): a non-decreasing, non-negative id vector over
 * data's first dimension, empty segments 0 (1 for the product), as TensorFlow's kernels.
 */
public final class SegmentKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;
    /** SegmentMean: a sum divided by the segment's size. */
    private static final int MEAN = -1;

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "UnsortedSegmentSum", op -> ctx -> unsorted(ctx, SliceCombine.ADD));
        r.register(CPU, "UnsortedSegmentMax", op -> ctx -> unsorted(ctx, SliceCombine.MAX));
        r.register(CPU, "UnsortedSegmentMin", op -> ctx -> unsorted(ctx, SliceCombine.MIN));
        r.register(CPU, "UnsortedSegmentProd", op -> ctx -> unsorted(ctx, SliceCombine.MUL));
        r.register(CPU, "SegmentSum", op -> ctx -> sorted(ctx, SliceCombine.ADD));
        r.register(CPU, "SegmentMean", op -> ctx -> sorted(ctx, MEAN));
        r.register(CPU, "SegmentMax", op -> ctx -> sorted(ctx, SliceCombine.MAX));
        r.register(CPU, "SegmentMin", op -> ctx -> sorted(ctx, SliceCombine.MIN));
        r.register(CPU, "SegmentProd", op -> ctx -> sorted(ctx, SliceCombine.MUL));
    }

    private static void checkNumeric(KernelContext ctx, Tensor data) {
        if (!SliceCombine.supports(data.dtype())) {
            throw new UnimplementedException(ctx.op().type() + " does not support dtype " + data.dtype());
        }
    }

    /** {@code out[ids[i]] (rule)= data[i]} over the slices of data after ids' dimensions. */
    private static void unsorted(KernelContext ctx, int rule) {
        Tensor data = ctx.input(0);
        Tensor ids = ctx.input(1);
        checkNumeric(ctx, data);
        long num = ArrayData.scalarLong(ctx.input(2), "num_segments");
        long[] dd = data.shape().dims();
        long[] idd = ids.shape().dims();
        if (idd.length > dd.length || !Arrays.equals(Arrays.copyOf(dd, idd.length), idd)) {
            throw new InvalidArgumentException("data.shape = " + data.shape() + " does not start with segment_ids.shape = "
                    + ids.shape());
        }
        if (num < 0) {
            throw new InvalidArgumentException("Input num_segments == " + num + " must not be negative.");
        }
        long[] seg = ArrayData.longs(ids);
        for (int i = 0; i < seg.length; i++) {
            if (seg[i] >= num) {
                throw new InvalidArgumentException("segment_ids[" + GatherKernel.position(i, idd) + "] = " + seg[i]
                        + " is out of range [0, " + num + ")");
            }
        }
        long[] outDims = new long[1 + dd.length - idd.length];
        outDims[0] = num;
        System.arraycopy(dd, idd.length, outDims, 1, dd.length - idd.length);
        int inner = ArrayData.prod(dd, idd.length, dd.length);
        Tensor out = ctx.allocate(data.dtype(), Shape.of(outDims));
        Object dst = out.array();
        SliceCombine.fillIdentity(rule, dst, 0, out.numElements());
        Object src = data.array();
        for (int i = 0; i < seg.length; i++) {
            if (seg[i] >= 0) {
                SliceCombine.combine(rule, dst, (int) seg[i] * inner, src, i * inner, inner);
            }
        }
        ctx.setOutput(0, out);
    }

    /** Reduces each run of equal ids; rows of ids that never occur stay 0 (1 for products). */
    private static void sorted(KernelContext ctx, int rule) {
        Tensor data = ctx.input(0);
        Tensor ids = ctx.input(1);
        checkNumeric(ctx, data);
        long[] dd = data.shape().dims();
        if (ids.shape().rank() != 1) {
            throw new InvalidArgumentException("segment_ids should be a vector, got shape " + ids.shape());
        }
        if (dd.length < 1 || dd[0] != ids.numElements()) {
            throw new InvalidArgumentException("segment_ids should be the same size as dimension 0 of input.");
        }
        long[] seg = ArrayData.longs(ids);
        for (int i = 1; i < seg.length; i++) {
            if (seg[i] < seg[i - 1]) {
                throw new InvalidArgumentException("segment ids are not increasing");
            }
        }
        long rows = seg.length == 0 ? 0 : seg[seg.length - 1] + 1;
        if (seg.length > 0 && seg[0] < 0) {
            throw new InvalidArgumentException("Segment id " + seg[0] + " out of range [0, " + rows
                    + "), possibly because 'segment_ids' input is not sorted.");
        }
        long[] outDims = dd.clone();
        outDims[0] = rows;
        int inner = ArrayData.prod(dd, 1, dd.length);
        Tensor out = ctx.allocateZeroed(data.dtype(), Shape.of(outDims));
        Object dst = out.array();
        if (rule == SliceCombine.MUL) {
            SliceCombine.fillIdentity(rule, dst, 0, out.numElements());
        }
        Object src = data.array();
        int start = 0;
        while (start < seg.length) {
            int end = start + 1;
            while (end < seg.length && seg[end] == seg[start]) {
                end++;
            }
            int d = (int) seg[start] * inner;
            System.arraycopy(src, start * inner, dst, d, inner);
            for (int i = start + 1; i < end; i++) {
                SliceCombine.combine(rule == MEAN ? SliceCombine.ADD : rule, dst, d, src, i * inner, inner);
            }
            if (rule == MEAN) {
                SliceCombine.divide(dst, d, inner, end - start);
            }
            start = end;
        }
        ctx.setOutput(0, out);
    }
}
