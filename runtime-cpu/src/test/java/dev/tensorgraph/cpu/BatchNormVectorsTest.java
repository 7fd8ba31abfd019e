package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchNormVectors} against batch normalization's loops written out here: per-channel sums against double
 * sums (within {@code 1e-5} relative, float partial sums of at most 64 rows), the normalized values and the input
 * gradient bit for bit against the same float operations in the same order, for one, two and four vectors of
 * channels, row counts that leave a partial fold and a partial thread part, on one to three threads.
 */
class BatchNormVectorsTest {
    private static final int L = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();

    @BeforeEach
    void needsTheVectorApi() {
        assumeTrue(Gemm.vectorApiAvailable(), "the JVM runs without jdk.incubator.vector");
    }

    private static float[] random(int n, long seed, float shift) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian() + shift;
        }
        return a;
    }

    private static double[] channels(int c, long seed) {
        Random r = new Random(seed);
        double[] v = new double[c];
        for (int j = 0; j < c; j++) {
            v[j] = r.nextGaussian();
        }
        return v;
    }

    @Test
    void sumsMatchDoubleSums() {
        for (int c : new int[] {L, 2 * L, 4 * L}) {
            for (int m : new int[] {1, 63, 64, 1000, 4097}) {
                float[] x = random(m * c, m + c, 3f);
                float[] dy = random(m * c, m * 7 + c, 0f);
                double[] mean = channels(c, c);
                double[] sum = new double[c];
                double[] sq = new double[c];
                double[] sumDy = new double[c];
                double[] sumDyXc = new double[c];
                for (int r = 0; r < m; r++) {
                    for (int j = 0; j < c; j++) {
                        double v = x[r * c + j];
                        double d = v - (float) mean[j];
                        sum[j] += v;
                        sq[j] += d * d;
                        sumDy[j] += dy[r * c + j];
                        sumDyXc[j] += dy[r * c + j] * d;
                    }
                }
                for (int threads = 1; threads <= 3; threads++) {
                    String what = "c " + c + " m " + m + " threads " + threads;
                    assertClose(sum, BatchNormVectors.channelSums(x, m, c, null, threads), what + " sums");
                    assertClose(sq, BatchNormVectors.channelSums(x, m, c, mean, threads), what + " centered squares");
                    double[][] g = BatchNormVectors.gradSums(dy, x, m, c, mean, threads);
                    assertClose(sumDy, g[0], what + " dy sums");
                    assertClose(sumDyXc, g[1], what + " dy * (x - mean) sums");
                }
            }
        }
    }

    private static void assertClose(double[] want, double[] got, String what) {
        for (int j = 0; j < want.length; j++) {
            double scale = Math.max(1, Math.abs(want[j]));
            assertEquals(want[j], got[j], 1e-5 * scale * Math.sqrt(Math.max(1, want.length)), what + " channel " + j);
        }
    }

    @Test
    void elementwiseResultsHaveTheScalarLoopsBits() {
        for (int c : new int[] {L, 2 * L, 4 * L}) {
            int m = 777;
            float[] x = random(m * c, c, 1f);
            float[] dy = random(m * c, c + 1, 0f);
            double[] mean = channels(c, 1);
            double[] mul = channels(c, 2);
            double[] off = channels(c, 3);
            double[] k3 = channels(c, 4);
            for (int threads = 1; threads <= 3; threads++) {
                float[] y = new float[m * c];
                BatchNormVectors.normalize(x, y, m, c, mean, mul, off, threads);
                float[] dx = new float[m * c];
                BatchNormVectors.inputGradient(dy, x, dx, m, c, mean, mul, off, k3, threads);
                for (int i = 0; i < m * c; i++) {
                    int j = i % c;
                    float wantY = (x[i] - (float) mean[j]) * (float) mul[j] + (float) off[j];
                    float wantDx = (float) mul[j] * dy[i] + (float) off[j] * (x[i] - (float) mean[j]) + (float) k3[j];
                    assertEquals(Float.floatToRawIntBits(wantY), Float.floatToRawIntBits(y[i]), "y " + i);
                    assertEquals(Float.floatToRawIntBits(wantDx), Float.floatToRawIntBits(dx[i]), "dx " + i);
                }
            }
        }
    }

    @Test
    void inferenceGradientIgnoresX() {
        int c = 2 * L;
        int m = 100;
        float[] x = new float[m * c];
        java.util.Arrays.fill(x, Float.NaN);
        x[5] = Float.POSITIVE_INFINITY;
        float[] dy = random(m * c, 9, 0f);
        double[] k1 = channels(c, 5);
        float[] dx = new float[m * c];
        BatchNormVectors.inputGradient(dy, x, dx, m, c, channels(c, 6), k1, null, null, 2);
        for (int i = 0; i < m * c; i++) {
            assertEquals(Float.floatToRawIntBits((float) k1[i % c] * dy[i]), Float.floatToRawIntBits(dx[i]), "dx " + i);
        }
    }
}
