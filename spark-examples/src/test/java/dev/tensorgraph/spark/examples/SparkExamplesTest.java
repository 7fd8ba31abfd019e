package dev.tensorgraph.spark.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.examples.FashionMnist;
import dev.tensorgraph.ops.MetaGraph;
import dev.tensorgraph.ops.Saver;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** spark-train then spark-predict on a small Fashion-MNIST-shaped IDX folder, as the README runs them. */
class SparkExamplesTest {
    private static final int TRAIN = 48;
    private static final int TEST = 20;

    @TempDir
    Path dir;

    @Test
    void trainingWritesACheckpointThatSparkPredictScoresAsAPlainSessionDoes() throws Exception {
        Path data = Files.createDirectories(dir.resolve("idx"));
        writeSplit(data, "train", TRAIN, 1);
        writeSplit(data, "t10k", TEST, 2);
        Path run = dir.resolve("run");
        // one session for the test and both commands, which use the one running
        SparkSession spark = SparkSession.builder().master("local[2]").appName("SparkExamplesTest")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            trainAndPredict(spark, data, run);
        } finally {
            spark.stop();
        }
    }

    private void trainAndPredict(SparkSession spark, Path data, Path run) {
        String trained = runCommand(new SparkTrainFashionMnist(), "--data", data.toString(),
                "--out", run.toString(), "--batch-size", "16", "--epochs", "1");
        assertTrue(trained.contains("3 steps (from step 0)"), trained);
        Path prefix = Saver.latestCheckpoint(run);
        assertEquals("model-3", prefix.getFileName().toString());

        Path scored = dir.resolve("scored");
        String predicted = runCommand(new SparkPredict(), "--data", data.toString(),
                "--model", run.toString(), "--batch-size", "8", "--out", scored.toString());
        assertTrue(predicted.contains("pass 1: " + TEST + " rows"), predicted);
        String plain = runCommand(new SparkPredict(), "--plain", "--data", data.toString(), "--model", run.toString());
        assertEquals(accuracyLine(plain), accuracyLine(predicted));

        float[][] expected = plainScores(prefix, FashionMnist.test(data));
        List<Row> rows = spark.read().parquet(scored.toString()).select("id", "scores").collectAsList();
        assertEquals(TEST, rows.size());
        for (Row r : rows) {
            List<Float> got = r.getList(1);
            float[] actual = new float[got.size()];
            for (int k = 0; k < actual.length; k++) {
                actual[k] = got.get(k);
            }
            assertArrayEquals(expected[r.getInt(0)], actual, 1e-5f, "row " + r.getInt(0));
        }
    }

    private static String accuracyLine(String output) {
        return output.lines().filter(l -> l.startsWith("accuracy ")).findFirst().orElse("no accuracy in: " + output);
    }

    /** Runs a command with its standard output captured; fails unless it exits with 0. */
    private static String runCommand(Object command, String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            code = new CommandLine(command).execute(args);
        } finally {
            System.setOut(saved);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        return text;
    }

    private static float[][] plainScores(Path prefix, FashionMnist.Split split) {
        Graph g = MetaGraph.importMetaGraph(Path.of(prefix + ".meta"));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            new Saver(g).restore(s, prefix);
            Tensor scores = s.run(g.output("logits/BiasAdd:0"), Map.of(g.output("images"),
                    Tensor.of(DType.FLOAT32, Shape.of(split.count(), 28, 28, 1), split.images())));
            float[] v = scores.floats();
            float[][] rows = new float[split.count()][10];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(v, i * 10, rows[i], 0, 10);
            }
            return rows;
        }
    }

    /** {@code prefix-images-idx3-ubyte} and {@code prefix-labels-idx1-ubyte} of n random images and labels. */
    private static void writeSplit(Path dir, String prefix, int n, long seed) throws IOException {
        Random r = new Random(seed);
        try (DataOutputStream images = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte")));
             DataOutputStream labels = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte")))) {
            images.writeInt(0x803);
            images.writeInt(n);
            images.writeInt(28);
            images.writeInt(28);
            byte[] pixels = new byte[n * 28 * 28];
            r.nextBytes(pixels);
            images.write(pixels);
            labels.writeInt(0x801);
            labels.writeInt(n);
            for (int i = 0; i < n; i++) {
                labels.writeByte(r.nextInt(10));
            }
        }
    }
}
