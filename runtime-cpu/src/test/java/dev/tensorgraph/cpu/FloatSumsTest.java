package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link FloatSums} against an exact sum, and the same bits on any number of threads. */
class FloatSumsTest {
    private static float[] normal(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * 100);
        }
        return x;
    }

    /** The exact sum of x[from, to), rounded to double once. */
    private static double exact(float[] x, int from, int to) {
        BigDecimal s = BigDecimal.ZERO;
        for (int i = from; i < to; i++) {
            s = s.add(new BigDecimal(x[i]));
        }
        return s.doubleValue();
    }

    private static double magnitude(float[] x, int from, int to) {
        double m = 0;
        for (int i = from; i < to; i++) {
            m += Math.abs(x[i]);
        }
        return m;
    }

    @Test
    void runsOfEveryTailLengthAndAcrossBlocksMatchTheExactSum() {
        float[] x = normal(3 * FloatSums.BLOCK + 77, 5);
        int[] lengths = {0, 1, 7, 8, 9, 15, 16, 17, 1000, FloatSums.BLOCK - 1, FloatSums.BLOCK, FloatSums.BLOCK + 1,
            2 * FloatSums.BLOCK + 13, 3 * FloatSums.BLOCK + 70};
        for (int from : new int[] {0, 3}) {
            for (int n : lengths) {
                double want = exact(x, from, from + n);
                double got = FloatSums.sum(x, from, from + n, 2);
                // double accumulation of floats: far inside one float ulp of the magnitude
                assertEquals(want, got, 1e-12 * magnitude(x, from, from + n), "from " + from + " length " + n);
            }
        }
    }

    @Test
    void theResultDoesNotDependOnTheNumberOfThreads() {
        float[] x = normal(5 * FloatSums.BLOCK + 123, 9);
        double one = FloatSums.sum(x, 1, x.length, 1);
        for (int threads = 2; threads <= 4; threads++) {
            assertEquals(Double.doubleToRawLongBits(one), Double.doubleToRawLongBits(FloatSums.sum(x, 1, x.length, threads)),
                    threads + " threads");
        }
    }

    @Test
    void vectorPartialSumsHaveTheScalarLoopsBits() {
        assumeTrue(Gemm.vectorApiAvailable() && FloatSumVectors.APPLIES, "no 512-bit vector API");
        float[] x = normal(10_000, 13);
        for (int[] run : new int[][] {{0, 10_000}, {3, 9_999}, {5, 20}, {7, 22}, {1, 16}}) {
            double[] scalar = new double[FloatSums.PARTIALS];
            double[] vector = new double[FloatSums.PARTIALS];
            int scalarEnd = FloatSums.addGroupsScalar(x, run[0], run[1], scalar);
            int vectorEnd = FloatSumVectors.addGroups(x, run[0], run[1], vector);
            assertEquals(scalarEnd, vectorEnd);
            for (int j = 0; j < FloatSums.PARTIALS; j++) {
                assertEquals(Double.doubleToRawLongBits(scalar[j]), Double.doubleToRawLongBits(vector[j]),
                        "partial " + j + " of [" + run[0] + ", " + run[1] + ")");
            }
        }
    }

    @Test
    void sumKernelOverAWholeMatrixAndOverRowsUsesThem() {
        float[] x = normal(1024 * 1024, 11);
        Tensor t = Tensor.wrap(DType.FLOAT32, Shape.of(1024, 1024), x);
        Tensor all = ReductionKernels.reduce(Tensor::zeros, t, new long[] {0, 1}, false, ReductionLoops.SUM, 2);
        assertEquals((float) exact(x, 0, x.length), all.floatValue(), Math.ulp((float) magnitude(x, 0, x.length)));
        Tensor rows = ReductionKernels.reduce(Tensor::zeros, t, new long[] {1}, false, ReductionKernels.MEAN, 2);
        float[] got = (float[]) rows.array();
        for (int i = 0; i < 1024; i += 97) {
            float want = (float) (exact(x, i * 1024, (i + 1) * 1024) / 1024);
            assertEquals(want, got[i], Math.ulp((float) magnitude(x, i * 1024, (i + 1) * 1024) / 1024), "row " + i);
        }
    }
}
