package dev.tensorgraph.cpu;

import dev.tensorgraph.Shape;
import dev.tensorgraph.kernel.args.BroadcastShapes;

/**
 * Walks the output of an elementwise op whose operands broadcast against each other (NumPy rules) in
 * contiguous runs. Output dimensions of size 1 are dropped and neighbouring dimensions that broadcast the
 * same way for every operand are merged, so equal shapes give one run over everything, a scalar operand
 * a run with stride 0, and a row vector against a matrix one run per row. Within a run operand {@code k}
 * advances by {@code strides[k]} (0 or 1) per element.
 *
 * <pre>{@code
 * BroadcastIndexer ix = BroadcastIndexer.of(a.shape(), b.shape());
 * ix.forEach((off, st, outOff, n) -> { for (int i = 0; i < n; i++) o[outOff + i] = x[off[0] + i * st[0]] + y[off[1] + i * st[1]]; });
 * }</pre>
 */
final class BroadcastIndexer {
    /** One run of {@code n} output elements starting at {@code outOffset}; the arrays are reused, don't keep them. */
    @FunctionalInterface
    interface Run {
        void run(int[] offsets, int[] strides, int outOffset, int n);
    }

    private final Shape shape;
    private final int size;
    private final int[] dims;
    private final int[][] strides;
    private final int numOperands;

    private BroadcastIndexer(Shape shape, int[] dims, int[][] strides, int numOperands) {
        this.shape = shape;
        this.size = Math.toIntExact(shape.numElements());
        this.dims = dims;
        this.strides = strides;
        this.numOperands = numOperands;
    }

    static BroadcastIndexer of(Shape... shapes) {
        Shape out = BroadcastShapes.of("", shapes);
        int rank = out.rank();
        int k = shapes.length;
        // Aligned operand dims, keeping only output dims > 1.
        int[] keptDims = new int[rank];
        boolean[][] bcast = new boolean[k][rank];
        int kept = 0;
        for (int i = 0; i < rank; i++) {
            int d = (int) out.size(i);
            if (d == 1) {
                continue;
            }
            for (int op = 0; op < k; op++) {
                int j = shapes[op].rank() - rank + i;
                bcast[op][kept] = j < 0 || shapes[op].size(j) == 1;
            }
            keptDims[kept++] = d;
        }
        // Merge neighbours that broadcast alike for every operand.
        int[] dims = new int[Math.max(kept, 1)];
        boolean[][] flags = new boolean[k][dims.length];
        int m = 0;
        for (int i = 0; i < kept; i++) {
            boolean same = m > 0;
            for (int op = 0; op < k && same; op++) {
                same = flags[op][m - 1] == bcast[op][i];
            }
            if (same) {
                dims[m - 1] *= keptDims[i];
            } else {
                dims[m] = keptDims[i];
                for (int op = 0; op < k; op++) {
                    flags[op][m] = bcast[op][i];
                }
                m++;
            }
        }
        if (m == 0) {
            dims[0] = 1;
            for (int op = 0; op < k; op++) {
                flags[op][0] = true;
            }
            m = 1;
        }
        int[] finalDims = java.util.Arrays.copyOf(dims, m);
        int[][] strides = new int[k][m];
        for (int op = 0; op < k; op++) {
            int s = 1;
            for (int i = m - 1; i >= 0; i--) {
                if (!flags[op][i]) {
                    strides[op][i] = s;
                    s *= finalDims[i];
                }
            }
        }
        return new BroadcastIndexer(out, finalDims, strides, k);
    }

    Shape shape() {
        return shape;
    }

    int size() {
        return size;
    }

    void forEach(Run run) {
        if (size == 0) {
            return;
        }
        int rank = dims.length;
        int n = dims[rank - 1];
        int[] inner = new int[numOperands];
        int[] off = new int[numOperands];
        for (int op = 0; op < numOperands; op++) {
            inner[op] = strides[op][rank - 1];
        }
        int[] idx = new int[rank];
        int outer = size / n;
        for (int o = 0, outOff = 0; o < outer; o++, outOff += n) {
            run.run(off, inner, outOff, n);
            for (int d = rank - 2; d >= 0; d--) {
                idx[d]++;
                for (int op = 0; op < numOperands; op++) {
                    off[op] += strides[op][d];
                }
                if (idx[d] < dims[d]) {
                    break;
                }
                for (int op = 0; op < numOperands; op++) {
                    off[op] -= strides[op][d] * dims[d];
                }
                idx[d] = 0;
            }
        }
    }
}
