package dev.tensorgraph.cpu;

/**
 * 1x1 convolutions without padding (any stride) as products on the native BLAS, in chunks of output positions
 * with the epilogue (bias, a tensor added, ReLU) applied to each chunk right after its product, while the chunk
 * is still in the second-level cache. A 1x1 convolution is {@code y[positions, o] = x[positions, c] f[c, o]};
 * with a stride, the chunk's input rows are gathered first.
 *
 * <p>Why not {@link VectorConv}: on the project's 2-core Zen 4, ResNet50's 1x1 layers at batch 8 ran at 57-107
 * GFLOP/s a core in the vector kernel (57 at 64 input channels) and at 92-111 in OpenBLAS's (one core, chunks
 * of 256 positions). With its residual addition and ReLU, the {@code [8,56,56,64]} to 256 layer took 5.8 ms here
 * against 9.3 in the vector kernel.
 */
final class PointwiseConv {
    /** Output values per chunk: the chunk's rows of y stay in a core's second-level cache for the epilogue. */
    private static final int CHUNK_VALUES = 128 * 1024;
    private static final int MIN_CHUNK_ROWS = 64;
    private static final int MAX_CHUNK_ROWS = 512;
    /**
     * Columns of y per chunk. Each call packs its block of the filter, so a chunk needs many rows to repay that:
     * with all of 2,048 columns in a chunk, only 64 rows fit, and ResNet50's {@code [392,512]} by {@code [512,2048]}
     * ran at 110 GFLOP/s on one core of an Intel Xeon (family 6, model 207); in chunks of 512 rows by 256 columns
     * at 135 (512 by 512: 144, but twice the cache). Layers of 256 columns or fewer are as before.
     */
    private static final int COLUMN_BLOCK = 256;
    /**
     * Fewer output positions stay in the vector kernel: each call of the native BLAS packs the whole filter, which
     * weighs more against few positions. ResNet50 at batch 1 (at most 3,136 positions a layer) ran 1-2 ms slower
     * with its 56x56 layers here, and its smaller layers 5-30% slower each; at batch 8 (6,272 positions at 28x28)
     * the network ran 287-294 ms against 301-327 with every 1x1 layer in the vector kernel, alternated (Zen 4,
     * OpenBLAS's own choice of kernels).
     */
    static final int MIN_POSITIONS = 4096;
    /**
     * Narrower outputs stay in the vector kernel, which was faster there: ResNet50's {@code [8,56,56,256]} to 64
     * channels took 4.9 ms in it against 5.5 here.
     */
    static final int MIN_OUT = 128;
    /**
     * Where OpenBLAS runs kernels named as wide as the JVM's vectors ({@link NativeBlas#asWideAsVectors()}), it was
     * ahead from far fewer positions: ResNet50's 1x1 layers at batch 1 on an Intel Xeon (family 6, model 207),
     * two threads, the two kernels alternated in one JVM (median µs): 196 positions, 256 to 1,024 channels, 581
     * against 680 in the vector kernel; 784 positions, 512 to 128, 590 against 702; 3,136 positions, 256 to 64,
     * 646 against 746. At 49 positions the vector kernel was 5-8% faster.
     */
    static final int MIN_POSITIONS_WIDE = 128;
    static final int MIN_OUT_WIDE = 64;

    private PointwiseConv() {}

    /**
     * Whether this path computes {@code g}: a 1x1 window, no padding, and a native BLAS worth calling whose kernels
     * are as wide as the JVM's vectors (ResNet50 at batch 8 on a Zen 5 with {@code OPENBLAS_CORETYPE=Haswell}:
     * 218 ms with its 1x1 layers in the vector kernel, 247 on this path), or a CPU whose 512-bit vectors run on
     * 256-bit units ({@link HalfWidthVectorUnits}), where any OpenBLAS kernel is as wide as ours in effect: on a
     * Zen 4 with {@code Haswell}, ResNet50 at batch 8 ran 299-307 ms with its big 1x1 layers here against 338-339
     * in the vector kernel, alternated ({@code [8,56,56,64]} to 256 with its residual addition 6.5 against 11.6 ms).
     */
    static boolean applies(NnGeometry g) {
        boolean wide = NativeBlas.asWideAsVectors();
        return g.kh() == 1 && g.kw() == 1 && g.padTop() == 0 && g.padLeft() == 0 && g.o() >= (wide ? MIN_OUT_WIDE : MIN_OUT)
                && g.n() * g.oh() * g.ow() >= (wide ? MIN_POSITIONS_WIDE : MIN_POSITIONS)
                && NativeBlas.worthIt(g.n() * g.oh() * g.ow(), g.o(), g.c())
                && (!NativeBlas.narrowerThanVectors() || HalfWidthVectorUnits.present())
                && !Boolean.getBoolean("tensorgraph.conv.pointwiseInJava");
    }

