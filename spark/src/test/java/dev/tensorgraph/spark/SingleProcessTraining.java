package dev.tensorgraph.spark;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.train.Optimizer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The reference: the test CNN trained in one session on global batches {@code [k * b, (k + 1) * b)}. */
final class SingleProcessTraining {
    private SingleProcessTraining() {}

    /** The trainable variables by op name after {@code steps} steps. */
    static Map<String, float[]> train(Supplier<Optimizer> optimizer, float[][] images, int[] labels, int batch,
                                      int steps) {
        return train(optimizer, images, labels, batch, steps, SessionOptions.cpuOnly());
    }

    /** The same on the device {@code options} choose (a GPU: the single-GPU reference). */
    static Map<String, float[]> train(Supplier<Optimizer> optimizer, float[][] images, int[] labels, int batch,
                                      int steps, SessionOptions options) {
        Graph g = TestCnn.buildWithLoss();
        Operation train = optimizer.get().minimize(g.output(TestCnn.LOSS));
        int n = images.length;
        int perEpoch = (n + batch - 1) / batch;
        try (Session s = new Session(g, options)) {
            s.run(Tf.of(g).globalVariablesInitializer());
            for (int step = 0; step < steps; step++) {
                int from = (step % perEpoch) * batch;
                int to = Math.min(from + batch, n);
                float[] x = new float[(to - from) * TestCnn.PIXELS];
                for (int i = from; i < to; i++) {
                    System.arraycopy(images[i], 0, x, (i - from) * TestCnn.PIXELS, TestCnn.PIXELS);
                }
                int[] y = java.util.Arrays.copyOfRange(labels, from, to);
                s.runner().feed(g.output(TestCnn.INPUT),
                                Tensor.of(DType.FLOAT32, Shape.of(to - from, TestCnn.SIDE, TestCnn.SIDE, 1), x))
                        .feed(g.output(TestCnn.LABELS), Tensor.of(DType.INT32, Shape.of(to - from), y))
                        .target(train).run();
            }
            Map<String, float[]> values = new LinkedHashMap<>();
            for (Variable v : g.collection(GraphKeys.TRAINABLE_VARIABLES, Variable.class)) {
                values.put(v.opName(), s.variableValue(v).floats());
            }
            return values;
        }
    }
}
