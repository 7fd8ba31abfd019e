package dev.tensorgraph.spark.examples;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.examples.FashionMnist;
import dev.tensorgraph.ops.MetaGraph;
import dev.tensorgraph.ops.Saver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * The baseline of {@code spark-predict --plain}: a MetaGraph restored into one session in this JVM, run over the
 * images in batches in a plain loop, as an application without Spark would.
 */
final class PlainLoopInference {
    private PlainLoopInference() {}

    static void run(Path model, Path checkpoint, FashionMnist.Split split, int limit, String feed, String fetch,
                    int batchSize, int repeat) {
        Path prefix = checkpoint != null ? checkpoint
                : Files.isDirectory(model) ? Saver.latestCheckpoint(model)
                : Path.of(model.toString().replaceFirst("\\.meta$", ""));
        if (prefix == null || !Files.isRegularFile(Path.of(prefix + ".meta"))) {
            throw new NotFoundException("--plain needs a MetaGraph with its checkpoint: none found for "
                    + ErrorText.quote(model));
        }
        Graph g = MetaGraph.importMetaGraph(Path.of(prefix + ".meta"));
        int n = limit > 0 ? Math.min(limit, split.count()) : split.count();
        int pixels = FashionMnist.SIDE * FashionMnist.SIDE;
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            new Saver(g).restore(s, prefix);
            Output in = g.output(feed);
            Output outTensor = g.output(fetch);
            for (int pass = 0; pass < repeat; pass++) {
                long start = System.nanoTime();
                int correct = 0;
                for (int from = 0; from < n; from += batchSize) {
                    int rows = Math.min(batchSize, n - from);
                    float[] batch = Arrays.copyOfRange(split.images(), from * pixels, (from + rows) * pixels);
                    Tensor scores = s.run(outTensor, Map.of(in, Tensor.of(DType.FLOAT32,
                            Shape.of(rows, FashionMnist.SIDE, FashionMnist.SIDE, 1), batch)));
                    correct += correctOf(scores.floats(), rows, split.labels(), from);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "pass %d: %d rows in %.2f s, %.0f rows/s (plain loop, batch %d)%n",
                        pass + 1, n, seconds, n / seconds, batchSize);
                if (pass == 0) {
                    System.out.printf(Locale.ROOT, "accuracy %.4f over %d rows%n", correct / (double) n, n);
                }
            }
        }
    }

    private static int correctOf(float[] scores, int rows, int[] labels, int from) {
        int classes = scores.length / rows;
        int correct = 0;
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int k = 1; k < classes; k++) {
                if (scores[r * classes + k] > scores[r * classes + best]) {
                    best = k;
                }
            }
            if (best == labels[from + r]) {
                correct++;
            }
        }
        return correct;
    }
}
