package dev.tensorgraph.kernel.args;

import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;

/**
 * How to reduce a tensor of {@code dims} over {@code axes} (Sum, Mean, Max, ... and their keep_dims
 * output), shared by the CPU and GPU reductions so that both accept the same axes and produce the same
 * shape.
 *
 * <p>{@link #passes()} are {outer, r, inner} views, each reducing one run of adjacent reduced axes,
 * innermost run first. Size-1 axes are dropped and adjacent axes of one kind merged first, so reducing
 * the last axes, the leading axes or everything is a single pass; only interleaved axes need more.
 * {@link #count()} is the number of elements folded into each output (Mean's divisor) and
 * {@link #inputSize()} the input's element count.
 */
public final class ReductionLayout {
    private final Shape outShape;
    private final long[][] passes;
    private final long count;
    private final long inputSize;

    private ReductionLayout(Shape outShape, long[][] passes, long count, long inputSize) {
        this.outShape = outShape;
        this.passes = passes;
        this.count = count;
        this.inputSize = inputSize;
    }

    /**
     * The layout of reducing {@code dims} over {@code axes} (each in [-rank, rank), no duplicates).
     *
     * @throws InvalidArgumentException for an axis out of range or given twice, as TensorFlow words it
     */
    public static ReductionLayout of(String messagePrefix, long[] dims, long[] axes, boolean keepDims) {
        int rank = dims.length;
        boolean[] reduced = new boolean[rank];
        for (long a : axes) {
            if (a < -rank || a >= rank) {
                throw new InvalidArgumentException(messagePrefix + "Invalid reduction dimension (" + a
                        + " for input with " + rank + " dimension(s)");
            }
            int ax = (int) (a < 0 ? a + rank : a);
            if (reduced[ax]) {
                throw new InvalidArgumentException(messagePrefix
                        + "Invalid reduction arguments: Axes contains duplicate dimension: " + ax);
            }
            reduced[ax] = true;
        }
        List<Long> out = new ArrayList<>();
        long count = 1;
        long size = 1;
        List<long[]> groups = new ArrayList<>(); // {size, 1 if reduced}
        for (int i = 0; i < rank; i++) {
            size *= dims[i];
            if (reduced[i]) {
                count *= dims[i];
                if (keepDims) {
                    out.add(1L);
                }
            } else {
                out.add(dims[i]);
            }
            if (dims[i] == 1) {
                continue;
            }
            long kind = reduced[i] ? 1 : 0;
            if (!groups.isEmpty() && groups.get(groups.size() - 1)[1] == kind) {
                groups.get(groups.size() - 1)[0] *= dims[i];
            } else {
                groups.add(new long[] {dims[i], kind});
            }
        }
        long[] o = new long[out.size()];
        for (int i = 0; i < o.length; i++) {
            o[i] = out.get(i);
        }
        // Innermost reduced run first: groups before it are still whole, reduced groups after it are gone.
        List<long[]> passes = new ArrayList<>();
        for (int j = groups.size() - 1; j >= 0; j--) {
            if (groups.get(j)[1] == 0) {
                continue;
            }
            long outer = 1;
            long inner = 1;
            for (int i = 0; i < j; i++) {
                outer *= groups.get(i)[0];
            }
            for (int i = j + 1; i < groups.size(); i++) {
                if (groups.get(i)[1] == 0) {
                    inner *= groups.get(i)[0];
                }
            }
            passes.add(new long[] {outer, groups.get(j)[0], inner});
        }
        return new ReductionLayout(Shape.of(o), passes.toArray(new long[0][]), count, size);
    }

    /** The output shape (reduced axes dropped, or kept as 1 with keep_dims). */
    public Shape outShape() {
        return outShape;
    }

    /** The {outer, r, inner} passes, innermost reduced run first; the caller must not modify them. */
    public long[][] passes() {
        return passes;
    }

    /** The number of input elements folded into each output element. */
    public long count() {
        return count;
    }

    /** The number of input elements. */
    public long inputSize() {
        return inputSize;
    }
}
