package dev.tensorgraph.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 NHWC loops of batch normalization ({@link BatchNormFloatPath}) with the JDK's vector API, for
 * channel counts in whole vectors: a row of {@code c} channels is {@code c / L} vectors, so per-channel
 * constants and sums are vectors too and no tile of repeated constants is needed. The tiled scalar loops
 * copy every tile twice and ran at about half a nanosecond per element; these read and write each element
 * once. Sums accumulate in float vectors over at most {@link #FOLD_ROWS} rows and are then added into double,
 * which bounds their rounding error; the elementwise results use the scalar loops' operations in the same
 * order, so they have the same bits. Without the module this class must not be touched at all.
 */
final class BatchNormVectors {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows summed in float before the partial sums are added into double. */
    static final int FOLD_ROWS = 64;

    private BatchNormVectors() {}

    /** Whether {@code c} channels fill whole vectors. */
    static boolean applies(int c) {
        return c % L == 0;
    }

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            f[j] = (float) v[j];
        }
        return f;
    }

    /** Adds the float partial sums {@code acc} into {@code sums} and clears them. */
    private static void fold(float[] acc, double[] sums) {
        for (int j = 0; j < acc.length; j++) {
            sums[j] += acc[j];
            acc[j] = 0f;
        }
    }

    /** Adds to {@code acc}, one float per channel, the terms of rows [r0, r1). */
    @FunctionalInterface
    interface RowBlockSums {
        void add(int r0, int r1, float[] acc);
    }

    /**
     * Per-channel sums over {@code [m, c]} as every float32 channel sum here is made: the rows in parts (one per thread
     * when the work is large), each part summed by {@code block} in float over at most {@link #FOLD_ROWS} rows at a
     * time and then added into double, the parts added in order. The result depends on the number of threads only
     * through the parts, never on timing.
     */
    static double[] foldedSums(int m, int c, int threads, RowBlockSums block) {
        int parts = ChannelTiles.parts(m, threads, (long) m * c);
        double[][] sums = new double[parts][c];
        Parallel.forRange(parts, threads, (p0, p1) -> {
            float[] acc = new float[c];
            for (int p = p0; p < p1; p++) {
                int end = ChannelTiles.partStart(m, parts, p + 1);
                for (int r0 = ChannelTiles.partStart(m, parts, p); r0 < end; r0 += FOLD_ROWS) {
                    block.add(r0, Math.min(end, r0 + FOLD_ROWS), acc);
                    fold(acc, sums[p]);
                }
            }
        });
        return ChannelTiles.total(sums);
    }

    /** Per-channel sums of x, or of {@code (x - center)^2} when {@code center} is given. */
    static double[] channelSums(float[] x, int m, int c, double[] center, int threads) {
        float[] ctr = center == null ? null : floats(center);
        return foldedSums(m, c, threads, (r0, r1, acc) -> {
            for (int j = 0; j < c; j += L) {
                FloatVector a = FloatVector.fromArray(S, acc, j);
                if (ctr == null) {
                    for (int r = r0; r < r1; r++) {
                        a = a.add(FloatVector.fromArray(S, x, r * c + j));
                    }
                } else {
                    FloatVector mid = FloatVector.fromArray(S, ctr, j);
                    for (int r = r0; r < r1; r++) {
                        FloatVector d = FloatVector.fromArray(S, x, r * c + j).sub(mid);
                        a = a.add(d.mul(d));
                    }
                }
                a.intoArray(acc, j);
            }
        });
    }

    /** {@code y = (x - mean) * mul + offset} per channel. */
    static void normalize(float[] x, float[] y, int m, int c, double[] mean, double[] mul, double[] offset, int threads) {
        float[] mn = floats(mean);
        float[] ml = floats(mul);
        float[] of = floats(offset);
        Parallel.forRange(m, threads, (long) m * c, (r0, r1) -> {
            for (int j = 0; j < c; j += L) {
                FloatVector mv = FloatVector.fromArray(S, mn, j);
                FloatVector lv = FloatVector.fromArray(S, ml, j);
                FloatVector ov = FloatVector.fromArray(S, of, j);
                for (int r = r0; r < r1; r++) {
                    FloatVector.fromArray(S, x, r * c + j).sub(mv).mul(lv).add(ov).intoArray(y, r * c + j);
                }
            }
        });
    }

    /** {sum of dy, sum of dy * (x - mean)} per channel. */
    static double[][] gradSums(float[] dy, float[] x, int m, int c, double[] mean, int threads) {
        float[] mn = floats(mean);
        int parts = ChannelTiles.parts(m, threads, 2L * m * c);
        double[][] sumDy = new double[parts][c];
        double[][] sumDyXc = new double[parts][c];
        Parallel.forRange(parts, threads, (p0, p1) -> {
            float[] accDy = new float[c];
            float[] accDyXc = new float[c];
            for (int p = p0; p < p1; p++) {
                int end = ChannelTiles.partStart(m, parts, p + 1);
                for (int r0 = ChannelTiles.partStart(m, parts, p); r0 < end; r0 += FOLD_ROWS) {
                    int r1 = Math.min(end, r0 + FOLD_ROWS);
                    for (int j = 0; j < c; j += L) {
                        FloatVector mv = FloatVector.fromArray(S, mn, j);
                        FloatVector a = FloatVector.fromArray(S, accDy, j);
                        FloatVector b = FloatVector.fromArray(S, accDyXc, j);
                        for (int r = r0; r < r1; r++) {
                            FloatVector d = FloatVector.fromArray(S, dy, r * c + j);
                            a = a.add(d);
                            b = b.add(d.mul(FloatVector.fromArray(S, x, r * c + j).sub(mv)));
                        }
                        a.intoArray(accDy, j);
                        b.intoArray(accDyXc, j);
                    }
                    fold(accDy, sumDy[p]);
                    fold(accDyXc, sumDyXc[p]);
                }
            }
        });
        return new double[][] {ChannelTiles.total(sumDy), ChannelTiles.total(sumDyXc)};
    }

    /**
     * {@code dx = k1 * dy + k2 * (x - mean) + k3} per channel (training), or {@code dx = k1 * dy} when
     * {@code k2} is null (inference, where x must not matter even where it is not finite).
     */
    static void inputGradient(float[] dy, float[] x, float[] dx, int m, int c, double[] mean, double[] k1, double[] k2,
                              double[] k3, int threads) {
        float[] k1f = floats(k1);
        float[] mn = k2 == null ? null : floats(mean);
        float[] k2f = k2 == null ? null : floats(k2);
        float[] k3f = k2 == null ? null : floats(k3);
        Parallel.forRange(m, threads, 2L * m * c, (r0, r1) -> {
            for (int j = 0; j < c; j += L) {
                FloatVector a = FloatVector.fromArray(S, k1f, j);
                if (k2f == null) {
                    for (int r = r0; r < r1; r++) {
                        a.mul(FloatVector.fromArray(S, dy, r * c + j)).intoArray(dx, r * c + j);
                    }
                    continue;
                }
                FloatVector mv = FloatVector.fromArray(S, mn, j);
                FloatVector b = FloatVector.fromArray(S, k2f, j);
                FloatVector k = FloatVector.fromArray(S, k3f, j);
                for (int r = r0; r < r1; r++) {
                    int i = r * c + j;
                    FloatVector first = a.mul(FloatVector.fromArray(S, dy, i));
                    FloatVector second = b.mul(FloatVector.fromArray(S, x, i).sub(mv));
                    first.add(second).add(k).intoArray(dx, i);
                }
            }
        });
    }
}
