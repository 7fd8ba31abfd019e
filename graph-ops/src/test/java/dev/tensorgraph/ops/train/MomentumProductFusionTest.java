package dev.tensorgraph.ops.train;

import static dev.tensorgraph.ops.train.ProductShapes.assertClose;
import static dev.tensorgraph.ops.train.ProductShapes.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The CPU plan pass that runs a weight gradient's MatMul and its ApplyMomentum as one {@code _MatMulApplyMomentum}
 * step: variable and accumulator against a naive reference ({@code accum = m * accum + a b} summed in double,
 * {@code var -= lr * accum}) and against the graph run as written ({@code fuseOps(false)}), on shapes for the native
 * BLAS and for the JVM's kernels, over two steps; Nesterov's variant left as written; and training steps of a
 * model built with {@link MomentumOptimizer}.
 */
class MomentumProductFusionTest {
    private static final String FUSED = "_MatMulApplyMomentum";
    private static final float LR = 0.05f;
    private static final float MOMENTUM = 0.9f;

    private record Case(Graph g, Output a, Output b, Variable w, Variable accum, Operation update, Operation init) {}

    private static Case build(int m, int n, int k, boolean ta, boolean tb, float[] w0, float[] acc0, boolean nesterov) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output a = tf.placeholder(DType.FLOAT32, ta ? Shape.of(k, m) : Shape.of(m, k), "a");
        Output b = tf.placeholder(DType.FLOAT32, tb ? Shape.of(n, k) : Shape.of(k, n), "b");
        Variable w = Variables.variable(g, ConstantOps.constant(g, Tensor.of(DType.FLOAT32, Shape.of(m, n), w0), "w0"),
                true, "w");
        Variable acc = Variables.variable(g, ConstantOps.constant(g, Tensor.of(DType.FLOAT32, Shape.of(m, n), acc0),
                "acc0"), false, "accum");
        Output grad = MatMulOps.matmul(g, a, b, ta, tb, "grad");
        Operation update = TrainingOps.applyMomentum(g, w, acc, tf.constant(LR), grad, tf.constant(MOMENTUM), false,
                nesterov, "update");
        return new Case(g, a, b, w, acc, update, tf.globalVariablesInitializer());
    }

    /** One step in place on {@code w} and {@code acc}, the product summed in double. */
    private static void naiveStep(float[] w, float[] acc, float[] a, float[] b, ProductShapes p) {
        for (int i = 0; i < p.m(); i++) {
            for (int j = 0; j < p.n(); j++) {
                int at = i * p.n() + j;
                acc[at] = (float) (MOMENTUM * (double) acc[at] + p.product(a, b, i, j));
                w[at] -= acc[at] * LR;
            }
        }
    }

    @Test
    void twoStepsMatchTheNaiveReferenceAndTheUnfusedPlan() {
        Random r = new Random(23);
        for (ProductShapes p : ProductShapes.all(new int[][] {{3, 5, 2}, {33, 17, 9}, {96, 80, 128}, {200, 64, 16}})) {
            String what = p.toString();
            float[] w0 = random(r, p.m() * p.n());
            float[] acc0 = random(r, p.m() * p.n());
            float[] av = random(r, p.m() * p.k());
            float[] bv = random(r, p.k() * p.n());
            Case c = build(p.m(), p.n(), p.k(), p.ta(), p.tb(), w0, acc0, false);
            Map<Output, Tensor> feeds = Map.of(c.a(), Tensor.of(DType.FLOAT32, c.a().shape(), av),
                    c.b(), Tensor.of(DType.FLOAT32, c.b().shape(), bv));
            float[] wantW = w0.clone();
            float[] wantAcc = acc0.clone();
            for (int step = 0; step < 2; step++) {
                naiveStep(wantW, wantAcc, av, bv, p);
            }
            List<float[]> results = new ArrayList<>();
            for (boolean fuse : new boolean[] {true, false}) {
                try (Session s = new Session(c.g(), SessionOptions.cpuOnly().fuseOps(fuse))) {
                    s.run(c.init());
                    boolean fused = s.describePlan(List.of(), feeds.keySet(), List.of(c.update())).stream()
                            .anyMatch(l -> l.contains(FUSED));
                    assertEquals(fuse, fused, what);
                    s.run(List.of(), feeds, List.of(c.update()));
                    s.run(List.of(), feeds, List.of(c.update()));
                    String how = what + (fuse ? " fused" : " as written");
                    assertClose(wantAcc, s.run(c.accum().value()).floats(), how + ": accumulator");
                    float[] w = s.run(c.w().value()).floats();
                    assertClose(wantW, w, how + ": variable");
                    results.add(w.clone());
                }
            }
            assertClose(results.get(1), results.get(0), what + ": fused against as written");
        }
    }

    @Test
    void nesterovsVariantIsLeftAsWritten() {
        Random r = new Random(3);
        Case c = build(64, 48, 40, false, false, random(r, 64 * 48), random(r, 64 * 48), true);
        try (Session s = new Session(c.g(), SessionOptions.cpuOnly())) {
            assertTrue(s.describePlan(List.of(), java.util.Set.of(c.a(), c.b()), List.of(c.update())).stream()
                    .noneMatch(l -> l.contains(FUSED)), "Nesterov's update needs the gradient itself");
        }
    }

    /** Four steps of a two-layer model under MomentumOptimizer: fused and as written agree, and the loss falls. */
    @Test
    void aModelTrainedWithTheOptimizerMatchesThePlanAsWritten() {
        List<List<Float>> losses = List.of(trainTwoLayers(true, false), trainTwoLayers(false, false));
        assertSameLosses(losses);
        assertTrue(losses.get(0).get(3) < losses.get(0).get(0), "the loss falls: " + losses.get(0));
    }

    /**
     * The same with dropout behind a fed {@code training} flag (a cond, random generators, a
     * PlaceholderWithDefault fed): the train step's plan is still fused, and its dropout masks continue the
     * generators' sequence that a second plan (the loss alone, also with dropout) advances in between, as in the
     * graph run as written, so the losses agree to rounding.
     */
    @Test
    void dropoutBehindAConditionKeepsItsRandomSequenceAcrossPlans() {
        assertSameLosses(List.of(trainTwoLayers(true, true), trainTwoLayers(false, true)));
    }

    private static void assertSameLosses(List<List<Float>> losses) {
        for (int i = 0; i < losses.get(0).size(); i++) {
            assertEquals(losses.get(1).get(i), losses.get(0).get(i), 1e-4, "loss at step " + i);
        }
    }

    /** The losses of four training steps; with dropout, each followed by a run of the loss alone. */
    private static List<Float> trainTwoLayers(boolean fuse, boolean dropout) {
        Random r = new Random(11);
        float[] x = random(r, 64 * 100);
        int[] y = new int[64];
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextInt(10);
        }
        Graph g = new Graph();
        g.setSeed(4L);
        Tf tf = Tf.of(g);
        Output xs = tf.placeholder(DType.FLOAT32, Shape.of(64, 100), "x");
        Output ys = tf.placeholder(DType.INT32, Shape.of(64), "y");
        Output training = tf.placeholderWithDefault(tf.constant(false), Shape.scalar(), "training");
        Output h = tf.layers.dense(xs, 80, DenseOptions.create().activation(tf.nn::relu));
        if (dropout) {
            h = tf.layers.dropout(h, 0.5, training);
        }
        Output logits = tf.layers.dense(h, 10, DenseOptions.create());
        Output loss = tf.losses.sparseSoftmaxCrossEntropy(ys, logits);
        Operation train = new MomentumOptimizer(0.05, 0.9).minimize(loss);
        List<Float> seen = new ArrayList<>();
        try (Session s = new Session(g, SessionOptions.cpuOnly().fuseOps(fuse))) {
            s.run(tf.globalVariablesInitializer());
            Map<Output, Tensor> feeds = Map.of(xs, Tensor.of(DType.FLOAT32, Shape.of(64, 100), x),
                    ys, Tensor.of(DType.INT32, Shape.of(64), y), training, Tensor.of(true));
            long fusedSteps = s.describePlan(List.of(loss), feeds.keySet(), List.of(train)).stream()
                    .filter(l -> l.contains(FUSED)).count();
            assertEquals(fuse ? 2 : 0, fusedSteps, "both weight updates fused");
            for (int step = 0; step < 4; step++) {
                seen.add(s.run(List.of(loss), feeds, List.of(train)).get(0).floatValue());
                if (dropout) {
                    seen.add(s.run(List.of(loss), feeds, List.of()).get(0).floatValue());
                }
            }
        }
        return seen;
    }
}
