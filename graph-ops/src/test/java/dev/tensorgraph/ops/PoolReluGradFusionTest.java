package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Plans that run a max-pool's gradient with the ReluGrad of the Relu it pooled as one step (the ReluGrad also
 * reads the activation the pool's gradient reads): the same bits as the two ops run apart, for channels in
 * whole vectors and not, odd sizes, SAME padding, NCHW, float64 and activations with ties, zeros and NaN; and
 * no fusion where the pool's gradient is fetched or the ReluGrad's features are not the pooled activation.
 */
class PoolReluGradFusionTest {
    /** {@code loss = sum(max_pool(relu(a)) * r)} and its gradient with respect to a. */
    private static final class Net {
        final Graph g = new Graph();
        final Tf tf = Tf.of(g);
        final Output a;
        final Output r;
        final Output act;
        final Output grad;
        final long[] shape;

        Net(DType t, String padding, String format, long... shape) {
            this.shape = shape;
            a = tf.placeholder(t, Shape.of(shape), "a");
            act = tf.nn.relu(a);
            int[] window = format.equals("NHWC") ? new int[] {1, 2, 2, 1} : new int[] {1, 1, 2, 2};
            Output pooled = tf.nn.maxPool(act, window, window, padding, format, "pool");
            r = tf.placeholder(t, pooled.shape(), "r");
            grad = tf.gradients(tf.reduceSum(tf.multiply(pooled, r)), List.of(a)).get(0);
        }

        Operation poolGradient() {
            for (Operation op : g.operations()) {
                if (op.type().equals("MaxPoolGrad")) {
                    return op;
                }
            }
            throw new AssertionError("no MaxPoolGrad in the gradient");
        }

