package dev.tensorgraph.examples.bench;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * W10 and W11 of docs/benchmarks.md: inference of Keras' ResNet50 and MobileNetV2 (224x224x3, 1000 classes) from
 * GraphDefs written by TensorFlow 2.21 whose weights are variables with seeded random initializers
 * ({@code tf-interop/python/keras_app_graphs.py}; the files are resources of this package, under 1 MB each). Each
 * batch size gets a session of its own, so its peak GPU memory is its own: the init op runs once, then
 * {@code Identity:0} (the softmax) is fetched per run, with random input fed every run or, with
 * {@code --resident-input}, kept in a variable on the device ({@link ResidentInput}).
 */
final class KerasAppBench {
    /** The graphs' fed tensor, fetched tensor and init op. */
    static final String INPUT = "x";
    static final String OUTPUT = "Identity:0";
    static final String INIT = "init";
    static final int SIDE = 224;
    static final int DEFAULT_BATCH = 32;

    /** The two models: bench id, resource name, title. */
    enum App {
        RESNET50("W10", "keras_resnet50.pb", "Keras ResNet50 inference (variables)"),
        MOBILENET_V2("W11", "keras_mobilenet_v2.pb", "Keras MobileNetV2 inference (variables)");

        final String id;
        final String resource;
        final String title;

        App(String id, String resource, String title) {
            this.id = id;
            this.resource = resource;
            this.title = title;
        }

        static App of(String id) {
            for (App a : values()) {
                if (a.id.equals(id)) {
                    return a;
                }
            }
            throw new IllegalArgumentException(id);
        }

        /** The GraphDef's bytes, from this package's resources. */
        byte[] graphDef() {
            try (InputStream in = KerasAppBench.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new NotFoundException(id + "'s graph " + resource + " is not on the class path");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new NotFoundException("cannot read " + id + "'s graph " + resource + ": " + e.getMessage());
            }
        }
    }

    private KerasAppBench() {}

    /** The ids this class runs. */
    static boolean runs(String id) {
        for (App a : App.values()) {
            if (a.id.equals(id)) {
                return true;
            }
        }
        return false;
    }

    /** One result per batch size (default {@value #DEFAULT_BATCH}). */
    static List<BenchResult> run(String id, SessionOptions options, List<Integer> batches, boolean resident,
            int rounds, boolean quick) {
        App app = App.of(id);
        byte[] plain = app.graphDef();
        List<BenchResult> results = new ArrayList<>();
        for (int batch : batches != null ? batches : List.of(DEFAULT_BATCH)) {
            results.add(one(app, plain, options, batch, resident, rounds, quick));
        }
        return results;
    }

    private static BenchResult one(App app, byte[] plain, SessionOptions options, int batch, boolean resident,
            int rounds, boolean quick) {
        long[] shape = {batch, SIDE, SIDE, 3};
        Tensor images = Workloads.randn(new Random(10), shape);
        Graph g = Graph.fromGraphDef(resident ? ResidentInput.rewrite(plain, INPUT, shape) : plain);
        Output x = g.output(INPUT + ":0");
        Output y = g.output(OUTPUT);
        try (Session s = new Session(g, options)) {
            long a = System.nanoTime();
            s.run(g.operation(INIT));
            if (resident) {
                s.run(g.operation(ResidentInput.ASSIGN), Map.of(g.output(ResidentInput.SOURCE + ":0"), images));
            }
            double initMs = (System.nanoTime() - a) / 1e6;
            Measurement.Step step = resident ? () -> s.runner().fetch(y).run()
                    : () -> s.runner().feed(x, images).fetch(y).run();
            a = System.nanoTime();
            step.run();
            double firstMs = (System.nanoTime() - a) / 1e6;
            Measurement.Budget budget = quick ? new Measurement.Budget(1, 0, 1, rounds)
                    : new Measurement.Budget(20, 2.0, 10, rounds);
            Measurement.Samples smp = Measurement.measure(step, budget);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("batch", batch);
            extra.put("input", resident ? "resident on the device" : "fed every run");
            extra.put("images/s", batch / smp.stats(t -> t).median());
            DeviceFigures.add(s, options, extra);
            extra.put("init ms", initMs);
            extra.put("first run ms", firstMs);
            return BenchResult.ok(app.id, app.title + " b" + batch, "ms/run", smp, smp.stats(t -> t * 1e3),
                    s.device() == null ? Rss.peakKiB() : -1, extra,
                    s.device() == null ? "peak RSS of the process so far" : null);
        }
    }
}
