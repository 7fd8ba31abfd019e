package dev.tensorgraph.spark.examples;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.examples.CnnModel;
import dev.tensorgraph.examples.FashionMnist;
import dev.tensorgraph.examples.cli.CliErrors;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.train.AdamOptimizer;
import dev.tensorgraph.spark.DistributedTrainer;
import dev.tensorgraph.spark.TrainingResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job's CNN (conv 16@3x3 + ReLU, max-pool 2x2, dense 128 + ReLU, dense 10; Adam) trained on Fashion-MNIST
 * with {@link DistributedTrainer}: each step's global batch is split over the workers, their gradients summed by
 * Spark and applied once on the driver, which writes the checkpoints ({@code model-N.meta}, {@code .index},
 * {@code .data}) that {@code spark-predict --model DIR} reads. Run with spark-submit:
 *
 * <pre>{@code
 * spark-submit --master local[2] --class dev.tensorgraph.spark.examples.SparkTrainFashionMnist \
 *     spark-examples/target/tensorgraph-spark.jar --epochs 1 --out runs/spark-fashion-mnist
 * }</pre>
 */
@Command(name = "spark-train", mixinStandardHelpOptions = true,
        description = "Train the Fashion-MNIST CNN data-parallel on Spark; checkpoints go to --out.")
public final class SparkTrainFashionMnist implements Callable<Integer> {
    @Option(names = "--master", description = "Spark master; default: spark-submit's, else local[2].")
    String master;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX folder (default: ${DEFAULT-VALUE}).")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/spark-fashion-mnist",
            description = "Checkpoint folder; a run resumes from its newest checkpoint (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--epochs", defaultValue = "1", description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Global batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.001", description = "Adam's rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--workers", defaultValue = "0", description = "Shards of each batch (default: Spark's parallelism).")
    int workers;

    // read by CliErrors from the parse result, as every command of the tool accepts it
    @Option(names = CliErrors.STACKTRACE_OPTION, description = "On an error, print its stack trace too.")
    boolean stackTrace;

    @Option(names = "--limit", defaultValue = "0", description = "Train on the first N images only.")
    int limit;

    @Override
    public Integer call() {
        try (SparkSessions session = SparkSessions.start("tensorgraph spark-train", master)) {
            SparkSession spark = session.spark();
            int parts = spark.sparkContext().defaultParallelism();
            var train = FashionMnistFrame.of(spark, FashionMnist.train(data), limit, parts);
            long start = System.nanoTime();
            DistributedTrainer trainer = new DistributedTrainer()
                    .feed(FashionMnistFrame.PIXELS, "images").feed(FashionMnistFrame.LABEL, "labels")
                    .checkpointDir(out);
            if (workers > 0) {
                trainer.workers(workers);
            }
            TrainingResult r = trainer.fit(train, graph(), "sparse_softmax_cross_entropy_loss/value:0", new AdamOptimizer(learningRate),
                            batchSize, epochs);
            double seconds = (System.nanoTime() - start) / 1e9;
            List<Double> losses = r.losses();
            System.out.printf(Locale.ROOT, "%d steps (from step %d) in %.1f s; loss %.4f at the first, %.4f at the last%n",
                    losses.size(), r.firstStep(), seconds, losses.isEmpty() ? Double.NaN : losses.get(0),
                    losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1));
            System.out.println("checkpoint " + r.lastCheckpoint());
            return 0;
        }
    }

    /** The main job's CNN with its loss and no optimizer: the trainer adds the backward pass. */
    static Graph graph() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output images = tf.placeholder(DType.FLOAT32, Shape.of(-1, FashionMnist.SIDE, FashionMnist.SIDE, 1), "images");
        Output labels = tf.placeholder(DType.INT32, Shape.of(-1), "labels");
        Output training = tf.placeholderWithDefault(tf.constant(false), Shape.scalar(), "training");
        tf.losses.sparseSoftmaxCrossEntropy(labels, CnnModel.logits(tf, images, training, false, FashionMnist.CLASSES));
        return g;
    }

    public static void main(String[] args) {
        System.exit(CliErrors.install(new CommandLine(new SparkTrainFashionMnist())).execute(args));
    }
}
