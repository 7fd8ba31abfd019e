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
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void trainsOnTheFashionMnistSubsetThroughTheTrainCommand(@TempDir Path out) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = Main.commandLine().execute("train", "--model", "slim-cnn", "--data",
                    TrainFashionMnistSmokeTest.miniDataDir().toString(), "--epochs", "2", "--quiet", "--out",
                    out.toString());
        } finally {
            System.setOut(original);
        }
        String stdout = captured.toString(StandardCharsets.UTF_8);
        System.out.print(stdout);
        assertEquals(0, exit, stdout);
        Matcher m = Pattern.compile("epoch +2/2 +train loss ([0-9.]+) acc ([0-9.]+) +test loss ([0-9.]+) acc ([0-9.]+)")
                .matcher(stdout);
        assertTrue(m.find(), stdout);
        assertTrue(Double.parseDouble(m.group(4)) > 0.65, "test accuracy after 2 epochs:\n" + stdout);
        assertTrue(out.resolve("latest").toRealPath().getFileName().toString().startsWith("slim-cnn-"), stdout);
    }
}
