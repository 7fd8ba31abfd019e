package dev.tensorgraph.ops.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * tf.layers.batch_normalization: variables, UPDATE_OPS and the moving-average arithmetic. The input has two
 * channels: {1, 3} (mean 2, biased variance 1, unbiased 2) and {2, 6} (mean 4, biased variance 4, unbiased 8).
 */
class BatchNormalizationTest {
    private static final float EPS = 1e-3f;
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);
    private final TfLayers layers = new TfLayers(tf.graph());

    private final Tensor x4 = Tensor.of(DType.FLOAT32, Shape.of(2, 1, 1, 2), new float[] {1, 2, 3, 6});
    private final Tensor x2 = Tensor.of(DType.FLOAT32, Shape.of(2, 2), new float[] {1, 2, 3, 6});

    private Variable var(String name) {
        for (Variable v : tf.globalVariables()) {
            if (v.opName().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no variable " + name);
    }

    @Test
    void variablesCollectionsAndUpdateOpNames() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 1, 1, 2), "x");
        layers.batchNormalization(x, true);
        layers.batchNormalization(x, true);
        assertEquals(List.of("batch_normalization/gamma", "batch_normalization/beta", "batch_normalization/moving_mean",
                        "batch_normalization/moving_variance", "batch_normalization_1/gamma", "batch_normalization_1/beta",
                        "batch_normalization_1/moving_mean", "batch_normalization_1/moving_variance"),
                tf.globalVariables().stream().map(Variable::opName).toList());
        assertEquals(List.of("batch_normalization/gamma", "batch_normalization/beta", "batch_normalization_1/gamma",
                "batch_normalization_1/beta"), tf.trainableVariables().stream().map(Variable::opName).toList());
        assertEquals(Shape.of(2), var("batch_normalization/moving_mean").shape());
        List<String> updates = g.collection(GraphKeys.UPDATE_OPS, Output.class).stream().map(o -> o.op().name()).toList();
        assertEquals(List.of("batch_normalization/AssignMovingAvg", "batch_normalization/AssignMovingAvg_1",
                "batch_normalization_1/AssignMovingAvg", "batch_normalization_1/AssignMovingAvg_1"), updates);
        assertEquals("AssignSub", g.operation("batch_normalization/AssignMovingAvg").type());
        assertEquals("FusedBatchNormV3", g.operation("batch_normalization/FusedBatchNormV3").type());
    }

    @Test
    void inferenceModeHasNoUpdatesAndUsesMovingStatistics() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 1, 1, 2), "x");
        Output y = layers.batchNormalization(x);
        assertTrue(g.collection(GraphKeys.UPDATE_OPS).isEmpty());
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            s.setVariableValue(var("batch_normalization/moving_mean"), Tensor.of(new float[] {1, 2}));
            s.setVariableValue(var("batch_normalization/moving_variance"), Tensor.of(new float[] {4, 9}));
            float[] r = s.run(y, Map.of(x, x4)).floats();
            float[] want = {
                (float) ((1 - 1) / Math.sqrt(4 + EPS)), (float) ((2 - 2) / Math.sqrt(9 + EPS)),
                (float) ((3 - 1) / Math.sqrt(4 + EPS)), (float) ((6 - 2) / Math.sqrt(9 + EPS))};
            assertArrayEquals(want, r, 1e-5f);
        }
    }

    @Test
    void fusedTrainingUpdatesOnlyThroughControlDependencies() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 1, 1, 2), "x");
        Output y = layers.batchNormalization(x, true);
        Operation plain = tf.group(List.of(y), "plain_train");
        Operation withUpdates;
        try (var deps = tf.controlDependencies(g.collection(GraphKeys.UPDATE_OPS))) {
            withUpdates = tf.group(List.of(y), "train");
        }
        Variable mm = var("batch_normalization/moving_mean");
        Variable mv = var("batch_normalization/moving_variance");
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            // normalised with the batch statistics (biased variance)
            float[] r = s.run(y, Map.of(x, x4)).floats();
            float a = (float) (1 / Math.sqrt(1 + EPS));
            float b = (float) (2 / Math.sqrt(4 + EPS));
            assertArrayEquals(new float[] {-a, -b, a, b}, r, 1e-5f);
            s.run(plain, Map.of(x, x4));
            s.run(plain, Map.of(x, x4));
            assertArrayEquals(new float[] {0, 0}, s.run(mm).floats());
            assertArrayEquals(new float[] {1, 1}, s.run(mv).floats());
            // moving -= (moving - batch) * 0.01; the fused kernel's batch variance is unbiased (2 and 8)
            s.run(withUpdates, Map.of(x, x4));
            assertArrayEquals(new float[] {0.02f, 0.04f}, s.run(mm).floats(), 1e-6f);
            assertArrayEquals(new float[] {1.01f, 1.07f}, s.run(mv).floats(), 1e-6f);
            s.run(withUpdates, Map.of(x, x4));
            assertArrayEquals(new float[] {0.0398f, 0.0796f}, s.run(mm).floats(), 1e-6f);
            assertArrayEquals(new float[] {1.0199f, 1.1393f}, s.run(mv).floats(), 1e-6f);
        }
    }

    @Test
    void composedTrainingOn2dInputsUsesTheBiasedVariance() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 2), "x");
        Output y = layers.batchNormalization(x, true);
        assertTrue(g.operation("batch_normalization/moments/mean") != null);
        Operation train;
        try (var deps = tf.controlDependencies(g.collection(GraphKeys.UPDATE_OPS))) {
            train = tf.group(List.of(y), "train");
        }
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            float a = (float) (1 / Math.sqrt(1 + EPS));
            float b = (float) (2 / Math.sqrt(4 + EPS));
            assertArrayEquals(new float[] {-a, -b, a, b}, s.run(y, Map.of(x, x2)).floats(), 1e-5f);
            s.run(train, Map.of(x, x2));
            assertArrayEquals(new float[] {0.02f, 0.04f}, s.run(var("batch_normalization/moving_mean")).floats(), 1e-6f);
            assertArrayEquals(new float[] {1.0f, 1.03f}, s.run(var("batch_normalization/moving_variance")).floats(),
                    1e-6f);
        }
    }

    @Test
    void boolPlaceholderChoosesTheModeAtRunTime() {
        for (boolean fused : new boolean[] {true, false}) {
            Graph g = new Graph();
            Tf tf = Tf.of(g);
            TfLayers layers = new TfLayers(tf.graph());
            Output training = tf.placeholder(DType.BOOL, Shape.scalar(), "training");
            Output x = tf.placeholder(DType.FLOAT32, fused ? Shape.of(-1, 1, 1, 2) : Shape.of(-1, 2), "x");
            Output y = layers.batchNormalization(x, BatchNormOptions.create().training(training));
            assertEquals(2, g.collection(GraphKeys.UPDATE_OPS).size());
            Operation train;
            try (var deps = tf.controlDependencies(g.collection(GraphKeys.UPDATE_OPS))) {
                train = tf.group(List.of(y), "train");
            }
            Variable mm = tf.globalVariables().get(2);
            Tensor in = fused ? x4 : x2;
            try (Session s = new Session(g, SessionOptions.cpuOnly())) {
                s.run(tf.globalVariablesInitializer());
                // inference: moving statistics (0, 1), and running the updates leaves them unchanged
                float c = (float) (1 / Math.sqrt(1 + EPS));
                assertArrayEquals(new float[] {c, 2 * c, 3 * c, 6 * c},
                        s.run(y, Map.of(x, in, training, Tensor.of(false))).floats(), 1e-5f);
                s.run(train, Map.of(x, in, training, Tensor.of(false)));
                assertArrayEquals(new float[] {0, 0}, s.run(mm).floats(), 0f, "fused=" + fused);
                // training: batch statistics, and the update moves the moving mean by 1% of the gap
                float a = (float) (1 / Math.sqrt(1 + EPS));
                float b = (float) (2 / Math.sqrt(4 + EPS));
                assertArrayEquals(new float[] {-a, -b, a, b},
                        s.run(y, Map.of(x, in, training, Tensor.of(true))).floats(), 1e-5f);
                s.run(train, Map.of(x, in, training, Tensor.of(true)));
                assertArrayEquals(new float[] {0.02f, 0.04f}, s.run(mm).floats(), 1e-6f, "fused=" + fused);
                assertFalse(g.collection(GraphKeys.UPDATE_OPS).isEmpty());
            }
        }
    }
}
