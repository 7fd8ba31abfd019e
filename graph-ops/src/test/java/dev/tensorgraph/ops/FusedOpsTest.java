package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Plans that run BiasAdd with the Relu after it, and ReluGrad with the BiasAddGrad of its result, as one
 * step each: the same bits as the ops run apart, values checked against their definitions in double, and
 * no fusion where the skipped value is fetched, fed or read elsewhere.
 */
class FusedOpsTest {
    /** A conv layer and a dense layer, each BiasAdd then Relu, with a loss sum(y * r) and its gradients. */
    private static final class Net {
        final Graph g = new Graph();
        final Tf tf = Tf.of(g);
        final Output x = tf.placeholder(DType.FLOAT32, Shape.of(4, 9, 9, 3), "x");
        final Output w = tf.placeholder(DType.FLOAT32, Shape.of(3, 3, 3, 16), "w");
        final Output b = tf.placeholder(DType.FLOAT32, Shape.of(16), "b");
        final Output pre = tf.nn.biasAdd(tf.nn.conv2d(x, w, new int[] {1, 1}, "SAME"), b);
        final Output act = tf.nn.relu(pre, "conv_relu");
        final Output w2 = tf.placeholder(DType.FLOAT32, Shape.of(9 * 9 * 16, 600), "w2");
        final Output b2 = tf.placeholder(DType.FLOAT32, Shape.of(600), "b2");
        final Output dense = tf.nn.relu(tf.nn.biasAdd(tf.matmul(tf.reshape(act, new int[] {4, -1}), w2), b2));
        final Output r = tf.placeholder(DType.FLOAT32, Shape.of(4, 600), "r");
        final Output loss = tf.reduceSum(tf.multiply(dense, r));
        final List<Output> grads = tf.gradients(loss, List.of(x, w, b, w2, b2));

        Map<Output, Tensor> feeds() {
            return Map.of(x, NnTestSupport.randomFloats(1, 4, 9, 9, 3), w, NnTestSupport.randomFloats(2, 3, 3, 3, 16),
                    b, NnTestSupport.randomFloats(3, 16), w2, scaled(NnTestSupport.randomFloats(4, 9 * 9 * 16, 600), 0.05f),
                    b2, NnTestSupport.randomFloats(5, 600), r, NnTestSupport.randomFloats(6, 4, 600));
        }

        List<Output> fetches() {
            List<Output> f = new ArrayList<>(List.of(loss, act, dense));
            f.addAll(grads);
            return f;
        }
    }

