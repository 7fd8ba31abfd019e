package dev.tensorgraph.cpu;

/**
 * The float32 NHWC loops of FusedBatchNormV3 and its gradient, over x viewed as {@code [m, c]}: per-channel
 * sums go through float tiles folded into double (see {@link ChannelTiles}), elementwise results are
 * computed in float. The general kernels in {@link BatchNormKernels} compute everything in double; these
 * differ from them only by float rounding. Channel counts in whole vectors go to {@link BatchNormVectors} where the
 * JVM has the vector API.
 */
final class BatchNormFloatPath {
    private BatchNormFloatPath() {}

    /** Per-channel sums of x, or of {@code (x - center)^2} when {@code center} is given. */
    static double[] channelSums(float[] x, int m, int c, double[] center, int threads) {
        if (Gemm.vectorApiAvailable() && BatchNormVectors.applies(c)) {
            return BatchNormVectors.channelSums(x, m, c, center, threads);
        }
        if (center == null) {
            return ChannelTiles.sums(m, c, threads, () -> (offset, tile, len) -> System.arraycopy(x, offset, tile, 0, len));
        }
        float[] centerTile = ChannelTiles.repeat(center, ChannelTiles.tileRows(c, m));
        return ChannelTiles.sums(m, c, threads, () -> (offset, tile, len) -> {
            System.arraycopy(x, offset, tile, 0, len);
            for (int i = 0; i < len; i++) {
                float d = tile[i] - centerTile[i];
                tile[i] = d * d;
            }
        });
    }

    /** {@code y = (x - mean) * mul + offset} per channel. */
    static void normalize(float[] x, float[] y, int m, int c, double[] mean, double[] mul, double[] offset, int threads) {
        if (Gemm.vectorApiAvailable() && BatchNormVectors.applies(c)) {
            BatchNormVectors.normalize(x, y, m, c, mean, mul, offset, threads);
            return;
        }
        int tr = ChannelTiles.tileRows(c, m);
        float[] meanTile = ChannelTiles.repeat(mean, tr);
        float[] mulTile = ChannelTiles.repeat(mul, tr);
        float[] offsetTile = ChannelTiles.repeat(offset, tr);
        Parallel.forRange(m, threads, (long) m * c, (r0, r1) -> {
            float[] s = new float[tr * c];
            for (int r = r0; r < r1; r += tr) {
                int len = Math.min(tr, r1 - r) * c;
                System.arraycopy(x, r * c, s, 0, len);
                for (int i = 0; i < len; i++) {
                    s[i] = (s[i] - meanTile[i]) * mulTile[i] + offsetTile[i];
                }
                System.arraycopy(s, 0, y, r * c, len);
            }
        });
    }

    /** {sum of dy, sum of dy * (x - mean)} per channel. */
    static double[][] gradSums(float[] dy, float[] x, int m, int c, double[] mean, int threads) {
        if (Gemm.vectorApiAvailable() && BatchNormVectors.applies(c)) {
            return BatchNormVectors.gradSums(dy, x, m, c, mean, threads);
        }
        int tr = ChannelTiles.tileRows(c, m);
        float[] meanTile = ChannelTiles.repeat(mean, tr);
        int parts = ChannelTiles.parts(m, threads, 2L * m * c);
        double[][] sumDy = new double[parts][c];
        double[][] sumDyXc = new double[parts][c];
        Parallel.forRange(parts, threads, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int r0 = ChannelTiles.partStart(m, parts, p);
                int r1 = ChannelTiles.partStart(m, parts, p + 1);
                gradSumRows(dy, x, c, tr, r0, r1, meanTile, sumDy[p], sumDyXc[p]);
            }
        });
        return new double[][] {ChannelTiles.total(sumDy), ChannelTiles.total(sumDyXc)};
    }

    private static void gradSumRows(float[] dy, float[] x, int c, int tr, int r0, int r1, float[] mean,
                                    double[] sumDy, double[] sumDyXc) {
        float[] d = new float[tr * c];
        float[] s = new float[tr * c];
        float[] accDy = new float[tr * c];
        float[] accDyXc = new float[tr * c];
        int tiles = 0;
        for (int r = r0; r < r1; r += tr) {
            int len = Math.min(tr, r1 - r) * c;
            System.arraycopy(dy, r * c, d, 0, len);
            System.arraycopy(x, r * c, s, 0, len);
            for (int i = 0; i < len; i++) {
                accDy[i] += d[i];
                accDyXc[i] += d[i] * (s[i] - mean[i]);
            }
            if (++tiles == ChannelTiles.FOLD_EVERY) {
                ChannelTiles.fold(accDy, accDy.length, sumDy);
                ChannelTiles.fold(accDyXc, accDyXc.length, sumDyXc);
                tiles = 0;
            }
        }
        ChannelTiles.fold(accDy, accDy.length, sumDy);
        ChannelTiles.fold(accDyXc, accDyXc.length, sumDyXc);
    }

    /**
     * {@code dx = k1 * dy + k2 * (x - mean) + k3} per channel (training), or {@code dx = k1 * dy} when
     * {@code k2} is null (inference, where x must not matter even where it is not finite).
     */
    static void inputGradient(float[] dy, float[] x, float[] dx, int m, int c, double[] mean, double[] k1, double[] k2,
                              double[] k3, int threads) {
        if (Gemm.vectorApiAvailable() && BatchNormVectors.applies(c)) {
            BatchNormVectors.inputGradient(dy, x, dx, m, c, mean, k1, k2, k3, threads);
            return;
        }
        int tr = ChannelTiles.tileRows(c, m);
        float[] k1Tile = ChannelTiles.repeat(k1, tr);
        float[] meanTile = k2 == null ? null : ChannelTiles.repeat(mean, tr);
        float[] k2Tile = k2 == null ? null : ChannelTiles.repeat(k2, tr);
        float[] k3Tile = k2 == null ? null : ChannelTiles.repeat(k3, tr);
        Parallel.forRange(m, threads, 2L * m * c, (r0, r1) -> {
            float[] d = new float[tr * c];
            float[] s = new float[tr * c];
            for (int r = r0; r < r1; r += tr) {
                int len = Math.min(tr, r1 - r) * c;
                System.arraycopy(dy, r * c, d, 0, len);
                if (k2Tile == null) {
                    for (int i = 0; i < len; i++) {
                        s[i] = k1Tile[i] * d[i];
                    }
                } else {
                    System.arraycopy(x, r * c, s, 0, len);
                    for (int i = 0; i < len; i++) {
                        s[i] = k1Tile[i] * d[i] + k2Tile[i] * (s[i] - meanTile[i]) + k3Tile[i];
                    }
                }
                System.arraycopy(s, 0, dx, r * c, len);
            }
        });
    }
}
