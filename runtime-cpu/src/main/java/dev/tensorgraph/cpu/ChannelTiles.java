package dev.tensorgraph.cpu;

/**
 * Helpers for per-channel loops over float data laid out as {@code [rows, c]} (NHWC, or any tensor whose
 * last dimension is the channel). The data is walked in tiles of whole rows that are copied into scratch
 * arrays starting at index 0, next to per-channel vectors repeated to the tile's length, so every hot loop
 * indexes all its arrays by the loop variable alone: with channel counts like 16 the channel loop is too
 * short to vectorize, and HotSpot C2 (JDK 17) does not vectorize loops whose arrays are offset by
 * different run-time amounts.
 */
final class ChannelTiles {
    /** About this many floats per tile: a few tiles stay in the L1 cache. */
    static final int TILE_FLOATS = 2048;

    /** Float partial sums are folded into double after this many tiles, which bounds their rounding error. */
    static final int FOLD_EVERY = 8;

    private ChannelTiles() {}

    /** Rows per tile for {@code c} channels and {@code rows} rows in all. */
    static int tileRows(int c, int rows) {
        return Math.max(1, Math.min(rows, TILE_FLOATS / Math.max(c, 1)));
    }

    /** {@code v} (one value per channel) repeated {@code rows} times. */
    static float[] repeat(double[] v, int rows) {
        int c = v.length;
        float[] r = new float[rows * c];
        for (int t = 0; t < rows; t++) {
            for (int j = 0; j < c; j++) {
                r[t * c + j] = (float) v[j];
            }
        }
        return r;
    }

    /** As {@link #repeat(double[], int)} for float values. */
    static float[] repeat(float[] v, int rows) {
        int c = v.length;
        float[] r = new float[rows * c];
        for (int t = 0; t < rows; t++) {
            System.arraycopy(v, 0, r, t * c, c);
        }
        return r;
    }

    /** Adds {@code acc[0, len)}, a tile of channel partial sums, to {@code sums} and clears it. */
    static void fold(float[] acc, int len, double[] sums) {
        int c = sums.length;
        for (int t = 0; t < len; t += c) {
            for (int j = 0; j < c; j++) {
                sums[j] += acc[t + j];
                acc[t + j] = 0f;
            }
        }
    }

    /** The number of contiguous parts a row loop is split into (one per thread when the work is large). */
    static int parts(int rows, int threads, long work) {
        return work < Parallel.MIN_PARALLEL_WORK ? 1 : Math.max(1, Math.min(threads, rows));
    }

    /** First row of part {@code p} of {@code parts} over {@code rows} rows. */
    static int partStart(int rows, int parts, int p) {
        return (int) ((long) rows * p / parts);
    }

    /** Writes the terms of rows starting at flat index {@code offset} into {@code tile[0, len)}. */
    interface TileLoader {
        void load(int offset, float[] tile, int len);
    }

    /**
     * Per-channel sums over {@code [rows, c]} of the terms {@code loader} writes, tile by tile, in parts
     * split over the threads (a loader per part, so it may keep scratch arrays): float partial sums per
     * tile position, folded into double every {@link #FOLD_EVERY} tiles.
     */
    static double[] sums(int rows, int c, int threads, java.util.function.Supplier<TileLoader> loaders) {
        int tr = tileRows(c, rows);
        int parts = parts(rows, threads, (long) rows * c);
        double[][] sums = new double[parts][c];
        Parallel.forRange(parts, threads, (p0, p1) -> {
            TileLoader loader = loaders.get();
            float[] s = new float[tr * c];
            float[] acc = new float[tr * c];
            for (int p = p0; p < p1; p++) {
                int r1 = partStart(rows, parts, p + 1);
                int tiles = 0;
                for (int r = partStart(rows, parts, p); r < r1; r += tr) {
                    int len = Math.min(tr, r1 - r) * c;
                    loader.load(r * c, s, len);
                    for (int i = 0; i < len; i++) {
                        acc[i] += s[i];
                    }
                    if (++tiles == FOLD_EVERY) {
                        fold(acc, acc.length, sums[p]);
                        tiles = 0;
                    }
                }
                fold(acc, acc.length, sums[p]);
            }
        });
        return total(sums);
    }

    /** Sums of the parts' per-channel partial results {@code perPart[p][j]} into one vector. */
    static double[] total(double[][] perPart) {
        double[] r = new double[perPart[0].length];
        for (double[] part : perPart) {
            for (int j = 0; j < r.length; j++) {
                r[j] += part[j];
            }
        }
        return r;
    }
}
