package dev.tensorgraph.examples.bench;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * W8 of docs/benchmarks.md: inference of a frozen GraphDef written by another system (Keras' ResNet50 frozen by
 * TensorFlow), timed as the TensorFlow Java peer times it: one run (reported as the first run's time), a warm-up
 * of at least 3 runs and 2 s, then rounds of 5 runs, at each batch size in turn on one session. The input is
 * drawn from {@code new Random(1)} as the peer draws it, with the height, width and channels of the input
 * placeholder's declared shape.
 */
final class FrozenGraphBench {
    static final String ID = "W8";
    static final String TITLE = "frozen graph inference";

    private FrozenGraphBench() {}

    /** What W8 runs: the GraphDef file, the fed and fetched tensors, the batch sizes. */
    record Spec(Path graph, String input, String output, List<Integer> batches) {}

    /** One result per batch size; a missing graph file is a skipped result that says how to name one. */
    static List<BenchResult> run(Spec spec, SessionOptions options, int rounds, boolean quick) {
        if (spec.graph() == null) {
            return List.of(BenchResult.skipped(ID, TITLE, "no graph: --graph FILE.pb (docs/benchmarks.md, W8, says "
                    + "how to write ResNet50's)"));
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(spec.graph());
        } catch (NoSuchFileException e) {
            throw new NotFoundException("W8's graph file " + spec.graph() + " does not exist");
        } catch (IOException e) {
            throw new NotFoundException("cannot read W8's graph file " + spec.graph() + ": " + e.getMessage());
        }
        long importStart = System.nanoTime();
        Graph g = Graph.fromGraphDef(bytes);
        double importMs = (System.nanoTime() - importStart) / 1e6;
        Output x = tensor(g, spec.input(), "--input");
        Output y = tensor(g, spec.output(), "--output");
        long[] dims = x.shape().dims();
        if (dims.length < 2) {
            throw new InvalidArgumentException("W8's input " + spec.input() + " has shape " + x.shape()
                    + "; it needs a batch dimension and known sizes after it");
        }
        List<BenchResult> results = new ArrayList<>();
        try (Session s = new Session(g, options)) {
            for (int batch : spec.batches()) {
                long[] shape = dims.clone();
                shape[0] = batch;
                for (int i = 1; i < shape.length; i++) {
                    if (shape[i] < 0) {
                        throw new InvalidArgumentException("W8's input " + spec.input() + " has shape " + x.shape()
                                + "; every size but the batch must be known");
                    }
                }
                Tensor xv = Workloads.randn(new Random(1), shape);
                Measurement.Step step = () -> s.runner().feed(x, xv).fetch(y).run();
                long a = System.nanoTime();
                step.run();
                double firstMs = (System.nanoTime() - a) / 1e6;
                Measurement.Budget budget = quick ? new Measurement.Budget(1, 0, 1, rounds)
                        : new Measurement.Budget(3, 2.0, 5, rounds);
                Measurement.Samples smp = Measurement.measure(step, budget);
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("batch", batch);
                extra.put("graph", spec.graph().getFileName().toString());
                extra.put("nodes", g.numOperations());
                extra.put("import ms", importMs);
                extra.put("first run ms", firstMs);
                results.add(BenchResult.ok(ID, TITLE + " b" + batch, "ms/run", smp, smp.stats(t -> t * 1e3),
                        Rss.peakKiB(), extra, "peak RSS of the process so far"));
            }
        }
        return results;
    }

    private static Output tensor(Graph g, String name, String option) {
        try {
            return g.output(name);
        } catch (NotFoundException e) {
            throw new NotFoundException(option + ": " + e.getMessage());
        }
    }
}
