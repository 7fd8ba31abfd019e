package dev.tensorgraph.spark.examples;

import dev.tensorgraph.examples.FashionMnist;
import dev.tensorgraph.examples.cli.CliErrors;
import dev.tensorgraph.spark.TensorgraphModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tensorgraph spark-predict --model runs/fashion-mnist/latest}: batch inference with a
 * {@link TensorgraphModel} over a DataFrame, the Fashion-MNIST test set unless {@code --input} names a table
 * Spark reads (Parquet, JSON, ...). Prints rows/s and, when the rows have labels and the fetch gives one score per
 * class, the accuracy; {@code --out} writes the scored rows as Parquet. {@code --plain} runs the same batches in a
 * loop over one session in this JVM, without Spark, for comparison.
 */
@Command(name = "spark-predict", mixinStandardHelpOptions = true,
        description = "Batch inference on Spark: score a DataFrame with a saved model (one session per executor JVM).")
public final class SparkPredict implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "A .meta with its checkpoint beside it, a training run's folder, or a GraphDef .pb/.pbtxt.")
    Path model;

    @Option(names = "--checkpoint", paramLabel = "PREFIX", description = "Restore from this checkpoint instead.")
    Path checkpoint;

    @Option(names = "--master", description = "Spark master; default: spark-submit's, else local[2].")
    String master;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX folder (default: ${DEFAULT-VALUE}).")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--input", paramLabel = "PATH", description = "Score this table instead of Fashion-MNIST's test set.")
    String input;

    @Option(names = "--input-format", defaultValue = "parquet", description = "Its format (default: ${DEFAULT-VALUE}).")
    String inputFormat;

    @Option(names = "--input-col", defaultValue = FashionMnistFrame.PIXELS,
            description = "The column fed to --feed (default: ${DEFAULT-VALUE}).")
    String inputCol;

    @Option(names = "--feed", defaultValue = "images", description = "The model's input (default: ${DEFAULT-VALUE}).")
    String feed;

    @Option(names = "--fetch", defaultValue = "logits/BiasAdd:0",
            description = "The model's output (default: ${DEFAULT-VALUE}).")
    String fetch;

    @Option(names = "--output-col", defaultValue = "scores", description = "Its column (default: ${DEFAULT-VALUE}).")
    String outputCol;

    @Option(names = "--batch-size", defaultValue = "256", description = "Rows per session run (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--partitions", defaultValue = "0",
            description = "Partitions of the Fashion-MNIST frame (default: Spark's default parallelism).")
    int partitions;

    @Option(names = "--limit", defaultValue = "0", description = "Score only the first N Fashion-MNIST images.")
    int limit;

    @Option(names = "--repeat", defaultValue = "1", description = "Score it N times, timing each pass.")
    int repeat;

    @Option(names = "--out", paramLabel = "DIR", description = "Write the scored rows here as Parquet.")
    String out;

    // read by CliErrors from the parse result, as every command of the tool accepts it
    @Option(names = CliErrors.STACKTRACE_OPTION, description = "On an error, print its stack trace too.")
    boolean stackTrace;

    @Option(names = "--plain", description = "No Spark: the same batches in a loop over one session in this JVM.")
    boolean plain;

    @Override
    public Integer call() {
        if (plain) {
            PlainLoopInference.run(model, checkpoint, FashionMnist.test(data), limit, feed, fetch, batchSize, repeat);
            return 0;
        }
        try (SparkSessions session = SparkSessions.start("tensorgraph spark-predict", master)) {
            SparkSession spark = session.spark();
            int parts = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
            Dataset<Row> rows = input != null ? spark.read().format(inputFormat).load(input)
                    : FashionMnistFrame.of(spark, FashionMnist.test(data), limit, parts);
            rows = rows.cache();
            long count = rows.count();
            TensorgraphModel scorer = new TensorgraphModel().setModelPath(model.toString())
                    .setInputCols(inputCol).setFeeds(feed).setFetches(fetch).setOutputCols(outputCol)
                    .setBatchSize(batchSize);
            if (checkpoint != null) {
                scorer.setCheckpoint(checkpoint.toString());
            }
            Dataset<Row> scored = scorer.transform(rows);
            // the scores (and labels) come back to the driver, not the inputs: the plain loop does not copy them either
            Dataset<Row> collected = scored.schema().getFieldIndex(FashionMnistFrame.LABEL).isDefined()
                    ? scored.select(FashionMnistFrame.LABEL, outputCol) : scored.select(outputCol);
            for (int pass = 0; pass < repeat; pass++) {
                long start = System.nanoTime();
                List<Row> results = collected.collectAsList();
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "pass %d: %d rows in %.2f s, %.0f rows/s (%s, batch %d)%n", pass + 1,
                        count, seconds, count / seconds, spark.sparkContext().master(), batchSize);
                if (pass == 0 && collected.schema().getFieldIndex(FashionMnistFrame.LABEL).isDefined()) {
                    reportAccuracy(results, 0, 1);
                }
            }
            if (out != null) {
                scored.write().mode("overwrite").parquet(out);
                System.out.println("wrote " + out);
            }
            return 0;
        }
    }

    /** The share of rows whose highest score is at their label, when the scores are one per class. */
    private static void reportAccuracy(List<Row> rows, int labelIndex, int scoreIndex) {
        int correct = 0;
        for (Row r : rows) {
            Object scores = r.get(scoreIndex);
            if (!(scores instanceof scala.collection.Seq<?>) && !(scores instanceof List<?>)) {
                return;
            }
            List<Float> values = r.getList(scoreIndex);
            int best = 0;
            for (int k = 1; k < values.size(); k++) {
                if (values.get(k) > values.get(best)) {
                    best = k;
                }
            }
            if (best == ((Number) r.get(labelIndex)).intValue()) {
                correct++;
            }
        }
        System.out.printf(Locale.ROOT, "accuracy %.4f over %d rows%n", correct / (double) rows.size(), rows.size());
    }

    public static void main(String[] args) {
        System.exit(CliErrors.install(new CommandLine(new SparkPredict())).execute(args));
    }
}
