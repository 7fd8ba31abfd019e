package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The tiled per-channel loops (BiasAdd, BiasAddGrad, the float32 FusedBatchNorm passes) against naive
 * per-element loops in double, on sizes that leave partial tiles, fold float partial sums several times,
 * and split across threads.
 */
class ChannelTilesTest {
    /** {rows, channels}. */
    private static final int[][] SIZES = {{1, 1}, {7, 3}, {64, 10}, {64, 128}, {3000, 16}, {517, 100}, {9, 3000}, {40000, 2}};

    private static float[] gaussian(int n, Random r, float scale, float shift) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian() * scale + shift;
        }
        return a;
    }

    private static double[] doubles(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /** Sum over rows of f(row, channel) per channel, and the sum of absolute terms for the tolerance. */
    private interface Term {
        double at(int index, int channel);
    }

    private static double[][] naiveSums(int rows, int c, Term t) {
        double[] sum = new double[c];
        double[] abs = new double[c];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < c; j++) {
                double v = t.at(r * c + j, j);
                sum[j] += v;
                abs[j] += Math.abs(v);
            }
        }
        return new double[][] {sum, abs};
    }

    private static void assertSums(double[][] want, double[] got, String what) {
        for (int j = 0; j < got.length; j++) {
            assertEquals(want[0][j], got[j], 1e-6 * (1 + want[1][j]), what + " channel " + j);
        }
    }

    @Test
    void biasAddIsExactAndBiasGradMatchesDoubleSums() {
        Random r = new Random(5);
        for (int[] s : SIZES) {
            for (int threads : new int[] {1, 2}) {
                int rows = s[0];
                int c = s[1];
                float[] a = gaussian(rows * c, r, 1f, 0f);
                float[] bias = gaussian(c, r, 1f, 0f);
                float[] out = gaussian(rows * c, r, 1f, 0f);
                ActivationKernels.biasAddRows(a, bias, out, rows, c, threads);
                for (int i = 0; i < out.length; i++) {
                    assertEquals(a[i] + bias[i % c], out[i], 0f, "BiasAdd " + rows + "x" + c + " at " + i);
                }
                double[] got = ActivationKernels.biasGradRows(a, rows, c, threads);
                assertSums(naiveSums(rows, c, (i, j) -> a[i]), got, "BiasAddGrad " + rows + "x" + c + " threads " + threads);
            }
        }
    }

    @Test
    void batchNormStatisticsMatchDoubleSums() {
        Random r = new Random(6);
        for (int[] s : SIZES) {
            for (int threads : new int[] {1, 2}) {
                int m = s[0];
                int c = s[1];
                // An offset mean, as activations have, makes the centered pass matter.
                float[] x = gaussian(m * c, r, 2f, 3f);
                double[] sums = BatchNormFloatPath.channelSums(x, m, c, null, threads);
                assertSums(naiveSums(m, c, (i, j) -> x[i]), sums, "sum " + m + "x" + c);
                double[] mean = new double[c];
                for (int j = 0; j < c; j++) {
                    mean[j] = sums[j] / m;
                }
                double[] sq = BatchNormFloatPath.channelSums(x, m, c, mean, threads);
                assertSums(naiveSums(m, c, (i, j) -> (x[i] - (float) mean[j]) * (x[i] - (float) mean[j])), sq,
                        "centered squares " + m + "x" + c);
            }
        }
    }

    @Test
    void batchNormElementwisePassesMatchDoubleFormulas() {
        Random r = new Random(7);
        for (int[] s : SIZES) {
            for (int threads : new int[] {1, 2}) {
                int m = s[0];
                int c = s[1];
                float[] x = gaussian(m * c, r, 2f, 3f);
                float[] dy = gaussian(m * c, r, 1f, 0f);
                double[] mean = doubles(gaussian(c, r, 1f, 3f));
                double[] mul = doubles(gaussian(c, r, 1f, 0f));
                double[] offset = doubles(gaussian(c, r, 1f, 0f));
                double[] k3 = doubles(gaussian(c, r, 1f, 0f));
                float[] y = new float[m * c];
                BatchNormFloatPath.normalize(x, y, m, c, mean, mul, offset, threads);
                float[] dx = new float[m * c];
                BatchNormFloatPath.inputGradient(dy, x, dx, m, c, mean, mul, offset, k3, threads);
                for (int i = 0; i < y.length; i++) {
                    int j = i % c;
                    double xc = x[i] - mean[j];
                    double want = xc * mul[j] + offset[j];
                    assertEquals(want, y[i], 1e-5 * (1 + Math.abs(xc * mul[j]) + Math.abs(offset[j])), "y at " + i);
                    double wantDx = mul[j] * dy[i] + offset[j] * xc + k3[j];
                    double scale = Math.abs(mul[j] * dy[i]) + Math.abs(offset[j] * xc) + Math.abs(k3[j]);
                    assertEquals(wantDx, dx[i], 1e-5 * (1 + scale), "dx at " + i);
                }
                double[][] g = BatchNormFloatPath.gradSums(dy, x, m, c, mean, threads);
                assertSums(naiveSums(m, c, (i, j) -> dy[i]), g[0], "sum dy " + m + "x" + c);
                assertSums(naiveSums(m, c, (i, j) -> dy[i] * (x[i] - (float) mean[j])), g[1], "sum dy*xc " + m + "x" + c);
            }
        }
    }

    @Test
    void inferenceInputGradientIgnoresX() {
        Random r = new Random(8);
        int m = 3000;
        int c = 16;
        float[] x = gaussian(m * c, r, 1f, 0f);
        x[5] = Float.POSITIVE_INFINITY;
        x[77] = Float.NaN;
        float[] dy = gaussian(m * c, r, 1f, 0f);
        double[] k1 = doubles(gaussian(c, r, 1f, 0f));
        float[] dx = new float[m * c];
        BatchNormFloatPath.inputGradient(dy, x, dx, m, c, new double[c], k1, null, null, 2);
        for (int i = 0; i < dx.length; i++) {
            assertEquals((float) k1[i % c] * dy[i], dx[i], 0f, "dx at " + i);
        }
    }
}
