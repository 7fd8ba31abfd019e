package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.cuda.CudaFunction;
import dev.tensorgraph.cuda.CudaSource;
import dev.tensorgraph.device.DeviceBuffer;
import dev.tensorgraph.device.DeviceTensor;

/**
 * Enqueues the kernels of {@link ReductionSources}: picks the row or column kernel for each pass, and cuts
 * long reductions with few outputs into chunks (partial results in a workspace, folded by a second launch)
 * so that enough blocks run. Everything depends on shapes only, so the work records and replays.
 */
final class ReductionRunner {
    /** Rows no longer than this get a warp each; longer ones a block of {@link #BLOCK} threads. */
    private static final long WARP_ROW_LIMIT = 1024;
    private static final int BLOCK = 256;
    /** Enough blocks to fill an H100 a few times over. */
    private static final long TARGET_BLOCKS = 1024;
    private static final int MAX_GRID_X = 1 << 20;
    private static final int MAX_GRID_Y = 65535;
    private static final int COLUMN_TILE = 32;
    private static final int COLUMN_SPLIT = 8;

    private ReductionRunner() {}

    /**
     * {@code out = op(in)} over the plan's passes; Mean ({@code mean}) divides by the plan's count in the last
     * pass. {@code in} has elements and the plan at least one pass.
     */
    static void reduce(CudaDevice dev, DeviceTensor in, DeviceTensor out, ReductionPasses plan, int op, boolean mean) {
        DType t = in.dtype();
        long[][] passes = plan.passes();
        Object src = in;
        DeviceBuffer previous = null;
        for (int p = 0; p < passes.length; p++) {
            boolean last = p == passes.length - 1;
            long[] s = passes[p];
            DeviceBuffer between = last ? null : dev.scratch(s[0] * s[2] * t.byteSize());
            Object dst = last ? out : between;
            runPass(dev, t, op, src, dst, s[0], s[1], s[2], last && mean ? plan.count() : 0);
            if (previous != null) {
                dev.release(previous);
            }
            previous = between;
            src = dst;
        }
    }

    /** Fills {@code out} with {@code value} (the result of reducing nothing). */
    static void fill(CudaDevice dev, DeviceTensor out, Object value) {
        DType t = out.dtype();
        dev.launch1d(dev.function(ReductionSources.source(t), "red_fill_" + ReductionSources.tag(t)), out.numElements(),
                out, out.numElements(), value);
    }

    /** One [outer, r, inner] to [outer, inner] pass, in one launch or two (chunks, then their fold). */
    private static void runPass(CudaDevice dev, DType t, int op, Object src, Object dst, long outer, long r, long inner,
                                long meanCount) {
        CudaSource source = ReductionSources.source(t);
        String base = ReductionSources.opName(op) + "_" + ReductionSources.tag(t);
        boolean wide = ReductionSources.widerAccumulator(t, op);
        if (inner == 1) {
            long chunks = rowChunks(outer, r);
            if (chunks == 1) {
                rows(dev, dev.function(source, "red_row_" + base), src, dst, outer, r, r, 1, meanCount);
                return;
            }
            long chunk = ceilDiv(r, chunks);
            chunks = ceilDiv(r, chunk);
            DeviceBuffer partial = dev.scratch(outer * chunks * ReductionSources.accumulatorBytes(t, op));
            rows(dev, dev.function(source, "red_row_" + base + (wide ? "_part" : "")), src, partial, outer, r, chunk,
                    chunks, 0);
            rows(dev, dev.function(source, "red_row_" + base + (wide ? "_fin" : "")), partial, dst, outer, chunks, chunks,
                    1, meanCount);
            dev.release(partial);
            return;
        }
        long chunks = columnChunks(outer, r, inner);
        if (chunks == 1) {
            columns(dev, dev.function(source, "red_col_" + base), src, dst, outer, r, inner, r, 1, meanCount);
            return;
        }
        long chunk = ceilDiv(r, chunks);
        chunks = ceilDiv(r, chunk);
        DeviceBuffer partial = dev.scratch(outer * chunks * inner * ReductionSources.accumulatorBytes(t, op));
        columns(dev, dev.function(source, "red_col_" + base + (wide ? "_part" : "")), src, partial, outer, r, inner, chunk,
                chunks, 0);
        columns(dev, dev.function(source, "red_col_" + base + (wide ? "_fin" : "")), partial, dst, outer, chunks, inner,
                chunks, 1, meanCount);
        dev.release(partial);
    }

    /** Chunks per row: 1 unless few long rows would leave most of the GPU idle. */
    private static long rowChunks(long rows, long r) {
        if (rows >= TARGET_BLOCKS || r <= 16 * 1024) {
            return 1;
        }
        long byLength = ceilDiv(r, 4096);
        long byBlocks = Math.max(1, TARGET_BLOCKS / rows);
        return Math.max(1, Math.min(byLength, byBlocks));
    }

    /** Chunks per column group: 1 unless few column tiles with a long r would leave the GPU idle. */
    private static long columnChunks(long outer, long r, long inner) {
        long tiles = outer * ceilDiv(inner, COLUMN_TILE);
        if (tiles >= TARGET_BLOCKS / 2 || r <= 512) {
            return 1;
        }
        long byLength = ceilDiv(r, 128);
        long byBlocks = Math.max(1, TARGET_BLOCKS / tiles);
        return Math.max(1, Math.min(byLength, byBlocks));
    }

    private static void rows(CudaDevice dev, CudaFunction f, Object src, Object dst, long rows, long r, long chunk,
                             long chunks, long meanCount) {
        int threads = r <= WARP_ROW_LIMIT ? 32 : BLOCK;
        int perBlock = BLOCK / threads;
        long jobs = rows * chunks;
        int grid = (int) Math.min(ceilDiv(jobs, perBlock), MAX_GRID_X);
        dev.launch(f, grid, 1, 1, threads, perBlock, 1, 0, src, dst, rows, r, chunk, chunks, meanCount);
    }

    private static void columns(CudaDevice dev, CudaFunction f, Object src, Object dst, long outer, long r, long inner,
                                long chunk, long chunks, long meanCount) {
        int gridX = (int) Math.min(ceilDiv(inner, COLUMN_TILE), MAX_GRID_X);
        int gridY = (int) Math.min(outer * chunks, MAX_GRID_Y);
        dev.launch(f, gridX, gridY, 1, COLUMN_TILE, COLUMN_SPLIT, 1, 0, src, dst, outer, r, inner, chunk, chunks,
                meanCount);
    }

    /**
     * ArgMax ({@code max}) or ArgMin of {@code in} seen as [outer, r, inner] (r > 0) into {@code out} (int32 or
     * int64, [outer, inner]).
     */
    static void argReduce(CudaDevice dev, DeviceTensor in, DeviceTensor out, long outer, long r, long inner,
                          boolean max) {
        String name = (max ? "max_" : "min_") + ReductionSources.tag(in.dtype()) + "_"
                + (out.dtype() == DType.INT32 ? "i32" : "i64");
        CudaSource source = ReductionSources.source(in.dtype());
        if (inner == 1) {
            int threads = r <= WARP_ROW_LIMIT ? 32 : BLOCK;
            int perBlock = BLOCK / threads;
            int grid = (int) Math.min(ceilDiv(outer, perBlock), MAX_GRID_X);
            dev.launch(dev.function(source, "arg_row_" + name), grid, 1, 1, threads, perBlock, 1, 0, in, out, outer, r);
        } else {
            dev.launch1d(dev.function(source, "arg_col_" + name), outer * inner, in, out, outer, r, inner);
        }
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
