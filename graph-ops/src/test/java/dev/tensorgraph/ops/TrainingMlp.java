package dev.tensorgraph.ops;

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
import dev.tensorgraph.ops.train.GradientDescentOptimizer;
import dev.tensorgraph.ops.train.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A 784-96-48-10 MLP trained with SGD, its layers written out as MatMul, BiasAdd and Relu, for tests of the CPU
 * plan passes that fuse dense layers' steps: a few training steps with the passes and without must give the same
 * weights.
 */
final class TrainingMlp {
    final Graph g = new Graph();
    final Tf tf = Tf.of(g);
    final Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 784), "x");
    final Output labels = tf.placeholder(DType.FLOAT32, Shape.of(-1, 10), "labels");
    final List<Output> weights = new ArrayList<>();
    final Output loss;
    final Operation train;
    final Operation init;

    TrainingMlp(long seed, double learningRate, Optimizer.GateGradients gate) {
        g.setSeed(seed);
        int[] dims = {784, 96, 48, 10};
        Output h = x;
        for (int l = 0; l < 3; l++) {
            Output w = tf.variable(tf.multiply(tf.random.normal(Shape.of(dims[l], dims[l + 1])), 0.05), "w" + l);
            Output b = tf.variable(tf.multiply(tf.random.normal(Shape.of(dims[l + 1])), 0.1), "b" + l);
            weights.add(w);
            weights.add(b);
            h = tf.nn.biasAdd(tf.matmul(h, w), b);
            if (l < 2) {
                h = tf.nn.relu(h);
            }
        }
        loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits(labels, h));
        train = new GradientDescentOptimizer(learningRate).minimize(loss, null, null, gate, null);
        init = tf.globalVariablesInitializer();
    }

    /**
     * Trains {@code steps} steps of a batch of 64 with the fusing passes and without, checking that the plan with
     * them has {@code fusedSteps} steps whose description contains {@code fused} and that the loss went down, and
     * that the weights of the two agree within {@code 1e-5} relative.
     */
    void checkFusedTrainingMatchesTheGraphAsWritten(String fused, int fusedSteps, int steps) {
        Tensor xv = NnTestSupport.randomFloats(21, 64, 784);
        float[] onehot = new float[64 * 10];
        for (int i = 0; i < 64; i++) {
            onehot[i * 10 + i % 10] = 1f;
        }
        Map<Output, Tensor> feeds = Map.of(x, xv, labels, Tensor.of(DType.FLOAT32, Shape.of(64, 10), onehot));
        List<List<Tensor>> results = new ArrayList<>();
        for (boolean fuse : new boolean[] {true, false}) {
            try (Session s = new Session(g, SessionOptions.cpuOnly().fuseOps(fuse).intraOpThreads(2))) {
                s.run(init);
                List<String> p = s.describePlan(List.of(), feeds.keySet(), List.of(train));
                assertEquals(fuse ? fusedSteps : 0, p.stream().filter(l -> l.contains(fused)).count(),
                        String.join("\n", p));
                float before = s.run(List.of(loss), feeds).get(0).floatValue();
                for (int step = 0; step < steps; step++) {
                    s.run(List.of(), feeds, List.of(train));
                }
                float after = s.run(List.of(loss), feeds).get(0).floatValue();
                assertTrue(after < before, "the loss went down: " + before + " -> " + after);
                List<Tensor> values = new ArrayList<>();
                for (Tensor t : s.run(weights, Map.of())) {
                    values.add(t.copy());
                }
                results.add(values);
            }
        }
        // Fused, a weight update also adds the product straight into the variable, which rounds once less.
        for (int i = 0; i < weights.size(); i++) {
            float[] want = results.get(1).get(i).floats();
            float[] got = results.get(0).get(i).floats();
            for (int j = 0; j < want.length; j++) {
                assertEquals(want[j], got[j], 1e-5 * (1 + Math.abs(want[j])), weights.get(i).name() + " [" + j + "]");
            }
        }
    }
}
