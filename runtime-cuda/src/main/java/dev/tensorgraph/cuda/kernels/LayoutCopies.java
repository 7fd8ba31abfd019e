package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Enqueues the element moves of {@link LayoutSources}: a general strided gather (dimensions of size 1
 * dropped and contiguous runs merged first, 32-bit index math when it fits), the tiled transpose for
 * perms that collapse to a (batched) 2-D transpose, and Tile.
 */
final class LayoutCopies {
    private static final int TILE = 32;
    private static final int TILE_ROWS = 8;
    private static final int MAX_GRID_X = 1 << 20;
    private static final int MAX_GRID_YZ = 65535;

    private LayoutCopies() {}

    /** dst (contiguous, dims {@code dims}) [i] = src[offset + sum_k coord_k(i) * srcStrides[k]]. */
    static void stridedCopy(CudaDevice dev, String what, DeviceTensor src, long offset, long[] dims, long[] srcStrides,
                            DeviceTensor dst) {
        long n = dst.numElements();
        if (n == 0) {
            return;
        }
        List<long[]> merged = mergeAxes(dims, srcStrides);
        if (merged.size() > LayoutSources.MAX_RANK) {
            throw new InvalidArgumentException(what + ": a GPU strided copy handles at most " + LayoutSources.MAX_RANK
                    + " dimensions after merging, got " + merged.size());
        }
        boolean small = n <= Integer.MAX_VALUE && src.numElements() <= Integer.MAX_VALUE;
        Object[] args = new Object[4 + 2 * LayoutSources.MAX_RANK];
        args[0] = src;
        args[1] = dst;
        args[2] = small ? (Object) (int) n : (Object) n;
        args[3] = small ? (Object) (int) offset : (Object) offset;
        int lead = LayoutSources.MAX_RANK - merged.size();
        for (int k = 0; k < LayoutSources.MAX_RANK; k++) {
            long size = k < lead ? 1 : merged.get(k - lead)[0];
            long stride = k < lead ? 0 : merged.get(k - lead)[1];
            args[4 + k] = small ? (Object) (int) size : (Object) size;
            args[4 + LayoutSources.MAX_RANK + k] = small ? (Object) (int) stride : (Object) stride;
        }
        String name = "strided_copy_w" + dst.dtype().byteSize() + (small ? "_s" : "");
        dev.launch1d(dev.function(LayoutSources.LAYOUT, name), n, args);
    }

    /**
     * The walk of a strided copy as {size, stride} pairs, outermost first, with size-1 axes dropped and an
     * axis folded into the one before it where together they step evenly.
     */
    static List<long[]> mergeAxes(long[] dims, long[] strides) {
        List<long[]> merged = new ArrayList<>();
        for (int k = 0; k < dims.length; k++) {
            if (dims[k] == 1) {
                continue;
            }
            if (!merged.isEmpty()) {
                long[] last = merged.get(merged.size() - 1);
                if (last[1] == strides[k] * dims[k]) {
                    last[0] *= dims[k];
                    last[1] = strides[k];
                    continue;
                }
            }
            merged.add(new long[] {dims[k], strides[k]});
        }
        return merged;
    }

    /** out = x transposed by {@code perm} (validated, not the identity), into {@code out}. */
    static void transpose(CudaDevice dev, String what, DeviceTensor x, int[] perm, DeviceTensor out) {
        MergedTranspose t = MergedTranspose.of(x.shape().dims(), perm);
        long[] inDims = t.dims();
        int[] p = t.perm();
        int m = p.length;
        if (m == 2 && p[0] == 1) {
            tiles(dev, x, out, 1, inDims[0], inDims[1]);
            return;
        }
        if (m == 3 && p[0] == 0 && p[1] == 2 && p[2] == 1) {
            tiles(dev, x, out, inDims[0], inDims[1], inDims[2]);
            return;
        }
        long[] inStrides = LayoutHostArgs.strides(inDims);
        long[] outDims = new long[m];
        long[] srcStrides = new long[m];
        for (int i = 0; i < m; i++) {
            outDims[i] = inDims[p[i]];
            srcStrides[i] = inStrides[p[i]];
        }
        stridedCopy(dev, what, x, 0, outDims, srcStrides, out);
    }

