package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assertClose;
import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static dev.tensorgraph.cuda.GpuTestSupport.compare;
import static dev.tensorgraph.cuda.GpuTestSupport.gpuSession;
import static dev.tensorgraph.cuda.GpuTestSupport.uniform;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.cuda.GpuTestSupport.Tolerance;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The eight-channels-a-thread 16-bit pooling kernels (MaxPool, AvgPool, MaxPoolGrad over NHWC) against the
 * one-value-a-thread kernels, which must give the same bits, and against the CPU (MaxPool exactly, AvgPool and
 * MaxPoolGrad within one 16-bit step of their magnitude). The geometries cover overlapping, touching and gapped
 * windows, SAME padding, three windows covering a cell per side, and a 5x5 window, which the eight-wide kernels
 * leave to the others. Half the inputs are rounded to steps of 0.5, so many windows hold their maximum twice.
 */
class PoolEightWideGpuTest {
    private final Random random = new Random(808);

    private record Pool(int n, int h, int w, int c, int k, int stride, String padding) {}

    private static final Pool[] POOLS = {
            new Pool(4, 13, 13, 16, 3, 2, "VALID"),
            new Pool(2, 14, 15, 24, 3, 2, "SAME"),
            new Pool(3, 12, 12, 8, 2, 2, "VALID"),
            new Pool(2, 9, 10, 16, 3, 1, "SAME"),
            new Pool(2, 7, 7, 8, 1, 1, "VALID"),
            new Pool(2, 11, 11, 16, 2, 3, "VALID"),
            new Pool(2, 9, 9, 16, 5, 2, "VALID"),
    };

    private static double step(DType t) {
        return t == DType.BFLOAT16 ? Math.pow(2, -7) : Math.pow(2, -10);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "HALF"})
    void eightWideKernelsGiveTheOneValueKernelsBitsAndMatchTheCpu(DType dtype) {
        assumeGpu();
        for (Pool p : POOLS) {
            for (boolean ties : new boolean[] {false, true}) {
                check(p, dtype, ties);
            }
        }
    }

    private void check(Pool p, DType dtype, boolean ties) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        long[] shape = {p.n, p.h, p.w, p.c};
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(shape), "x");
        Output x16 = tf.cast(x, dtype);
        int[] k = {1, p.k, p.k, 1};
        int[] s = {1, p.stride, p.stride, 1};
        Output pooled = tf.nn.maxPool(x16, k, s, p.padding, "NHWC", "max");
        Output averaged = tf.nn.avgPool(x16, k, s, p.padding, "NHWC", "avg");
        Output r = tf.placeholder(DType.FLOAT32, pooled.shape(), "upstream");
        Output dx = tf.gradients(tf.reduceSum(tf.multiply(pooled, tf.cast(r, dtype))), List.of(x16)).get(0);
        Tensor input = uniform(random, -1, 1, shape);
        if (ties) {
            float[] v = input.floats();
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.round(v[i] * 2) / 2f;
            }
            input = Tensor.of(DType.FLOAT32, Shape.of(shape), v);
        }
        Map<Output, Tensor> feeds = Map.of(x, input, r, uniform(random, -1, 1, pooled.shape().dims()));
        String what = p + " " + dtype + (ties ? " with ties" : "");

        List<Output> fetches = List.of(pooled, averaged, dx);
        List<Tensor> wide = runGpu(g, feeds, fetches, true);
        List<Tensor> oneValue = runGpu(g, feeds, fetches, false);
        for (int i = 0; i < fetches.size(); i++) {
            assertClose(what + " " + GpuTestSupport.describe(fetches.get(i)), oneValue.get(i), wide.get(i),
                    Tolerance.exact(), null);
        }
        compare(g, feeds, Tolerance.exact(), pooled);
        compare(g, feeds, Tolerance.ofMagnitude(step(dtype), 0), averaged, dx);
    }

    private static List<Tensor> runGpu(Graph g, Map<Output, Tensor> feeds, List<Output> fetches, boolean eightWide) {
        String key = "tensorgraph.cuda.pool8Wide";
        String before = System.getProperty(key);
        System.setProperty(key, Boolean.toString(eightWide));
        try (Session s = gpuSession(g)) {
            return s.run(fetches, feeds);
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }
}
