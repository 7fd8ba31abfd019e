package dev.tensorgraph.ops.train;

import static dev.tensorgraph.ops.train.ProductShapes.assertClose;
import static dev.tensorgraph.ops.train.ProductShapes.random;
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
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.layers.DenseOptions;
import dev.tensorgraph.ops.math.MatMulOps;
import dev.tensorgraph.ops.state.Variables;
import dev.tensorgraph.ops.training.TrainingOps;
import dev.tensorgraph.ops.MetaGraph;
import dev.tensorgraph.ops.SaverDefRestore;
import dev.tensorgraph.testing.Json;
import dev.tensorgraph.proto.MetaGraphDef;
import dev.tensorgraph.testing.TensorJson;
import dev.tensorgraph.testing.TfCaseRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The CPU plan pass that runs a weight gradient's MatMul and its ApplyGradientDescent as one
 * {@code _MatMulApplyGradientDescent} step: updated variables against a naive reference ({@code var - lr * a b}
 * summed in double) and against the graph run as written ({@code fuseOps(false)}), on random shapes and
 * transposes, large enough for the native BLAS and small enough for the JVM's kernels; the cases it must leave
 * alone (gradient fetched or read twice, learning rate of unknown rank, float64, the update run as a target by
 * itself is fused but fetching the gradient is not); and whole training steps of a model built with the optimizer,
 * whose gradient tuples put Identity ops and control edges between the product and the update.
 */
class GradientDescentProductFusionTest {
    private static final String FUSED = "_MatMulApplyGradientDescent";

    /** A variable [m, n] updated by {@code lr * op(a) op(b)} where a and b are fed. */
    private record Case(Graph g, Output a, Output b, Variable w, Output grad, Operation update, Operation init) {
        Map<Output, Tensor> feeds(Tensor av, Tensor bv) {
            return Map.of(a, av, b, bv);
        }
    }

    private static Case build(DType t, int m, int n, int k, boolean ta, boolean tb, float[] w0, Output lr,
                              Graph g, boolean locking) {
        Tf tf = Tf.of(g);
        Output a = tf.placeholder(t, ta ? Shape.of(k, m) : Shape.of(m, k), "a");
        Output b = tf.placeholder(t, tb ? Shape.of(n, k) : Shape.of(k, n), "b");
        Tensor init = t == DType.FLOAT32 ? Tensor.of(t, Shape.of(m, n), w0) : Tensor.of(t, Shape.of(m, n), toDouble(w0));
        Variable w = Variables.variable(g, ConstantOps.constant(g, init, "w0"), true, "w");
        Output grad = MatMulOps.matmul(g, a, b, ta, tb, "grad");
        Output alpha = lr != null ? lr : ConstantOps.constant(g, t == DType.FLOAT32 ? Tensor.of(0.05f) : Tensor.of(0.05), "lr");
        Operation update = TrainingOps.applyGradientDescent(g, w, alpha, grad, locking, "update");
        return new Case(g, a, b, w, grad, update, tf.globalVariablesInitializer());
    }

