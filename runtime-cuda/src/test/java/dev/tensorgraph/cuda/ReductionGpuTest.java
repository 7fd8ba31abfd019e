package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static dev.tensorgraph.cuda.GpuTestSupport.awayFromZero;
import static dev.tensorgraph.cuda.GpuTestSupport.compare;
import static dev.tensorgraph.cuda.GpuTestSupport.feeds;
import static dev.tensorgraph.cuda.GpuTestSupport.uniform;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.cuda.GpuTestSupport.Tolerance;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Sum, Mean, Max, Min, Prod, ArgMax and ArgMin on the GPU against the CPU (which accumulates in double, so it
 * is the near-exact reference) over every kind of axis set, and the gradients of Sum, Mean and Max.
 * Tolerances: Sum and Mean within 1e-5·sqrt(n) times the mean |x| of the n reduced elements (for Mean, of the
 * mean), i.e. {@code 1e-5 / sqrt(n)} of the same reduction over |x|; Prod within n·2^-22 relative; Max, Min,
 * ArgMax and ArgMin exactly (inputs are distinct, and ties are tested separately: the first index wins).
 */
class ReductionGpuTest {
    private final Random random = new Random(77);

    private record Case(long[] shape, int[] axes) {}

    private static final Case[] CASES = {
            new Case(new long[] {37, 129}, new int[] {1}),
            new Case(new long[] {37, 129}, new int[] {0}),
            new Case(new long[] {37, 129}, new int[] {0, 1}),
            new Case(new long[] {5, 6, 7}, new int[] {1}),
            new Case(new long[] {5, 6, 7}, new int[] {0, 2}),
            new Case(new long[] {5, 6, 7}, new int[] {-1}),
            new Case(new long[] {3, 1000, 4}, new int[] {1}),
            new Case(new long[] {64, 13, 13, 32}, new int[] {0, 1, 2}),
            new Case(new long[] {2, 3, 4, 5, 6}, new int[] {1, 3}),
            new Case(new long[] {8, 1}, new int[] {1}),
            new Case(new long[] {(1 << 20) + 3}, new int[] {0}),
    };

    private static long reducedCount(Case c) {
        long n = 1;
        for (int a : c.axes) {
            n *= c.shape[a < 0 ? a + c.shape.length : a];
        }
        return n;
    }

    private static Tolerance sumTolerance(long n) {
        return Tolerance.ofMagnitude(1e-5 / Math.sqrt(n), 1e-7);
    }

    @Test
    void sumAndMeanOverEveryAxisSet() {
        assumeGpu();
        for (Case c : CASES) {
            for (boolean keepDims : new boolean[] {false, true}) {
                Graph g = new Graph();
                Tf tf = Tf.of(g);
                Output x = tf.placeholder(DType.FLOAT32, Shape.of(c.shape), "x");
                Output sum = tf.reduceSum(x, c.axes, keepDims, "sum");
                Output mean = tf.reduceMean(x, c.axes, keepDims, "mean");
                compare(g, feeds(x, uniform(random, -1, 1, c.shape)), sumTolerance(reducedCount(c)), sum, mean);
            }
        }
    }

    @Test
    void maxMinAndArgMaxArgMinExactly() {
        assumeGpu();
        for (Case c : CASES) {
            Graph g = new Graph();
            Tf tf = Tf.of(g);
            Output x = tf.placeholder(DType.FLOAT32, Shape.of(c.shape), "x");
            Output max = tf.reduceMax(x, c.axes, false, "max");
            Output min = tf.reduceMin(x, c.axes, true, "min");
            compare(g, feeds(x, uniform(random, -1, 1, c.shape)), Tolerance.exact(), max, min);
        }
        for (long[] shape : new long[][] {{37, 129}, {5, 6, 7}, {3, 1000, 4}, {1, 100003}}) {
            for (int axis = 0; axis < shape.length; axis++) {
                Graph g = new Graph();
                Tf tf = Tf.of(g);
                Output x = tf.placeholder(DType.FLOAT32, Shape.of(shape), "x");
                Output am = tf.argmax(x, axis, DType.INT64, "argmax");
                Output an = tf.argmin(x, axis, DType.INT32, "argmin");
                compare(g, feeds(x, uniform(random, -1, 1, shape)), Tolerance.exact(), am, an);
            }
        }
    }

