package dev.tensorgraph.cpu;

/**
 * Sums of contiguous float runs, accumulated in double as the other float32 sums are. One running sum waits
 * for the previous addition at every element (about 3 cycles each): W2's {@code sum(C)} over 1024x1024 took
 * about a millisecond, a tenth of the product before it. Here {@link #PARTIALS} sums run side by side, and a run
 * longer than {@link #BLOCK} is cut into blocks of that size, summed on the intra-op threads and added in block
 * order.
 * The blocks and the order of the additions depend only on the run's length, never on the number of threads,
 * so a result is the same on one thread as on many.
 */
final class FloatSums {
    /** Elements per block of a long run; each block's sum is one part of the parallel loop. */
    static final int BLOCK = 1 << 15;
    /**
     * How many sums run side by side in a run: 64, so that the vector form adds eight vectors of them a step, each
     * waiting only for its own addition of the step before. On two threads of a Zen 5 a 1024x1024 sum took 172 us
     * with sixteen (two vectors, each added in memory and read back at the next step) and 109 us with 64; right
     * after W2's product, 208-315 against 134-145 us.
     */
    static final int PARTIALS = 64;
    /** Whether {@link FloatSumVectors} computes the partial sums. */
    private static final boolean VECTORS = Gemm.vectorApiAvailable() && FloatSumVectors.APPLIES;

    private FloatSums() {}

    /** The sum of {@code x[from, to)} in double, on up to {@code threads} threads when the run is long. */
    static double sum(float[] x, int from, int to, int threads) {
        int n = to - from;
        if (n <= BLOCK) {
            return sumRun(x, from, to);
        }
        int blocks = (n + BLOCK - 1) / BLOCK;
        double[] parts = new double[blocks];
        Parallel.forChunks(blocks, n < Parallel.MIN_PARALLEL_WORK ? 1 : threads, 1, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                int start = from + b * BLOCK;
                parts[b] = sumRun(x, start, Math.min(to, start + BLOCK));
            }
        });
        double s = 0;
        for (double p : parts) {
            s += p;
        }
        return s;
    }

    /**
     * {@link #PARTIALS} interleaved sums (element {@code from + i} goes to sum {@code i mod PARTIALS}), added
     * pairwise, then the last elements one by one; {@link FloatSumVectors} computes the same sums where the JVM has
     * the vector API.
     */
    static double sumRun(float[] x, int from, int to) {
        double[] p = new double[PARTIALS];
        int i = VECTORS ? FloatSumVectors.addGroups(x, from, to, p) : addGroupsScalar(x, from, to, p);
        for (int width = PARTIALS / 2; width >= 1; width /= 2) {
            for (int j = 0; j < width; j++) {
                p[j] = p[2 * j] + p[2 * j + 1];
            }
        }
        double s = p[0];
        for (; i < to; i++) {
            s += x[i];
        }
        return s;
    }

    /** The scalar form of {@link FloatSumVectors#addGroups}: the same additions, partial sum by partial sum. */
    static int addGroupsScalar(float[] x, int from, int to, double[] partials) {
        int i = from;
        for (; i <= to - PARTIALS; i += PARTIALS) {
            for (int j = 0; j < PARTIALS; j++) {
                partials[j] += x[i + j];
            }
        }
        return i;
    }
}
