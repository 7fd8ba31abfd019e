package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.tensorgraph.ops.train.Optimizer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The CPU plan pass that runs a dense layer (MatMul, BiasAdd, then Relu or Relu6 or nothing) as one
 * {@code _FusedMatMul} step: the same bits as the ops run apart, values against their definition summed in double,
 * on shapes that take each of the product's kernels (split by rows, by columns, few columns, small); training steps;
 * the cases it must leave alone; control inputs kept; and errors that name the op and the bias.
 */
class FusedMatMulTest {
    private static final String FUSED = "(_FusedMatMul) @ CPU";

    private enum Activation { NONE, RELU, RELU6 }

    private static Output activate(Tf tf, Output pre, Activation act) {
        return switch (act) {
            case NONE -> pre;
            case RELU -> tf.nn.relu(pre);
            case RELU6 -> tf.nn.relu6(pre);
        };
    }

    private static List<String> plan(Graph g, List<Output> fetches, Set<Output> fed) {
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            return s.describePlan(fetches, fed, List.of());
        }
    }

    private static long fusedSteps(List<String> plan) {
        return plan.stream().filter(l -> l.contains(FUSED)).count();
    }

    private static List<Tensor> run(Graph g, boolean fuse, List<Output> fetches, Map<Output, Tensor> feeds) {
        try (Session s = new Session(g, SessionOptions.cpuOnly().fuseOps(fuse))) {
            return s.run(fetches, feeds);
        }
    }

    /** act(op(a) op(b) + bias) with the product summed in double, then rounded to float as the ops round it. */
    private static float[] reference(float[] a, float[] b, float[] bias, int m, int n, int k, boolean ta, boolean tb,
                                     Activation act) {
        float[] y = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[ta ? p * m + i : i * k + p] * b[tb ? j * k + p : p * n + j];
                }
                float v = (float) s + bias[j];
                y[i * n + j] = switch (act) {
                    case NONE -> v;
                    case RELU -> Math.max(v, 0f);
                    case RELU6 -> Math.min(Math.max(v, 0f), 6f);
                };
            }
        }
        return y;
    }

    @Test
    void denseLayersGiveTheSameBitsAsOpsRunApart() {
        // m, n, k: split by columns (m < n) and by rows in the vector kernels, a product OpenBLAS may take, fewer
        // than 16 columns, few rows, a single row.
        int[][] shapes = {{128, 512, 300}, {260, 130, 140}, {300, 140, 70}, {40, 10, 30}, {3, 20, 9}, {1, 64, 33}};
        long seed = 1;
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (Activation act : Activation.values()) {
                        String what = m + "x" + n + "x" + k + (ta ? " ta" : "") + (tb ? " tb" : "") + " " + act;
                        Graph g = new Graph();
                        Tf tf = Tf.of(g);
                        Output a = tf.placeholder(DType.FLOAT32, ta ? Shape.of(k, m) : Shape.of(m, k), "a");
                        Output b = tf.placeholder(DType.FLOAT32, tb ? Shape.of(n, k) : Shape.of(k, n), "b");
                        Output bias = tf.placeholder(DType.FLOAT32, Shape.of(n), "bias");
                        Output y = activate(tf, tf.nn.biasAdd(tf.matmul(a, b, ta, tb), bias), act);
                        Tensor av = NnTestSupport.randomFloats(seed++, ta ? k : m, ta ? m : k);
                        Tensor bv = NnTestSupport.randomFloats(seed++, tb ? n : k, tb ? k : n);
                        // Biases of a few units put values on both sides of 0 and of 6.
                        Tensor biasv = scaled(NnTestSupport.randomFloats(seed++, n), 8f);
                        Map<Output, Tensor> feeds = Map.of(a, av, b, bv, bias, biasv);
                        List<String> p = plan(g, List.of(y), feeds.keySet());
                        assertEquals(1, fusedSteps(p), what + "\n" + String.join("\n", p));
                        float[] fused = run(g, true, List.of(y), feeds).get(0).floats();
                        float[] apart = run(g, false, List.of(y), feeds).get(0).floats();
                        assertArrayEquals(apart, fused, 0f, what);
                        float[] want = reference(av.floats(), bv.floats(), biasv.floats(), m, n, k, ta, tb, act);
                        for (int i = 0; i < want.length; i++) {
                            assertEquals(want[i], fused[i], 1e-4 * (1 + Math.abs(want[i])), what + " [" + i + "]");
                        }
                    }
                }
            }
        }
    }

    private static Tensor scaled(Tensor t, float by) {
        float[] v = t.floats().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] *= by;
        }
        return Tensor.of(DType.FLOAT32, t.shape(), v);
    }

    @Test
    void trainingStepsMatchTheGraphRunAsWritten() {
        new TrainingMlp(5L, 0.1, Optimizer.GATE_OP).checkFusedTrainingMatchesTheGraphAsWritten(FUSED, 3, 3);
    }

    @Test
    void leavesAloneWhatItMustNot() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output a = tf.placeholder(DType.FLOAT32, Shape.of(20, 30), "a");
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(30, 40), "b");
        Output bias = tf.placeholder(DType.FLOAT32, Shape.of(40), "bias");
        Output product = tf.matmul(a, b);
        Output pre = tf.nn.biasAdd(product, bias);
        Output y = tf.nn.relu(pre);
        Map<Output, Tensor> feeds = Map.of(a, NnTestSupport.randomFloats(1, 20, 30),
                b, NnTestSupport.randomFloats(2, 30, 40), bias, NnTestSupport.randomFloats(3, 40));
        // The product fetched: nothing fused into it.
        assertEquals(0, fusedSteps(plan(g, List.of(y, product), feeds.keySet())));
        // The pre-activation fetched: the bias joins the product, the Relu stays apart and reads the fetched value.
        List<String> p = plan(g, List.of(y, pre), feeds.keySet());
        assertEquals(1, fusedSteps(p), String.join("\n", p));
        assertTrue(p.stream().anyMatch(l -> l.contains("(Relu) @ CPU")), String.join("\n", p));
        List<Tensor> fused = run(g, true, List.of(y, pre), feeds);
        List<Tensor> apart = run(g, false, List.of(y, pre), feeds);
        assertArrayEquals(apart.get(0).floats(), fused.get(0).floats(), 0f);
        assertArrayEquals(apart.get(1).floats(), fused.get(1).floats(), 0f);
        // The product fed: the BiasAdd and Relu read the fed value.
        Tensor fedProduct = NnTestSupport.randomFloats(4, 20, 40);
        Map<Output, Tensor> withProduct = Map.of(product, fedProduct, bias, feeds.get(bias));
        assertEquals(0, fusedSteps(plan(g, List.of(y), withProduct.keySet())));
        float[] got = run(g, true, List.of(y), withProduct).get(0).floats();
        for (int i = 0; i < got.length; i++) {
            assertEquals(Math.max(fedProduct.floats()[i] + feeds.get(bias).floats()[i % 40], 0f), got[i], 0f);
        }
        // The product read by a second op, and a float64 layer.
        Output twice = tf.add(tf.nn.relu(tf.nn.biasAdd(tf.matmul(a, b), bias)), tf.matmul(a, b));
        assertEquals(1, fusedSteps(plan(g, List.of(twice), feeds.keySet())), "the second product is its own MatMul");
        Output shared = tf.matmul(a, b, false, false, "shared");
        Output both = tf.add(tf.nn.relu(tf.nn.biasAdd(shared, bias)), shared);
        assertEquals(0, fusedSteps(plan(g, List.of(both), feeds.keySet())));
        Output a64 = tf.cast(a, DType.FLOAT64);
        Output y64 = tf.nn.relu(tf.nn.biasAdd(tf.matmul(a64, tf.cast(b, DType.FLOAT64)), tf.cast(bias, DType.FLOAT64)));
        assertEquals(0, fusedSteps(plan(g, List.of(y64), feeds.keySet())));
    }

    @Test
    void theFusedStepWaitsForWhatTheOpsWaitedFor() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output counter = tf.variable(tf.constant(0f), "counter");
        Output bump = tf.assignAdd(counter, tf.constant(1f));
        Output a = tf.placeholder(DType.FLOAT32, Shape.of(8, 16), "a");
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(16, 32), "b");
        Output bias = tf.placeholder(DType.FLOAT32, Shape.of(32), "bias");
        Output y;
        try (var deps = tf.controlDependencies(List.of(bump))) {
            y = tf.nn.relu(tf.nn.biasAdd(tf.matmul(a, b), bias));
        }
        Map<Output, Tensor> feeds = Map.of(a, NnTestSupport.randomFloats(1, 8, 16), b, NnTestSupport.randomFloats(2, 16, 32),
                bias, NnTestSupport.randomFloats(3, 32));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            List<String> p = s.describePlan(List.of(y), feeds.keySet(), List.of());
            assertEquals(1, fusedSteps(p), String.join("\n", p));
            s.run(List.of(y), feeds);
            s.run(List.of(y), feeds);
            assertEquals(2f, s.run(counter).floatValue(), "the counter's AssignAdd ran before each fused step");
        }
    }

    @Test
    void errorsNameTheOpAndTheBias() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output a = tf.placeholder(DType.FLOAT32, Shape.of(4, 6), "a");
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(6, 20), "b");
        Output bias = tf.placeholder(DType.FLOAT32, Shape.unknown(), "bias");
        Output y = tf.nn.relu(tf.nn.biasAdd(tf.matmul(a, b), bias), "layer");
        Map<Output, Tensor> feeds = Map.of(a, NnTestSupport.randomFloats(1, 4, 6), b, NnTestSupport.randomFloats(2, 6, 20),
                bias, NnTestSupport.randomFloats(3, 19));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> s.run(List.of(y), feeds));
            assertTrue(e.getMessage().contains("layer") && e.getMessage().contains("bias"), e.getMessage());
            // The session still runs the layer with a good bias.
            Map<Output, Tensor> good = Map.of(a, feeds.get(a), b, feeds.get(b), bias, NnTestSupport.randomFloats(3, 20));
            assertEquals(Shape.of(4, 20), s.run(List.of(y), good).get(0).shape());
        }
        UnaryOperator<String[]> build = ops -> {
            Graph h = new Graph();
            Tf t = Tf.of(h);
            h.opBuilder("_FusedMatMul", "dense").addInput(t.placeholder(DType.FLOAT32, Shape.of(2, 3), "x"))
                    .addInput(t.placeholder(DType.FLOAT32, Shape.of(3, 5), "w"))
                    .addInputList(List.of(t.placeholder(DType.FLOAT32, Shape.of(ops.length == 0 ? 4 : 5), "bias")))
                    .setAttr("num_args", 1L).setAttr("fused_ops", ops.length == 0 ? new String[] {"BiasAdd"} : ops)
                    .build();
            return ops;
        };
        InvalidArgumentException wrongOps = assertThrows(InvalidArgumentException.class,
                () -> build.apply(new String[] {"Relu"}));
        assertTrue(wrongOps.getMessage().contains("fused_ops") && wrongOps.getMessage().contains("dense"),
                wrongOps.getMessage());
        InvalidArgumentException wrongBias = assertThrows(InvalidArgumentException.class,
                () -> build.apply(new String[0]));
        assertTrue(wrongBias.getMessage().contains("bias has 4 values") && wrongBias.getMessage().contains("5 columns"),
                wrongBias.getMessage());
    }
}
