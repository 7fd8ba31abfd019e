package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.layers.DenseOptions;
import dev.tensorgraph.ops.train.GradientDescentOptimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Ops that a plan only waits for (nothing reads their outputs) run as NoOps, as TensorFlow's grappler turns
 * them into NoOps: the gradient of a first layer's input that {@code minimize}'s gating waits for is not
 * computed, training gives the same bits as the graph run as written, and ops that must run still do (a
 * numerics check, a placeholder that was not fed, a conditional's untaken branch stays untaken).
 */
class WaitedForOpsTest {
    private static final class Mlp {
        final Graph g = new Graph();
        final Tf tf = Tf.of(g);
        final Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 6), "x");
        final Output labels = tf.placeholder(DType.FLOAT32, Shape.of(-1, 3), "labels");
        final Output loss;
        final Operation train;
        final Operation init;

        Mlp() {
            g.setSeed(7L);
            Output h = tf.layers.dense(x, 5, DenseOptions.create().activation(tf.nn::relu));
            Output logits = tf.layers.dense(h, 3);
            loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits(labels, logits));
            train = new GradientDescentOptimizer(0.1).minimize(loss);
            init = tf.globalVariablesInitializer();
        }

        Map<Output, Tensor> feeds() {
            float[] labelValues = new float[4 * 3];
            for (int i = 0; i < 4; i++) {
                labelValues[i * 3 + i % 3] = 1;
            }
            return Map.of(x, NnTestSupport.randomFloats(11, 4, 6), labels, Tensor.of(DType.FLOAT32, Shape.of(4, 3), labelValues));
        }
    }

    /** The first layer's input gradient, {@code dLoss/dx} of shape [?, 6]: the gating waits for it, nobody reads it. */
    private static Operation inputGradient(Mlp m) {
        List<Operation> found = m.g.operations().stream()
                .filter(op -> op.type().equals("MatMul") && op.name().startsWith("gradients/dense/MatMul_grad/"))
                .filter(op -> op.output(0).shape().size(1) == 6)
                .toList();
        assertEquals(1, found.size(), found.toString());
        return found.get(0);
    }

    @Test
    void gatedInputGradientIsNotComputed() {
        Mlp m = new Mlp();
        String dx = inputGradient(m).name();
        try (Session s = new Session(m.g, SessionOptions.cpuOnly())) {
            List<String> plan = s.describePlan(List.of(), m.feeds().keySet(), List.of(m.train));
            assertTrue(plan.contains(dx + " (MatMul, not computed: only waited for) @ CPU"), String.join("\n", plan));
            long computedMatMuls = plan.stream().filter(l -> l.contains("(MatMul) @ CPU")).count();
            assertEquals(0, computedMatMuls, "no product on its own");
            long hiddenGradients = plan.stream().filter(l -> l.contains("(_MatMulReluGrad) @ CPU")).count();
            assertEquals(1, hiddenGradients, "the hidden layer's gradient, with its ReLU and bias");
            long denseLayers = plan.stream().filter(l -> l.contains("(_FusedMatMul) @ CPU")).count();
            assertEquals(2, denseLayers, "the forward products, each with its bias (and ReLU)");
            long kernelUpdates = plan.stream().filter(l -> l.contains("(_MatMulApplyGradientDescent) @ CPU")).count();
            assertEquals(2, kernelUpdates, "both kernels' gradients, each computed into its variable");
        }
        try (Session s = new Session(m.g, SessionOptions.cpuOnly().fuseOps(false))) {
            List<String> plan = s.describePlan(List.of(), m.feeds().keySet(), List.of(m.train));
            assertTrue(plan.contains(dx + " (MatMul) @ CPU"), "the graph as written computes it");
        }
    }

    @Test
    void trainingGivesTheSameBitsAsTheGraphAsWritten() {
        List<Tensor> skipping = train(true);
        List<Tensor> asWritten = train(false);
        assertEquals(asWritten.size(), skipping.size());
        for (int i = 0; i < skipping.size(); i++) {
            assertArrayEquals(asWritten.get(i).floats(), skipping.get(i).floats(), "value " + i);
        }
    }

    private static List<Tensor> train(boolean fuse) {
        Mlp m = new Mlp();
        try (Session s = new Session(m.g, SessionOptions.cpuOnly().fuseOps(fuse))) {
            s.run(List.of(), Map.of(), List.of(m.init));
            float first = s.run(List.of(m.loss), m.feeds()).get(0).floats()[0];
            for (int i = 0; i < 5; i++) {
                s.run(List.of(), m.feeds(), List.of(m.train));
            }
            List<Output> fetch = new ArrayList<>(List.of(m.loss));
            fetch.addAll(m.tf.trainableVariables());
            List<Tensor> r = s.run(fetch, m.feeds());
            assertTrue(r.get(0).floats()[0] < first, "the loss falls");
            return r;
        }
    }

    @Test
    void numericsCheckOnlyWaitedForStillFails() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2), "x");
        Output checked = tf.debugging.checkNumerics(tf.log(x), "log of x");
        Output y;
        try (var deps = tf.controlDependencies(List.of(checked.op()))) {
            y = tf.multiply(x, 2.0);
        }
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            Tensor good = Tensor.of(DType.FLOAT32, Shape.of(2), new float[] {1, 2});
            assertArrayEquals(new float[] {2, 4}, s.run(List.of(y), Map.of(x, good)).get(0).floats());
            Tensor bad = Tensor.of(DType.FLOAT32, Shape.of(2), new float[] {-1, 2});
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> s.run(List.of(y), Map.of(x, bad)));
            assertTrue(e.getMessage().contains("log of x"), e.getMessage());
        }
    }

    @Test
    void placeholderBehindAnOpOnlyWaitedForMustStillBeFed() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2), "x");
        Output p = tf.placeholder(DType.FLOAT32, Shape.of(2), "p");
        Output unread = tf.multiply(p, 3.0);
        Output y;
        try (var deps = tf.controlDependencies(List.of(unread.op()))) {
            y = tf.add(x, 1.0);
        }
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            List<String> plan = s.describePlan(List.of(y), Set.of(x), List.of());
            assertTrue(plan.stream().anyMatch(l -> l.startsWith(unread.op().name() + " (Mul, not computed")), plan.toString());
            Tensor v = Tensor.of(DType.FLOAT32, Shape.of(2), new float[] {1, 2});
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> s.run(List.of(y), Map.of(x, v)));
            assertTrue(e.getMessage().contains("p"), e.getMessage());
            assertArrayEquals(new float[] {2, 3}, s.run(List.of(y), Map.of(x, v, p, v)).get(0).floats());
        }
    }

    @Test
    void opOnlyWaitedForInsideAnUntakenBranchLeavesItUntaken() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2), "x");
        Output pred = tf.placeholder(DType.BOOL, Shape.scalar(), "pred");
        Output y = tf.cond(pred, () -> {
            Output inBranch = tf.identity(x);
            Output unread = tf.multiply(inBranch, 2.0);
            try (var deps = tf.controlDependencies(List.of(unread.op()))) {
                return tf.add(inBranch, 10.0);
            }
        }, () -> tf.subtract(x, 10.0));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            Tensor v = Tensor.of(DType.FLOAT32, Shape.of(2), new float[] {1, 2});
            List<String> plan = s.describePlan(List.of(y), Set.of(x, pred), List.of());
            assertTrue(plan.stream().anyMatch(l -> l.contains("(Mul, not computed: only waited for)")), plan.toString());
            assertArrayEquals(new float[] {11, 12},
                    s.run(List.of(y), Map.of(x, v, pred, Tensor.of(true))).get(0).floats());
            assertArrayEquals(new float[] {-9, -8},
                    s.run(List.of(y), Map.of(x, v, pred, Tensor.of(false))).get(0).floats());
        }
    }
}