    /**
     * The same transpose over fewer axes: size-1 axes dropped, and axes that stay adjacent and in order
     * merged, so that NHWC to NCHW becomes a batched 2-D transpose.
     */
    record MergedTranspose(long[] dims, int[] perm) {
        static MergedTranspose of(long[] dims, int[] perm) {
            int rank = dims.length;
            int[] renumber = new int[rank];
            List<Long> kept = new ArrayList<>();
            for (int i = 0; i < rank; i++) {
                renumber[i] = dims[i] == 1 ? -1 : kept.size();
                if (dims[i] != 1) {
                    kept.add(dims[i]);
                }
            }
            // Runs of consecutive input axes in output order: {first, last}.
            List<int[]> runs = new ArrayList<>();
            for (int a : perm) {
                int k = renumber[a];
                if (k < 0) {
                    continue;
                }
                if (!runs.isEmpty() && runs.get(runs.size() - 1)[1] + 1 == k) {
                    runs.get(runs.size() - 1)[1] = k;
                } else {
                    runs.add(new int[] {k, k});
                }
            }
            int m = runs.size();
            Integer[] byInput = new Integer[m];
            for (int i = 0; i < m; i++) {
                byInput[i] = i;
            }
            Arrays.sort(byInput, (u, v) -> Integer.compare(runs.get(u)[0], runs.get(v)[0]));
            long[] merged = new long[m];
            int[] mergedPerm = new int[m];
            for (int j = 0; j < m; j++) {
                int[] run = runs.get(byInput[j]);
                long size = 1;
                for (int a = run[0]; a <= run[1]; a++) {
                    size *= kept.get(a);
                }
                merged[j] = size;
                mergedPerm[byInput[j]] = j;
            }
            return new MergedTranspose(merged, mergedPerm);
        }
    }

    private static void tiles(CudaDevice dev, DeviceTensor x, DeviceTensor out, long batch, long rows, long cols) {
        int gx = (int) Math.min((cols + TILE - 1) / TILE, MAX_GRID_X);
        int gy = (int) Math.min((rows + TILE - 1) / TILE, MAX_GRID_YZ);
        int gz = (int) Math.min(batch, MAX_GRID_YZ);
        dev.launch(dev.function(LayoutSources.LAYOUT, "transpose_tiles_w" + x.dtype().byteSize()), gx, gy, gz, TILE,
                TILE_ROWS, 1, 0, x, out, batch, rows, cols);
    }

    /** out (dims {@code outDims}) = x (dims {@code inDims}) repeated along every axis. */
    static void tile(CudaDevice dev, String what, DeviceTensor x, long[] inDims, long[] outDims, DeviceTensor out) {
        long n = out.numElements();
        if (n == 0) {
            return;
        }
        int rank = inDims.length;
        if (rank > LayoutSources.MAX_RANK) {
            throw new InvalidArgumentException(what + ": GPU Tile handles at most " + LayoutSources.MAX_RANK
                    + " dimensions, got " + rank);
        }
        Object[] args = new Object[3 + 2 * LayoutSources.MAX_RANK];
        args[0] = x;
        args[1] = out;
        args[2] = n;
        int lead = LayoutSources.MAX_RANK - rank;
        for (int k = 0; k < LayoutSources.MAX_RANK; k++) {
            args[3 + k] = k < lead ? 1L : outDims[k - lead];
            args[3 + LayoutSources.MAX_RANK + k] = k < lead ? 1L : inDims[k - lead];
        }
        dev.launch1d(dev.function(LayoutSources.LAYOUT, "tile_w" + x.dtype().byteSize()), n, args);
    }

    /** dst[o, dstCol + j] = src[o, srcCol + j] for o < outer, j < len; rows of srcRow and dstRow elements. */
    static void copyRows(CudaDevice dev, DeviceTensor src, DeviceTensor dst, long outer, long len, long srcRow,
                         long srcCol, long dstRow, long dstCol) {
        if (outer * len == 0) {
            return;
        }
        dev.launch1d(dev.function(LayoutSources.LAYOUT, "copy_rows_w" + dst.dtype().byteSize()), outer * len, src, dst,
                outer, len, srcRow, srcCol, dstRow, dstCol);
    }
}
