package dev.tensorgraph.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job end to end on a committed Fashion-MNIST subset (the first 2048 training and 512 test
 * examples, {@code src/test/resources/fashion-mnist-mini}): two epochs through the {@code train} command
 * as a user runs it, then the saved graph, checkpoint and charts.
 */
class TrainFashionMnistSmokeTest {
    private static final Pattern EPOCH = Pattern.compile(
            "epoch +(\\d+)/2 +train loss ([0-9.]+) acc ([0-9.]+) +test loss ([0-9.]+) acc ([0-9.]+)");

    @Test
    void trainsTwoEpochsAndSavesEverything(@TempDir Path out) throws Exception {
        String stdout = trainTwoEpochs(out);
        assertTrue(stdout.contains("2048 training and 512 test images"), stdout);

        List<double[]> epochs = new ArrayList<>();
        Matcher m = EPOCH.matcher(stdout);
        while (m.find()) {
            assertEquals(epochs.size() + 1, Integer.parseInt(m.group(1)), stdout);
            epochs.add(new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5))});
        }
        assertEquals(2, epochs.size(), "one line per epoch expected:\n" + stdout);
        // Chance is 0.1 and the initial loss ln 10 = 2.30; this subset reaches about 0.77 test accuracy.
        assertTrue(epochs.get(1)[0] < epochs.get(0)[0], "train loss should fall:\n" + stdout);
        assertTrue(epochs.get(1)[2] < 1.2, "test loss after 2 epochs:\n" + stdout);
        assertTrue(epochs.get(1)[3] > 0.65, "test accuracy after 2 epochs:\n" + stdout);

        // The run's own folder, which 'latest' links to; the checkpoint is numbered by the global step:
        // 2 epochs of 2048 / 64 = 32 steps.
        Path run = out.resolve("latest").toRealPath();
        assertTrue(run.getFileName().toString().matches("cnn-\\d{8}-\\d{6}"), run.toString());
        assertTrue(stdout.contains("writing to " + out.resolve(run.getFileName())), stdout);
        for (String name : new String[] {"graph.pb", "model-64.index", "model-64.data-00000-of-00001", "model-64.meta",
                "checkpoint", "training-loss.png", "training-accuracy.png"}) {
            Path p = run.resolve(name);
            assertTrue(Files.isRegularFile(p) && Files.size(p) > 0, name + " missing or empty in " + run);
        }
        assertTrue(Files.readString(run.resolve("checkpoint")).contains("model-64"));
        try (var events = Files.list(run.resolve("logs"))) {
            assertEquals(1, events.count(), "one event file per run");
        }
        byte[] png = Files.readAllBytes(run.resolve("training-loss.png"));
        assertEquals(0x89, png[0] & 0xff);
        assertEquals('P', png[1]);
    }

    /**
     * {@code --resident-data}: the split goes into the session's memory once and each step feeds its example
     * numbers; evaluation feeds the test images in place of the gathered batch. It learns as the fed run does.
     */
    @Test
    void trainsOnResidentData(@TempDir Path out) throws Exception {
        String stdout = trainTwoEpochs(out, "--resident-data");
        assertTrue(stdout.contains("training split resident in the session's memory"), stdout);
        List<double[]> epochs = new ArrayList<>();
        Matcher m = EPOCH.matcher(stdout);
        while (m.find()) {
            epochs.add(new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(5))});
        }
        assertEquals(2, epochs.size(), "one line per epoch expected:\n" + stdout);
        assertTrue(epochs.get(1)[0] < epochs.get(0)[0], "train loss should fall:\n" + stdout);
        assertTrue(epochs.get(1)[1] > 0.65, "test accuracy after 2 epochs:\n" + stdout);
        Path run = out.resolve("latest").toRealPath();
        assertTrue(Files.isRegularFile(run.resolve("model-64.index")), "checkpoint missing in " + run);
        // The model's variables and Adam's are saved, not the resident data.
        java.util.Set<String> saved = dev.tensorgraph.io.CheckpointFiles.entries(run.resolve("model-64")).keySet();
        assertTrue(saved.contains("dense/kernel"), "the model's variables are saved: " + saved);
        assertFalse(saved.stream().anyMatch(n -> n.startsWith("resident_data")), "resident data saved: " + saved);
    }

    /** Runs {@code train} for two epochs on the subset as a user would, and returns what it printed. */
    private static String trainTwoEpochs(Path out, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("train", "--data", miniDataDir().toString(), "--epochs", "2",
                "--batch-size", "64", "--quiet", "--out", out.toString()));
        args.addAll(List.of(options));
        return CommandRuns.run(args.toArray(String[]::new));
    }

    static Path miniDataDir() throws URISyntaxException {
        URL url = TrainFashionMnistSmokeTest.class.getResource("/fashion-mnist-mini/train-images-idx3-ubyte.gz");
        assertTrue(url != null, "test resource fashion-mnist-mini is missing");
        return Path.of(url.toURI()).getParent();
    }
}
