package dev.tensorgraph.examples.bench;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.savedmodel.SavedModel;
import dev.tensorgraph.ops.savedmodel.SavedModelBuilder;
import dev.tensorgraph.ops.savedmodel.Signature;
import dev.tensorgraph.ops.savedmodel.Signatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * S1: loading a SavedModel and its first signature call, the latency a server sees when it starts. The model is
 * the reference CNN of the saved-model reference cases (image [?, 16, 16, 3] -> conv 8 3x3 relu -> max-pool 2 ->
 * conv 8 3x3 relu -> global average pool -> dense 4 softmax; output key output_0), written here with
 * {@link SavedModelBuilder} unless {@code --saved-model DIR} names one. Each round loads the model, calls
 * serving_default once on a batch of 2 and closes it; the figure is load + first call, with both parts and
 * the first (cold, class loading included) round of this JVM in the extra fields.
 */
final class SavedModelBench {
    static final String TITLE = "SavedModel load + first call (CNN 16x16x3, batch 2)";

    private SavedModelBench() {}

    static BenchResult s1(Path dir, int rounds, boolean quick, SessionOptions options) {
        Path model = dir != null ? dir : writeReferenceCnn();
        Tensor image = randn(new Random(23), 2 * 16 * 16 * 3, Shape.of(2, 16, 16, 3));
        int n = quick ? 2 : Math.max(rounds, 5);
        double[] load = new double[n + 1];
        double[] call = new double[n + 1];
        String input = null;
        for (int r = 0; r <= n; r++) {
            long t0 = System.nanoTime();
            try (SavedModel m = SavedModel.load(model, options, SavedModel.SERVE)) {
                long t1 = System.nanoTime();
                Signature sig = m.signature("serving_default");
                input = input != null ? input : sig.inputs().keySet().iterator().next();
                sig.call(Map.of(input, image));
                long t2 = System.nanoTime();
                load[r] = (t1 - t0) / 1e6;
                call[r] = (t2 - t1) / 1e6;
            }
        }
        double[] total = new double[n];
        double[] loads = new double[n];
        double[] calls = new double[n];
        for (int r = 0; r < n; r++) {
            loads[r] = load[r + 1];
            calls[r] = call[r + 1];
            total[r] = loads[r] + calls[r];
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("cold_load_ms", load[0]);
        extra.put("cold_first_call_ms", call[0]);
        extra.put("load_ms_median", Measurement.Stats.of(loads).median());
        extra.put("first_call_ms_median", Measurement.Stats.of(calls).median());
        var samples = new Measurement.Samples(total, 1, (load[0] + call[0]) / 1e3, 1);
        return BenchResult.ok("S1", TITLE, "ms", samples, Measurement.Stats.of(total), -1, extra,
                "rounds after the first (cold) one; load " + fmt(Measurement.Stats.of(loads).median())
                        + " ms + first call " + fmt(Measurement.Stats.of(calls).median()) + " ms; cold " + fmt(load[0])
                        + " + " + fmt(call[0]) + " ms");
    }

    private static String fmt(double ms) {
        return String.format(java.util.Locale.ROOT, "%.1f", ms);
    }

    private static Tensor randn(Random r, int n, Shape shape) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(DType.FLOAT32, shape, v);
    }

    /** The reference CNN with seeded weights, saved into a temporary directory removed when the JVM exits. */
    private static Path writeReferenceCnn() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Random r = new Random(21);
        Output image = tf.placeholder(DType.FLOAT32, Shape.of(-1, 16, 16, 3), "image");
        Variable k1 = tf.variable(tf.constant(randn(r, 3 * 3 * 3 * 8, Shape.of(3, 3, 3, 8))), true, "conv1/kernel", true);
        Variable b1 = tf.variable(tf.constant(randn(r, 8, Shape.of(8))), true, "conv1/bias", true);
        Variable k2 = tf.variable(tf.constant(randn(r, 3 * 3 * 8 * 8, Shape.of(3, 3, 8, 8))), true, "conv2/kernel", true);
        Variable b2 = tf.variable(tf.constant(randn(r, 8, Shape.of(8))), true, "conv2/bias", true);
        Variable w = tf.variable(tf.constant(randn(r, 8 * 4, Shape.of(8, 4))), true, "dense/kernel", true);
        Variable b = tf.variable(tf.constant(randn(r, 4, Shape.of(4))), true, "dense/bias", true);
        Output h = tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(image, k1, new int[] {1, 1, 1, 1}, "VALID"), b1));
        h = tf.nn.maxPool(h, new int[] {1, 2, 2, 1}, new int[] {1, 2, 2, 1}, "VALID");
        h = tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(h, k2, new int[] {1, 1, 1, 1}, "VALID"), b2));
        h = tf.reduceMean(h, new int[] {1, 2});
        Output probs = tf.identity(tf.nn.softmax(tf.add(tf.matmul(h, w), b)), "output_0");
        try {
            Path dir = Files.createTempDirectory("tg-bench-saved-model");
            Path model = dir.resolve("cnn");
            try (Session s = new Session(g)) {
                s.run(tf.globalVariablesInitializer());
                SavedModelBuilder.create(model).addMetaGraphAndVariables(s, Set.of(SavedModel.SERVE), Map.of(
                        "serving_default", Signatures.predict(Map.of("image", image), Map.of("output_0", probs))))
                        .save();
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