    private static double[] toDouble(float[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i];
        }
        return r;
    }

    /** {@code w - lr * op(a) op(b)}, the product summed in double. */
    private static float[] naive(float[] w, float lr, float[] a, float[] b, int m, int n, int k, boolean ta, boolean tb) {
        ProductShapes p = new ProductShapes(m, n, k, ta, tb);
        float[] r = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                r[i * n + j] = (float) (w[i * n + j] - lr * p.product(a, b, i, j));
            }
        }
        return r;
    }

    private static boolean planFuses(Session s, List<Output> fetches, Set<Output> feeds, List<Operation> targets) {
        return s.describePlan(fetches, feeds, targets).stream().anyMatch(l -> l.contains(FUSED));
    }


    @Test
    void randomShapesMatchTheNaiveReferenceAndTheUnfusedPlan() {
        Random r = new Random(19);
        int[][] sizes = {{1, 1, 1}, {3, 5, 2}, {7, 16, 4}, {33, 17, 9}, {64, 48, 40}, {96, 80, 128}, {130, 20, 70}};
        for (ProductShapes p : ProductShapes.all(sizes)) {
            int m = p.m();
            int n = p.n();
            int k = p.k();
            String what = p.toString();
            float[] w0 = random(r, m * n);
            float[] av = random(r, m * k);
            float[] bv = random(r, k * n);
            Case c = build(DType.FLOAT32, m, n, k, p.ta(), p.tb(), w0, null, new Graph(), p.bothTransposed());
            Map<Output, Tensor> feeds = c.feeds(
                    Tensor.of(DType.FLOAT32, p.ta() ? Shape.of(k, m) : Shape.of(m, k), av),
                    Tensor.of(DType.FLOAT32, p.tb() ? Shape.of(n, k) : Shape.of(k, n), bv));
            float[] want = naive(w0, 0.05f, av, bv, m, n, k, p.ta(), p.tb());
            List<float[]> results = new ArrayList<>();
            for (boolean fuse : new boolean[] {true, false}) {
                try (Session s = new Session(c.g(), SessionOptions.cpuOnly().fuseOps(fuse))) {
                    s.run(c.init());
                    assertEquals(fuse, planFuses(s, List.of(), feeds.keySet(), List.of(c.update())), what);
                    // Twice: the second update starts from the first's result.
                    s.run(List.of(), feeds, List.of(c.update()));
                    Tensor once = s.run(c.w().value()).copy();
                    assertClose(want, (float[]) once.array(), what + (fuse ? " fused" : " as written"));
                    s.run(List.of(), feeds, List.of(c.update()));
                    results.add((float[]) s.run(c.w().value()).array());
                }
            }
            assertClose(results.get(1), results.get(0), what + ": fused against as written, second step");
        }
    }

    @Test
    void theUpdatesOutputIsTheUpdatedVariable() {
        Random r = new Random(5);
        float[] w0 = random(r, 64 * 32);
        float[] av = random(r, 128 * 64);
        float[] bv = random(r, 128 * 32);
        Case c = build(DType.FLOAT32, 64, 32, 128, true, false, w0, null, new Graph(), false);
        Map<Output, Tensor> feeds = c.feeds(Tensor.of(DType.FLOAT32, Shape.of(128, 64), av),
                Tensor.of(DType.FLOAT32, Shape.of(128, 32), bv));
        try (Session s = new Session(c.g(), SessionOptions.cpuOnly())) {
            s.run(c.init());
            Output updated = c.update().output(0);
            assertEquals(true, planFuses(s, List.of(updated), feeds.keySet(), List.of()));
            float[] got = (float[]) s.run(List.of(updated), feeds).get(0).array();
            assertClose(naive(w0, 0.05f, av, bv, 64, 32, 128, true, false), got, "fetched update");
            assertArrayEquals((float[]) s.run(c.w().value()).array(), got);
        }
    }

    @Test
    void leavesAloneWhatItMustNot() {
        Random r = new Random(7);
        int m = 40;
        int n = 24;
        int k = 32;
        float[] w0 = random(r, m * n);
        float[] av = random(r, m * k);
        float[] bv = random(r, k * n);
        Tensor at = Tensor.of(DType.FLOAT32, Shape.of(m, k), av);
        Tensor bt = Tensor.of(DType.FLOAT32, Shape.of(k, n), bv);
        float[] want = naive(w0, 0.05f, av, bv, m, n, k, false, false);

        // The gradient fetched with the update.
        Case fetched = build(DType.FLOAT32, m, n, k, false, false, w0, null, new Graph(), false);
        try (Session s = new Session(fetched.g(), SessionOptions.cpuOnly())) {
            s.run(fetched.init());
            Map<Output, Tensor> feeds = fetched.feeds(at, bt);
            assertEquals(false, planFuses(s, List.of(fetched.grad()), feeds.keySet(), List.of(fetched.update())));
            Tensor grad = s.run(List.of(fetched.grad()), feeds, List.of(fetched.update())).get(0);
            assertClose(naive(new float[m * n], -1f, av, bv, m, n, k, false, false), (float[]) grad.array(), "grad");
            assertClose(want, (float[]) s.run(fetched.w().value()).array(), "fetched gradient: variable");
        }

        // The gradient read by a second op.
        Graph g2 = new Graph();
        Case twice = build(DType.FLOAT32, m, n, k, false, false, w0, null, g2, false);
        Output sum = Tf.of(g2).reduceSum(twice.grad());
        try (Session s = new Session(g2, SessionOptions.cpuOnly())) {
            s.run(twice.init());
            Map<Output, Tensor> feeds = twice.feeds(at, bt);
            assertEquals(false, planFuses(s, List.of(sum), feeds.keySet(), List.of(twice.update())));
            s.run(List.of(sum), feeds, List.of(twice.update()));
            assertClose(want, (float[]) s.run(twice.w().value()).array(), "two readers: variable");
        }

        // A learning rate of unknown rank (fed a scalar): the update checks it when it runs.
        Graph g3 = new Graph();
        Output lr = Tf.of(g3).placeholder(DType.FLOAT32, Shape.unknown(), "lr");
        Case unknownRank = build(DType.FLOAT32, m, n, k, false, false, w0, lr, g3, false);
        try (Session s = new Session(g3, SessionOptions.cpuOnly())) {
            s.run(unknownRank.init());
            Map<Output, Tensor> feeds = new HashMap<>(unknownRank.feeds(at, bt));
            feeds.put(lr, Tensor.of(0.05f));
            assertEquals(false, planFuses(s, List.of(), feeds.keySet(), List.of(unknownRank.update())));
            s.run(List.of(), feeds, List.of(unknownRank.update()));
            assertClose(want, (float[]) s.run(unknownRank.w().value()).array(), "unknown-rank lr: variable");
        }

        // float64.
        Case doubles = build(DType.FLOAT64, m, n, k, false, false, w0, null, new Graph(), false);
        try (Session s = new Session(doubles.g(), SessionOptions.cpuOnly())) {
            s.run(doubles.init());
            Map<Output, Tensor> feeds = doubles.feeds(Tensor.of(DType.FLOAT64, Shape.of(m, k), toDouble(av)),
                    Tensor.of(DType.FLOAT64, Shape.of(k, n), toDouble(bv)));
            assertEquals(false, planFuses(s, List.of(), feeds.keySet(), List.of(doubles.update())));
            s.run(List.of(), feeds, List.of(doubles.update()));
            double[] got = (double[]) s.run(doubles.w().value()).array();
            for (int i = 0; i < got.length; i++) {
                assertEquals(want[i], got[i], 1e-4 + 1e-5 * Math.abs(want[i]), "float64 [" + i + "]");
            }
        }
    }

    /** {@code w -= lr * w.read b}: the product reads the variable the update writes, and must see its old value. */
    @Test
    void aProductOfTheVariableItselfReadsItsOldValue() {
        Random r = new Random(13);
        int n = 48;
        float[] w0 = random(r, n * n);
        float[] bv = random(r, n * n);
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(n, n), "b");
        Variable w = Variables.variable(g, ConstantOps.constant(g, Tensor.of(DType.FLOAT32, Shape.of(n, n), w0), "w0"),
                true, "w");
        Output grad = MatMulOps.matmul(g, w.value(), b, false, false, "grad");
        Operation update = TrainingOps.applyGradientDescent(g, w, ConstantOps.constant(g, Tensor.of(0.05f), "lr"), grad,
                false, "update");
        Map<Output, Tensor> feeds = Map.of(b, Tensor.of(DType.FLOAT32, Shape.of(n, n), bv));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            assertEquals(true, planFuses(s, List.of(), feeds.keySet(), List.of(update)));
            s.run(List.of(), feeds, List.of(update));
            assertClose(naive(w0, 0.05f, w0, bv, n, n, n, false, false), (float[]) s.run(w.value()).array(),
                    "w - lr * w b");
        }
    }

    /** A two-layer model trained with the optimizer: gradient tuples between each product and its update. */
    @Test
    void optimizerStepsMatchThePlanAsWritten() {
        Graph g = new Graph();
        g.setSeed(3L);
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 20), "x");
        Output labels = tf.placeholder(DType.FLOAT32, Shape.of(-1, 4), "labels");
        Output h = tf.layers.dense(x, 24, DenseOptions.create().activation(tf.nn::relu));
        Output logits = tf.layers.dense(h, 4);
        Output loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits(labels, logits));
        Operation train = new GradientDescentOptimizer(0.1).minimize(loss);
        Operation init = tf.globalVariablesInitializer();
        Random r = new Random(11);
        float[] xv = random(r, 16 * 20);
        float[] yv = new float[16 * 4];
        for (int i = 0; i < 16; i++) {
            yv[i * 4 + r.nextInt(4)] = 1f;
        }
        Map<Output, Tensor> feeds = Map.of(x, Tensor.of(DType.FLOAT32, Shape.of(16, 20), xv),
                labels, Tensor.of(DType.FLOAT32, Shape.of(16, 4), yv));
        List<Output> kernels = List.of(g.output("dense/kernel:0"), g.output("dense_1/kernel:0"),
                g.output("dense/bias:0"), g.output("dense_1/bias:0"));
        List<List<Tensor>> results = new ArrayList<>();
        List<float[]> losses = new ArrayList<>();
        for (boolean fuse : new boolean[] {true, false}) {
            try (Session s = new Session(g, SessionOptions.cpuOnly().fuseOps(fuse))) {
                s.run(init);
                long fusedSteps = s.describePlan(List.of(loss), feeds.keySet(), List.of(train)).stream()
                        .filter(l -> l.contains(FUSED)).count();
                assertEquals(fuse ? 2L : 0L, fusedSteps);
                float[] l = new float[5];
                for (int step = 0; step < 5; step++) {
                    l[step] = s.run(List.of(loss), feeds, List.of(train)).get(0).floatValue();
                }
                losses.add(l);
                List<Tensor> values = new ArrayList<>();
                for (Output v : kernels) {
                    values.add(s.run(v).copy());
                }
                results.add(values);
            }
        }
        assertClose(losses.get(1), losses.get(0), "losses");
        for (int i = 0; i < kernels.size(); i++) {
            assertClose((float[]) results.get(1).get(i).array(), (float[]) results.get(0).get(i).array(),
                    kernels.get(i).toString());
        }
    }

    /**
     * TensorFlow's own gradient-descent training graph ({@code tf-cases-2.21/training/tf1_dense_sgd}: two dense
     * layers, reference variables, gradient tuples, global_step), restored from its MetaGraph and checkpoint: both
     * kernels' updates run fused, and the next five losses and every variable afterwards are TensorFlow's.
     */
    @Test
    void tensorFlowsGradientDescentGraphTrainsAsTensorFlowDidWithFusedUpdates() throws Exception {
        Path dir = TensorJson.resource("/tf-cases-2.21/training/tf1_dense_sgd");
        Map<String, Object> restore = Json.asMap(TensorJson.read(dir.resolve("case.json")).get("restore"));
        byte[] bytes = Files.readAllBytes(dir.resolve((String) restore.get("meta_graph")));
        MetaGraphDef meta = MetaGraph.parse(bytes, "tf1_dense_sgd");
        Graph g = MetaGraph.fromMetaGraphDef(bytes);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            SaverDefRestore.restore(s, meta.getSaverDef(), dir.resolve((String) restore.get("checkpoint_prefix")));
            Set<Output> feeds = Set.of(g.output("images:0"), g.output("labels:0"), g.output("is_training:0"));
            long fusedSteps = s.describePlan(List.of(g.output("loss:0")), feeds, List.of(g.operation("train")))
                    .stream().filter(l -> l.contains(FUSED)).count();
            assertEquals(2L, fusedSteps, "the two kernels' gradient products and their updates");
            TfCaseRunner.runSteps(s, dir, false, Set.of());
            Map<String, Object> variables = TensorJson.read(dir.resolve("variables.json"));
            assertEquals(5, variables.size(), "two kernels, two biases and global_step");
            for (Map.Entry<String, Object> e : variables.entrySet()) {
                TensorJson.assertClose("variable " + e.getKey(), Json.asMap(e.getValue()), s.run(e.getKey() + ":0"));
            }
        }
    }
}