    /** {@code y = epilogue(conv(x, f))} for NHWC {@code x}, filter {@code f[1, 1, c, o]} and NHWC {@code y}. */
    static void forward(NnGeometry g, float[] x, float[] f, float[] y, VectorConv.Epilogue e, int threads) {
        int m = g.n() * g.oh() * g.ow();
        int c = g.c();
        int o = g.o();
        int parts = NativeBlas.callerThreads(threads);
        long work = (long) m * c * o;
        int columns = NativeBlas.takesColumnBlocks() ? Math.min(o, COLUMN_BLOCK) : o;
        int columnBlocks = (o + columns - 1) / columns;
        int chunkRows = Math.max(MIN_CHUNK_ROWS, Math.min(MAX_CHUNK_ROWS, CHUNK_VALUES / columns));
        int rowChunks = (m + chunkRows - 1) / chunkRows;
        // As many chunks on each thread: the last thread's share is not left with one chunk more.
        if (rowChunks * columnBlocks % parts != 0) {
            rowChunks = Math.max(1, (rowChunks + parts - 1) / parts * parts);
        }
        int rowsPerChunk = (m + rowChunks - 1) / rowChunks;
        int chunkCount = (m + rowsPerChunk - 1) / rowsPerChunk * columnBlocks;
        Parallel.forRange(chunkCount, parts, work, (k0, k1) -> {
            float[] rows = null;
            int rowsOff = 0;
            int gatheredChunk = -1;
            for (int k = k0; k < k1; k++) {
                // A thread's consecutive chunks share their rows: one gather serves all their column blocks.
                int rowChunk = k / columnBlocks;
                int j0 = k % columnBlocks * columns;
                int j1 = Math.min(o, j0 + columns);
                int r0 = rowChunk * rowsPerChunk;
                int r1 = Math.min(m, r0 + rowsPerChunk);
                if (rowChunk != gatheredChunk) {
                    rows = gathered(g, x, r0, r1, Scratch.Slot.PADDED_INPUT);
                    rowsOff = rows == x ? r0 * c : 0;
                    gatheredChunk = rowChunk;
                }
                NativeBlas.sgemm(false, false, r1 - r0, j1 - j0, c, rows, rowsOff, c, f, j0, o, 0f, y, r0 * o + j0, o);
                applyEpilogue(y, r0, r1, j0, j1, o, e);
            }
        });
    }

    /**
     * The input rows of output positions {@code [r0, r1)}: {@code x} itself at stride 1, else a thread's scratch
     * array holding them from its start.
     */
    private static float[] gathered(NnGeometry g, float[] x, int r0, int r1, Scratch.Slot slot) {
        if (g.sh() == 1 && g.sw() == 1 && g.oh() == g.h() && g.ow() == g.w()) {
            return x;
        }
        int c = g.c();
        float[] rows = Scratch.floats(slot, (r1 - r0) * c);
        int perImage = g.oh() * g.ow();
        for (int p = r0; p < r1; p++) {
            int n = p / perImage;
            int oy = (p % perImage) / g.ow();
            int ox = p % g.ow();
            int src = ((n * g.h() + oy * g.sh()) * g.w() + ox * g.sw()) * c;
            System.arraycopy(x, src, rows, (p - r0) * c, c);
        }
        return rows;
    }

    /**
     * The epilogue on rows {@code [r0, r1)}, columns {@code [c0, c1)} of {@code y} (rows of {@code o}), in the
     * order the unfused ops apply it, so the result rounds as they do: with the vector API where the JVM has it
     * (C2 did not vectorize the scalar loops, and the epilogue then took a third of a residual layer's time).
     */
    static void applyEpilogue(float[] y, int r0, int r1, int c0, int c1, int o, VectorConv.Epilogue e) {
        float[] bias = e.bias();
        float[] addend = e.addend();
        if (bias == null && addend == null && !e.relu()) {
            return;
        }
        if (Gemm.vectorApiAvailable()) {
            VectorConv.epilogueRows(y, r0, r1, c0, c1, o, e);
        } else {
            scalarEpilogue(y, r0, r1, c0, c1, o, e);
        }
    }

    /** {@link #applyEpilogue} without the vector API, in the same order of operations. */
    static void scalarEpilogue(float[] y, int r0, int r1, int c0, int c1, int o, VectorConv.Epilogue e) {
        float[] bias = e.bias();
        float[] addend = e.addend();
        for (int r = r0; r < r1; r++) {
            int row = r * o;
            for (int j = c0; j < c1; j++) {
                float v = y[row + j];
                if (bias != null) {
                    v += bias[j];
                }
                if (addend != null) {
                    v += addend[row + j];
                }
                if (e.relu()) {
                    v = Math.min(Math.max(v, 0f), e.cap());
                }
                y[row + j] = v;
            }
        }
    }
}