    @Test
    void argMaxTiesGoToTheFirstIndexAsOnTheCpu() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(4, 300), "x");
        Tensor v = GpuTestSupport.ints(random, 0, 3, DType.INT32, 4, 300);
        float[] f = new float[v.ints().length];
        for (int i = 0; i < f.length; i++) {
            f[i] = v.ints()[i];
        }
        Output am = tf.argmax(x, 1, DType.INT64, "argmax");
        Output an = tf.argmin(x, 1, DType.INT64, "argmin");
        compare(g, feeds(x, Tensor.of(DType.FLOAT32, Shape.of(4, 300), f)), Tolerance.exact(), am, an);
    }

    @Test
    void prodWithinRelativeRounding() {
        assumeGpu();
        for (Case c : new Case[] {CASES[0], CASES[3], CASES[4], CASES[9]}) {
            Graph g = new Graph();
            Tf tf = Tf.of(g);
            Output x = tf.placeholder(DType.FLOAT32, Shape.of(c.shape), "x");
            Output prod = tf.reduceProd(x, c.axes, false, "prod");
            long n = reducedCount(c);
            // |x| in [0.9, 1.1): products of up to 129 factors stay well inside float range.
            compare(g, feeds(x, awayFromZero(random, 0.9, 1.1, c.shape)),
                    Tolerance.relative(n * Math.pow(2, -22), 1e-30), prod);
        }
    }

    @Test
    void axesFedAtRunTimeAsHostMemory() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(6, 7, 8), "x");
        Output axes = tf.placeholder(DType.INT32, Shape.of(-1), "axes");
        Output sum = tf.reduceSum(x, axes, false, "sum");
        Tensor xv = uniform(random, -1, 1, 6, 7, 8);
        compare(g, feeds(x, xv, axes, Tensor.of(DType.INT32, Shape.of(2), new int[] {0, 2})), sumTolerance(48), sum);
        compare(g, feeds(x, xv, axes, Tensor.of(DType.INT32, Shape.of(1), new int[] {1})), sumTolerance(7), sum);
    }

    @Test
    void gradientsOfSumMeanAndMax() {
        assumeGpu();
        for (Case c : new Case[] {CASES[0], CASES[4], CASES[7], CASES[8]}) {
            Graph g = new Graph();
            Tf tf = Tf.of(g);
            Output x = tf.placeholder(DType.FLOAT32, Shape.of(c.shape), "x");
            Output sum = tf.reduceSum(x, c.axes, false, "sum");
            Output mean = tf.reduceMean(x, c.axes, true, "mean");
            Output max = tf.reduceMax(x, c.axes, false, "max");
            Output rs = tf.placeholder(DType.FLOAT32, sum.shape(), "r_sum");
            Output rm = tf.placeholder(DType.FLOAT32, mean.shape(), "r_mean");
            Output rx = tf.placeholder(DType.FLOAT32, max.shape(), "r_max");
            Output loss = tf.addN(List.of(tf.reduceSum(tf.multiply(sum, rs)), tf.reduceSum(tf.multiply(mean, rm)),
                    tf.reduceSum(tf.multiply(max, rx))));
            Output dx = tf.gradients(loss, List.of(x)).get(0);
            compare(g, feeds(x, uniform(random, -1, 1, c.shape), rs, uniform(random, -1, 1, sum.shape().dims()),
                    rm, uniform(random, -1, 1, mean.shape().dims()), rx, uniform(random, -1, 1, max.shape().dims())),
                    Tolerance.relative(1e-5, 1e-6), dx);
        }
    }
}