        Map<Output, Tensor> feeds(long seed) {
            Random rnd = new Random(seed);
            int n = (int) Shape.of(shape).numElements();
            double[] special = {0, -0.0, 0.5, -0.5, Double.NaN, 2};
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                // Many ties (of positives, of zeros after the Relu) and some NaN.
                v[i] = rnd.nextInt(3) == 0 ? special[rnd.nextInt(special.length)] : rnd.nextGaussian();
            }
            int m = (int) r.shape().numElements();
            double[] w = new double[m];
            for (int i = 0; i < m; i++) {
                w[i] = i % 17 == 0 ? -0.0 : rnd.nextGaussian();
            }
            return Map.of(a, tensor(a.dtype(), shape, v), r, tensor(a.dtype(), r.shape().dims(), w));
        }
    }

    private static Tensor tensor(DType t, long[] shape, double[] v) {
        if (t == DType.FLOAT64) {
            return Tensor.of(t, Shape.of(shape), v);
        }
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return Tensor.of(t, Shape.of(shape), f);
    }

    private static List<Tensor> run(Graph g, boolean fuse, List<Output> fetches, Map<Output, Tensor> feeds) {
        try (Session s = new Session(g, SessionOptions.cpuOnly().fuseOps(fuse).intraOpThreads(2))) {
            return s.run(fetches, feeds);
        }
    }

    private static long fusedPoolGradients(Graph g, List<Output> fetches, Set<Output> fed) {
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            return s.describePlan(fetches, fed, List.of()).stream()
                    .filter(l -> l.contains("(MaxPoolGrad) @ CPU, fused with")).count();
        }
    }

    private static void assertSameBits(Tensor want, Tensor got, String what) {
        if (want.dtype() == DType.FLOAT64) {
            double[] w = want.doubles();
            double[] o = got.doubles();
            for (int i = 0; i < w.length; i++) {
                assertEquals(Double.doubleToRawLongBits(w[i]), Double.doubleToRawLongBits(o[i]), what + " at " + i);
            }
            return;
        }
        float[] w = want.floats();
        float[] o = got.floats();
        for (int i = 0; i < w.length; i++) {
            assertEquals(Float.floatToRawIntBits(w[i]), Float.floatToRawIntBits(o[i]), what + " at " + i);
        }
    }

    @Test
    void fusedStepGivesTheBitsOfTheOpsRunApart() {
        Object[][] cases = {
                {DType.FLOAT32, "VALID", "NHWC", new long[] {4, 26, 26, 16}},
                {DType.FLOAT32, "VALID", "NHWC", new long[] {3, 9, 7, 32}},
                {DType.FLOAT32, "VALID", "NHWC", new long[] {2, 8, 6, 13}},
                {DType.FLOAT32, "SAME", "NHWC", new long[] {2, 7, 9, 16}},
                {DType.FLOAT32, "VALID", "NCHW", new long[] {2, 16, 8, 6}},
                {DType.FLOAT64, "VALID", "NHWC", new long[] {2, 6, 6, 8}},
        };
        long seed = 1;
        for (Object[] c : cases) {
            Net n = new Net((DType) c[0], (String) c[1], (String) c[2], (long[]) c[3]);
            String what = c[0] + " " + c[1] + " " + c[2] + " " + java.util.Arrays.toString((long[]) c[3]);
            List<Output> fetches = List.of(n.grad);
            assertEquals(1, fusedPoolGradients(n.g, fetches, Set.of(n.a, n.r)), what);
            Map<Output, Tensor> feeds = n.feeds(seed++);
            Tensor apart = run(n.g, false, fetches, feeds).get(0);
            Tensor fused = run(n.g, true, fetches, feeds).get(0);
            assertSameBits(apart, fused, what);
        }
    }

    @Test
    void fusedGradientMatchesTheDefinition() {
        // One image 2x4, one channel: windows [1 3; 3 -2] and [NaN 0; -1 -0.5] after the Relu ([1 3; 3 0] and
        // [NaN 0; 0 0]): the first gets its gradient at its first 3, the second at its NaN, which the Relu's
        // gradient then zeroes (NaN is not positive).
        Net n = new Net(DType.FLOAT32, "VALID", "NHWC", 1, 2, 4, 1);
        Map<Output, Tensor> feeds = Map.of(n.a, Tensor.of(DType.FLOAT32, Shape.of(1, 2, 4, 1),
                new float[] {1f, 3f, Float.NaN, 0f, 3f, -2f, -1f, -0.5f}), n.r,
                Tensor.of(DType.FLOAT32, Shape.of(1, 1, 2, 1), new float[] {10f, 20f}));
        assertArrayEquals(new float[] {0f, 10f, 0f, 0f, 0f, 0f, 0f, 0f}, run(n.g, true, List.of(n.grad), feeds).get(0).floats());
    }

    @Test
    void noFusionWhereThePoolGradientIsFetchedOrTheFeaturesAreNotThePooledActivation() {
        Net n = new Net(DType.FLOAT32, "VALID", "NHWC", 2, 8, 8, 16);
        Output poolGrad = n.poolGradient().output(0);
        List<Output> fetches = List.of(n.grad, poolGrad);
        assertEquals(0, fusedPoolGradients(n.g, fetches, Set.of(n.a, n.r)));
        Map<Output, Tensor> feeds = n.feeds(9);
        List<Tensor> apart = run(n.g, false, fetches, feeds);
        List<Tensor> planned = run(n.g, true, fetches, feeds);
        assertSameBits(apart.get(0), planned.get(0), "gradient");
        assertSameBits(apart.get(1), planned.get(1), "pool gradient");

        // ReluGrad(MaxPoolGrad(relu(a), ...), relu(b)): its features are not the pool's input.
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output a = tf.placeholder(DType.FLOAT32, Shape.of(2, 8, 8, 16), "a");
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(2, 8, 8, 16), "b");
        Output ra = tf.nn.relu(a);
        Output rb = tf.nn.relu(b);
        int[] window = {1, 2, 2, 1};
        Output pooled = tf.nn.maxPool(ra, window, window, "VALID");
        List<Output> grads = tf.gradients(tf.reduceSum(pooled), List.of(ra));
        Output mixed = g.opBuilder("ReluGrad", "mixed").addInput(grads.get(0)).addInput(rb).build().output(0);
        List<Output> mixedFetch = new ArrayList<>(List.of(mixed));
        assertEquals(0, fusedPoolGradients(g, mixedFetch, Set.of(a, b)));
    }
}
