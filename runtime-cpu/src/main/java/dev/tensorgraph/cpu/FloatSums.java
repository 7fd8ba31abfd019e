package dev.tensorgraph.cpu;

/**
 * Sums of contiguous float runs, accumulated in double as the other float32 sums are. One running sum waits
 * for the previous addition at every element (about 3 cycles each): W2's {@code sum(C)} over 1024x1024 took
 * about a millisecond, a tenth of the product before it. Here sixteen sums run side by side, and a run longer
 * than {@link #BLOCK} is cut into blocks of that size, summed on the intra-op threads and added in block order.
 * The blocks and the order of the additions depend only on the run's length, never on the number of threads,
 * so a result is the same on one thread as on many.
 */
final class FloatSums {
    /** Elements per block of a long run; each block's sum is one part of the parallel loop. */
    static final int BLOCK = 1 << 15;
    /** How many sums run side by side in a run. */
    static final int PARTIALS = 16;
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
        Parallel.forRange(blocks, threads, n, (b0, b1) -> {
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
     * Sixteen interleaved sums (element {@code from + i} goes to sum {@code i mod 16}), added pairwise, then the
     * last elements one by one; {@link FloatSumVectors} computes the same sums where the JVM has the vector API.
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

    /** The scalar form of {@link FloatSumVectors#addGroups}: sixteen running sums in registers. */
    static int addGroupsScalar(float[] x, int from, int to, double[] partials) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double s5 = 0;
        double s6 = 0;
        double s7 = 0;
        double s8 = 0;
        double s9 = 0;
        double s10 = 0;
        double s11 = 0;
        double s12 = 0;
        double s13 = 0;
        double s14 = 0;
        double s15 = 0;
        int i = from;
        for (; i <= to - PARTIALS; i += PARTIALS) {
            s0 += x[i];
            s1 += x[i + 1];
            s2 += x[i + 2];
            s3 += x[i + 3];
            s4 += x[i + 4];
            s5 += x[i + 5];
            s6 += x[i + 6];
            s7 += x[i + 7];
            s8 += x[i + 8];
            s9 += x[i + 9];
            s10 += x[i + 10];
            s11 += x[i + 11];
            s12 += x[i + 12];
            s13 += x[i + 13];
            s14 += x[i + 14];
            s15 += x[i + 15];
        }
        double[] p = {s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15};
        System.arraycopy(p, 0, partials, 0, PARTIALS);
        return i;
    }
}
