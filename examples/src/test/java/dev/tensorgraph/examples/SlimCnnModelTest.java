package dev.tensorgraph.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The main job's CNN written with TF-Slim: TF-Slim's names, batch-norm updates with the train op, and learning. */
class SlimCnnModelTest {
    @Test
    void variablesAndLossesHaveTfSlimsNames() {
        Graph g = new Graph();
        SlimCnnModel.build(g, 1e-3f, true, 28, 28, 1, 10);
        assertEquals(List.of("conv1/weights", "conv1/BatchNorm/beta", "conv1/BatchNorm/moving_mean",
                "conv1/BatchNorm/moving_variance", "fc1/weights", "fc1/biases", "logits/weights", "logits/biases"),
                g.collection(GraphKeys.MODEL_VARIABLES, Variable.class).stream().map(Variable::opName).toList());
        assertEquals(List.of("conv1/kernel/Regularizer/l2_regularizer:0", "fc1/kernel/Regularizer/l2_regularizer:0",
                "logits/kernel/Regularizer/l2_regularizer:0"), Tf.of(g).losses.getRegularizationLosses().stream()
                .map(Output::name).toList());
        assertEquals(List.of("conv1/BatchNorm/AssignMovingAvg", "conv1/BatchNorm/AssignMovingAvg_1"),
                g.collection(GraphKeys.UPDATE_OPS, Output.class).stream().map(o -> o.op().name()).toList());
    }

    @Test
    void theTrainOpUpdatesTheMovingAveragesOnlyWhenTraining() {
        Graph g = new Graph();
        g.setSeed(3L);
        Model m = SlimCnnModel.build(g, 1e-3f, true, 6, 6, 1, 3);
        Tf tf = Tf.of(g);
        Variable mean = g.collection(GraphKeys.MODEL_VARIABLES, Variable.class).get(2);
        float[] px = new float[2 * 36];
        for (int i = 0; i < px.length; i++) {
            px[i] = (i % 7) / 7f;
        }
        Tensor images = Tensor.of(DType.FLOAT32, Shape.of(2, 6, 6, 1), px);
        Tensor labels = Tensor.of(DType.INT32, Shape.of(2), new int[] {0, 2});
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            s.runner().feed(m.images(), images).feed(m.labels(), labels).target(m.trainOp()).run();
            float[] unchanged = s.run(mean).floats();
            assertEquals(0f, unchanged[0] * unchanged[0] + unchanged[5] * unchanged[5], 0f);
            s.runner().feed(m.images(), images).feed(m.labels(), labels).feed(m.training(), Tensor.of(true))
                    .target(m.trainOp()).run();
            float[] moved = s.run(mean).floats();
            double sum = 0;
            for (float v : moved) {
                sum += Math.abs(v);
            }
            assertTrue(sum > 0, "moving_mean should move in training");
        }
    }

    @Test
    void learnsTheFashionMnistSubset() throws Exception {
        FashionMnist.Split train = FashionMnist.train(TrainFashionMnistSmokeTest.miniDataDir());
        FashionMnist.Split test = FashionMnist.test(TrainFashionMnistSmokeTest.miniDataDir());
        Graph g = new Graph();
        g.setSeed(1L);
        Model m = SlimCnnModel.build(g, 1e-3f, true, 28, 28, 1, 10);
        int px = 28 * 28;
        int batch = 64;
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(Tf.of(g).globalVariablesInitializer());
            for (int epoch = 0; epoch < 2; epoch++) {
                for (int start = 0; start + batch <= train.count(); start += batch) {
                    Tensor images = Tensor.of(DType.FLOAT32, Shape.of(batch, 28, 28, 1),
                            java.util.Arrays.copyOfRange(train.images(), start * px, (start + batch) * px));
                    Tensor labels = Tensor.of(DType.INT32, Shape.of(batch),
                            java.util.Arrays.copyOfRange(train.labels(), start, start + batch));
                    s.runner().feed(m.images(), images).feed(m.labels(), labels).feed(m.training(), Tensor.of(true))
                            .target(m.trainOp()).run();
                }
            }
            Tensor images = Tensor.of(DType.FLOAT32, Shape.of(test.count(), 28, 28, 1), test.images());
            Tensor labels = Tensor.of(DType.INT32, Shape.of(test.count()), test.labels());
            float accuracy = s.runner().feed(m.images(), images).feed(m.labels(), labels).fetch(m.accuracy()).run()
                    .get(0).floatValue();
            // The plain CNN of the main job reaches about 0.77 on this subset in 2 epochs; chance is 0.1.
            assertTrue(accuracy > 0.65, "test accuracy after 2 epochs: " + accuracy);
        }
    }
}
