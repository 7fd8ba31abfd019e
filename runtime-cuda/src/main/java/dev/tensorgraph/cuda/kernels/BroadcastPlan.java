package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.args.BroadcastShapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a GPU elementwise kernel walks its output: the output shape and, per operand, element strides over
 * the fewest dimensions. Output dimensions of size 1 are dropped and neighbours merged wherever every
 * operand steps through them as through one dimension, so equal shapes become one dimension, a bias row
 * against a matrix two. When every operand is either full-size or a single element the plan is "flat" and
 * the kernels take a stride of 1 or 0 per operand instead of the index walk.
 *
 * <p>{@link #loopArgs()} gives the kernel arguments of {@link ElementwisePrelude#loopParams}.
 */
public final class BroadcastPlan {
    /** Dimensions a kernel walks after merging; kernels take this many sizes as scalar arguments. */
    public static final int MAX_RANK = 8;

    private final Shape shape;
    private final long numElements;
    private final int rank;
    private final long[] dims;
    private final long[][] strides;
    private final int[] flatStrides;
    private final boolean narrow;

    private BroadcastPlan(Shape shape, long numElements, int rank, long[] dims, long[][] strides, int[] flatStrides,
                          boolean narrow) {
        this.shape = shape;
        this.numElements = numElements;
        this.rank = rank;
        this.dims = dims;
        this.strides = strides;
        this.flatStrides = flatStrides;
        this.narrow = narrow;
    }

    /** The NumPy broadcast of {@code operands}; incompatible shapes fail as TensorFlow's kernels do. */
    public static BroadcastPlan of(String opName, Shape... operands) {
        Shape out = BroadcastShapes.of(opName + ": ", operands);
        long n = out.numElements();
        int rank = out.rank();
        long[] outDims = out.dims();
        long[][] strides = new long[operands.length][rank];
        int[] flat = new int[operands.length];
        boolean isFlat = true;
        for (int k = 0; k < operands.length; k++) {
            long[] d = operands[k].dims();
            long step = 1;
            for (int i = d.length - 1; i >= 0; i--) {
                int j = rank - d.length + i;
                strides[k][j] = d[i] == 1 && outDims[j] != 1 ? 0 : step;
                step *= d[i];
            }
            long count = operands[k].numElements();
            if (count == n) {
                flat[k] = 1;
            } else if (count == 1) {
                flat[k] = 0;
            } else {
                isFlat = false;
            }
        }
        return collapse(opName, out, n, outDims, strides, new long[operands.length], isFlat ? flat : null);
    }

    /**
     * A walk over {@code dims} (row-major order of a tensor of {@code n} elements) where operand {@code k}
     * starts at element {@code bases[k]} and steps by {@code strides[k][d]} along dimension {@code d}.
     */
    public static BroadcastPlan strided(String opName, long[] dims, long[] bases, long[]... strides) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return collapse(opName, Shape.of(dims), n, dims, strides, bases, null);
    }

    private static BroadcastPlan collapse(String opName, Shape out, long n, long[] dims, long[][] strides, long[] bases,
                                          int[] flat) {
        int k = strides.length;
        List<long[]> merged = new ArrayList<>();  // each: {size, stride_0 .. stride_k-1}
        for (int d = 0; d < dims.length; d++) {
            if (dims[d] == 1) {
                continue;
            }
            long[] cur = new long[k + 1];
            cur[0] = dims[d];
            for (int j = 0; j < k; j++) {
                cur[j + 1] = strides[j][d];
            }
            if (!merged.isEmpty()) {
                long[] prev = merged.get(merged.size() - 1);
                boolean mergeable = true;
                for (int j = 0; j < k && mergeable; j++) {
                    mergeable = prev[j + 1] == cur[j + 1] * cur[0];
                }
                if (mergeable) {
                    prev[0] *= cur[0];
                    for (int j = 0; j < k; j++) {
                        prev[j + 1] = cur[j + 1];
                    }
                    continue;
                }
            }
            merged.add(cur);
        }
        if (merged.size() > MAX_RANK) {
            throw new UnimplementedException(opName + " on the GPU walks at most " + MAX_RANK
                    + " dimensions after merging, but shape " + out + " needs " + merged.size());
        }
        int rank = merged.size();
        long[] walkDims = new long[MAX_RANK];
        long[][] walkStrides = new long[k][MAX_RANK];
        Arrays.fill(walkDims, 1);
        boolean narrow = n <= Integer.MAX_VALUE;
        long[] extent = bases.clone();
        for (int i = 0; i < rank; i++) {
            long[] m = merged.get(i);
            int slot = MAX_RANK - rank + i;
            walkDims[slot] = m[0];
            for (int j = 0; j < k; j++) {
                walkStrides[j][slot] = m[j + 1];
                extent[j] += (m[0] - 1) * m[j + 1];
            }
        }
        for (long e : extent) {
            narrow &= e < Integer.MAX_VALUE;
        }
        return new BroadcastPlan(out, n, rank, walkDims, walkStrides, flat, narrow);
    }

    public Shape shape() {
        return shape;
    }

    public long numElements() {
        return numElements;
    }

    /** Whether every operand is full-size or one element, so {@link #flatStride} describes it. */
    public boolean isFlat() {
        return flatStrides != null;
    }

    /** 1 for a full-size operand, 0 for a single element (only when {@link #isFlat()}). */
    public int flatStride(int operand) {
        return flatStrides[operand];
    }

    /** {@code narrow, rank, d0..d7, strides of operand 0 (8), ..., strides of the last operand (8)}. */
    public Object[] loopArgs() {
        Object[] a = new Object[2 + MAX_RANK * (1 + strides.length)];
        a[0] = narrow ? 1 : 0;
        a[1] = rank;
        int i = 2;
        for (long d : dims) {
            a[i++] = d;
        }
        for (long[] s : strides) {
            for (long v : s) {
                a[i++] = v;
            }
        }
        return a;
    }

    /** {@code head} followed by {@link #loopArgs()}. */
    public Object[] withLoopArgs(Object... head) {
        Object[] loop = loopArgs();
        Object[] all = Arrays.copyOf(head, head.length + loop.length);
        System.arraycopy(loop, 0, all, head.length, loop.length);
        return all;
    }
}