    private static Tensor scaled(Tensor t, float by) {
        float[] v = t.floats().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] *= by;
        }
        return Tensor.of(DType.FLOAT32, t.shape(), v);
    }

    private static List<Tensor> run(Graph g, boolean fuse, List<Output> fetches, Map<Output, Tensor> feeds) {
        try (Session s = new Session(g, SessionOptions.cpuOnly().fuseOps(fuse))) {
            return s.run(fetches, feeds);
        }
    }

    private static List<String> plan(Graph g, boolean fuse, List<Output> fetches, Set<Output> fed) {
        try (Session s = new Session(g, SessionOptions.cpuOnly().fuseOps(fuse))) {
            return s.describePlan(fetches, fed, List.of());
        }
    }

    private static long fusedLines(List<String> plan, String type) {
        return plan.stream().filter(l -> l.contains("(" + type + ") @ CPU, fused with")).count();
    }

    /** Steps running a convolution with its BiasAdd and Relu (the CPU's plan pass makes them from the graph's ops). */
    private static long fusedConvolutions(List<String> plan) {
        return plan.stream().filter(l -> l.contains("(_FusedConv2D) @ CPU")).count();
    }

    /** Steps running a MatMul with its BiasAdd and Relu (also made by the CPU's plan passes). */
    private static long fusedDenseLayers(List<String> plan) {
        return plan.stream().filter(l -> l.contains("(_FusedMatMul) @ CPU")).count();
    }

    @Test
    void fusedPlanGivesTheSameBitsAsOpsRunApart() {
        Net n = new Net();
        Map<Output, Tensor> feeds = n.feeds();
        List<Output> fetches = n.fetches();
        List<String> fusedPlan = plan(n.g, true, fetches, feeds.keySet());
        // The conv layer's BiasAdd and Relu join its convolution, the dense layer's its product.
        assertEquals(1, fusedConvolutions(fusedPlan), String.join("\n", fusedPlan));
        assertEquals(1, fusedDenseLayers(fusedPlan), String.join("\n", fusedPlan));
        assertEquals(0, fusedLines(fusedPlan, "Relu"), String.join("\n", fusedPlan));
        assertEquals(2, fusedLines(fusedPlan, "ReluGrad"), String.join("\n", fusedPlan));
        assertEquals(2, fusedLines(fusedPlan, "BiasAddGrad"), String.join("\n", fusedPlan));
        assertFalse(String.join("\n", plan(n.g, false, fetches, feeds.keySet())).contains("fused"));

        List<Tensor> fused = run(n.g, true, fetches, feeds);
        List<Tensor> apart = run(n.g, false, fetches, feeds);
        for (int i = 0; i < fetches.size(); i++) {
            assertEquals(apart.get(i).shape(), fused.get(i).shape(), fetches.get(i).name());
            assertArrayEquals(apart.get(i).floats(), fused.get(i).floats(), 0f, fetches.get(i).name());
        }
    }

    @Test
    void fusedValuesAndGradientsMatchTheirDefinitions() {
        // relu(v + b) and, for loss sum(relu(v + b) * r): d/dv = r where v + b > 0, d/db = its sum over rows.
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        int rows = 700;
        int c = 12;
        Output v = tf.placeholder(DType.FLOAT32, Shape.of(rows, c), "v");
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(c), "b");
        Output r = tf.placeholder(DType.FLOAT32, Shape.of(rows, c), "r");
        Output y = tf.nn.relu(tf.nn.biasAdd(v, b));
        List<Output> grads = tf.gradients(tf.reduceSum(tf.multiply(y, r)), List.of(v, b));
        Tensor vt = NnTestSupport.randomFloats(11, rows, c);
        Tensor bt = NnTestSupport.randomFloats(12, c);
        Tensor rt = NnTestSupport.randomFloats(13, rows, c);
        List<Output> fetches = List.of(y, grads.get(0), grads.get(1));
        assertEquals(1, fusedLines(plan(g, true, fetches, Set.of(v, b, r)), "BiasAddGrad"));
        List<Tensor> got = run(g, true, fetches, Map.of(v, vt, b, bt, r, rt));
        float[] vv = vt.floats();
        float[] bb = bt.floats();
        float[] rr = rt.floats();
        double[] db = new double[c];
        double[] dbAbs = new double[c];
        for (int i = 0; i < rows * c; i++) {
            float pre = vv[i] + bb[i % c];
            assertEquals(Math.max(pre, 0f), got.get(0).floats()[i], 0f, "relu(v + b) at " + i);
            float dv = pre > 0 ? rr[i] : 0f;
            assertEquals(dv, got.get(1).floats()[i], 0f, "d/dv at " + i);
            db[i % c] += dv;
            dbAbs[i % c] += Math.abs(dv);
        }
        for (int j = 0; j < c; j++) {
            assertEquals(db[j], got.get(2).floats()[j], 1e-6 * (1 + dbAbs[j]), "d/db channel " + j);
        }
    }

    @Test
    void fetchedFedOrSharedPreActivationsAreNotFused() {
        Net n = new Net();
        Map<Output, Tensor> feeds = n.feeds();
        // Fetched: the pre-activation must hold v + b, not relu(v + b).
        List<Output> fetches = List.of(n.pre, n.act);
        List<String> denseOnly = plan(n.g, true, List.of(n.dense), feeds.keySet());
        assertEquals(2, fusedDenseLayers(denseOnly) + fusedConvolutions(denseOnly), String.join("\n", denseOnly));
        assertEquals(0, fusedLines(plan(n.g, true, fetches, feeds.keySet()), "BiasAdd"));
        List<Tensor> got = run(n.g, true, fetches, feeds);
        List<Tensor> want = run(n.g, false, fetches, feeds);
        assertArrayEquals(want.get(0).floats(), got.get(0).floats(), 0f);
        assertArrayEquals(want.get(1).floats(), got.get(1).floats(), 0f);
        assertTrue(min(got.get(0).floats()) < 0, "the pre-activation has negative values");

        // Fed: the Relu reads the fed value, and the BiasAdd does not run.
        Tensor fedPre = NnTestSupport.randomFloats(9, 4, 9, 9, 16);
        Tensor act = run(n.g, true, List.of(n.act), Map.of(n.pre, fedPre)).get(0);
        for (int i = 0; i < act.floats().length; i++) {
            assertEquals(Math.max(fedPre.floats()[i], 0f), act.floats()[i], 0f);
        }

        // Read by a second op: kept apart, and both readers see v + b.
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output v = tf.placeholder(DType.FLOAT32, Shape.of(3, 4), "v");
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(4), "b");
        Output pre = tf.nn.biasAdd(v, b);
        Output sum = tf.add(tf.nn.relu(pre), tf.multiply(pre, 2.0));
        Map<Output, Tensor> f = Map.of(v, NnTestSupport.randomFloats(1, 3, 4), b, NnTestSupport.randomFloats(2, 4));
        assertEquals(0, fusedLines(plan(g, true, List.of(sum), f.keySet()), "BiasAdd"));
        assertArrayEquals(run(g, false, List.of(sum), f).get(0).floats(), run(g, true, List.of(sum), f).get(0).floats(), 0f);
    }

    @Test
    void fusedStepsInsideACondFollowTheTakenBranch() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output v = tf.placeholder(DType.FLOAT32, Shape.of(50, 8), "v");
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(8), "b");
        Output pred = tf.placeholder(DType.BOOL, Shape.scalar(), "pred");
        Output y = tf.cond(pred, () -> tf.nn.relu(tf.nn.biasAdd(v, b)), () -> tf.multiply(v, 3.0));
        List<Output> grads = tf.gradients(tf.reduceSum(tf.multiply(y, y)), List.of(v, b));
        List<Output> fetches = List.of(y, grads.get(0), grads.get(1));
        Map<Output, Tensor> common = Map.of(v, NnTestSupport.randomFloats(1, 50, 8), b, NnTestSupport.randomFloats(2, 8));
        List<String> fusedPlan = plan(g, true, fetches, Set.of(v, b, pred));
        assertEquals(1, fusedLines(fusedPlan, "BiasAdd"), String.join("\n", fusedPlan));
        assertEquals(1, fusedLines(fusedPlan, "BiasAddGrad"), String.join("\n", fusedPlan));
        for (boolean taken : new boolean[] {true, false}) {
            Map<Output, Tensor> feeds = new java.util.HashMap<>(common);
            feeds.put(pred, Tensor.of(taken));
            List<Tensor> fused = run(g, true, fetches, feeds);
            List<Tensor> apart = run(g, false, fetches, feeds);
            for (int i = 0; i < fetches.size(); i++) {
                assertArrayEquals(apart.get(i).floats(), fused.get(i).floats(), 0f, "pred " + taken + ", fetch " + i);
            }
            float first = common.get(v).floats()[0];
            float want = taken ? Math.max(first + common.get(b).floats()[0], 0f) : first * 3f;
            assertEquals(want, fused.get(0).floats()[0], 0f, "pred " + taken);
        }
    }

    @Test
    void badBiasAtRunTimeNamesTheBiasAddAndLeavesTheSessionUsable() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output v = tf.placeholder(DType.FLOAT32, Shape.unknownOfRank(2), "v");
        Output b = tf.placeholder(DType.FLOAT32, Shape.unknownOfRank(1), "b");
        Output y = tf.nn.relu(tf.nn.biasAdd(v, b, "NHWC", "layer_bias"));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertEquals(1, fusedLines(s.describePlan(List.of(y), Set.of(v, b), List.of()), "BiasAdd"));
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> s.run(y, Map.of(v, NnTestSupport.randomFloats(1, 2, 3), b, NnTestSupport.randomFloats(2, 4))));
            assertTrue(e.getMessage().contains("layer_bias") && e.getMessage().contains("biases"), e.getMessage());
            Tensor ok = s.run(y, Map.of(v, Tensor.of(DType.FLOAT32, Shape.of(1, 2), new float[] {1, -5}),
                    b, Tensor.of(DType.FLOAT32, Shape.of(2), new float[] {0.5f, 1})));
            assertArrayEquals(new float[] {1.5f, 0f}, ok.floats(), 0f);
        }
    }

    private static float min(float[] a) {
        float m = Float.POSITIVE_INFINITY;
        for (float v : a) {
            m = Math.min(m, v);
        }
        return m;
    }
}
