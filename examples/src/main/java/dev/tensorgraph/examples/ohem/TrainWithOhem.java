package dev.tensorgraph.examples.ohem;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.examples.FashionMnist;
import dev.tensorgraph.examples.cli.OptionChecks;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.layers.Conv2dOptions;
import dev.tensorgraph.ops.layers.DenseOptions;
import dev.tensorgraph.ops.train.AdamOptimizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Trains a small CNN on a Fashion-MNIST subset with the user-defined {@link OhemSoftmaxLoss}: each step
 * back-propagates only the {@code k} hardest examples of the batch. Prints the OHEM loss, the plain mean
 * cross-entropy and the accuracy of the batches, then the test accuracy.
 */
@Command(name = "train-ohem", mixinStandardHelpOptions = true,
        description = "Train a small CNN on Fashion-MNIST with a custom op: online hard example mining loss.")
public final class TrainWithOhem implements Callable<Integer> {
    @Option(names = "--data", description = "Directory of the IDX files (default ${DEFAULT-VALUE}).")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--limit", description = "Training and test examples used (default ${DEFAULT-VALUE}).")
    int limit = 10000;

    @Option(names = "--epochs", description = "Epochs (default ${DEFAULT-VALUE}).")
    int epochs = 1;

    @Option(names = "--batch-size", description = "Examples per step (default ${DEFAULT-VALUE}).")
    int batchSize = 64;

    @Option(names = {"-k", "--hard-examples"}, description = "Hardest examples per batch that carry the loss (default ${DEFAULT-VALUE}).")
    int k = 32;

    @Option(names = "--learning-rate", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    float learningRate = 1e-3f;

    @Option(names = "--seed", description = "Graph-level random seed (default ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--log-every", description = "Steps between two printed lines (default ${DEFAULT-VALUE}).")
    int logEvery = 20;

    /** The graph's tensors the loop feeds and fetches. */
    record Net(Output images, Output labels, Output logits, Output ohemLoss, Output meanLoss, Output accuracy,
               Operation train) {}

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        OptionChecks.atLeast(spec, "--limit", limit, 1);
        OptionChecks.atLeast(spec, "--epochs", epochs, 1);
        OptionChecks.atLeast(spec, "--batch-size", batchSize, 1);
        OptionChecks.atLeast(spec, "--hard-examples", k, 1);
        OptionChecks.atLeast(spec, "--log-every", logEvery, 1);
        OptionChecks.positive(spec, "--learning-rate", learningRate);
        FashionMnist.Split train = limit(FashionMnist.train(data), limit);
        FashionMnist.Split test = limit(FashionMnist.test(data), limit);
        System.out.printf("Fashion-MNIST from %s: %d training and %d test images; OHEM keeps the %d hardest of %d%n",
                data, train.count(), test.count(), k, batchSize);
        Graph g = new Graph();
        g.setSeed(seed);
        Net net = build(g, k, learningRate);
        Random random = new Random(seed);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(Tf.of(g).globalVariablesInitializer());
            for (int epoch = 1; epoch <= epochs; epoch++) {
                trainEpoch(s, net, train, random, epoch);
                System.out.printf("epoch %d/%d  test accuracy %.4f%n", epoch, epochs, accuracy(s, net, test));
            }
        }
        return 0;
    }

    /** conv 16@3x3 + ReLU, max-pool 2x2, dense 128 + ReLU, dense 10; OHEM loss; Adam. */
    static Net build(Graph g, int k, float learningRate) {
        OhemSoftmaxLoss.register();
        Tf tf = Tf.of(g);
        Output images = tf.placeholder(DType.FLOAT32, Shape.of(-1, FashionMnist.SIDE, FashionMnist.SIDE, 1), "images");
        Output labels = tf.placeholder(DType.INT32, Shape.of(-1), "labels");
        Output h = tf.layers.conv2d(images, 16, new int[] {3, 3},
                Conv2dOptions.create().padding("valid").activation(tf.nn::relu));
        h = tf.layers.maxPooling2d(h, new int[] {2, 2}, new int[] {2, 2});
        h = tf.layers.flatten(h);
        h = tf.layers.dense(h, 128, DenseOptions.create().activation(tf.nn::relu));
        Output logits = tf.layers.dense(h, FashionMnist.CLASSES, DenseOptions.create().name("logits"));
        Output ohem = OhemSoftmaxLoss.ohemSparseSoftmaxCrossEntropy(tf, labels, logits, k, "ohem_loss");
        Output mean = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits(labels, logits), "mean_loss");
        Output accuracy;
        try (var scope = tf.nameScope("accuracy")) {
            Output predicted = tf.argmax(logits, 1, DType.INT32);
            accuracy = tf.reduceMean(tf.cast(tf.equal(predicted, labels), DType.FLOAT32), "accuracy");
        }
        Operation train = new AdamOptimizer(learningRate).minimize(ohem);
        return new Net(images, labels, logits, ohem, mean, accuracy, train);
    }

    private void trainEpoch(Session s, Net net, FashionMnist.Split data, Random random, int epoch) {
        int n = data.count();
        int[] order = shuffled(n, random);
        int steps = (n + batchSize - 1) / batchSize;
        double ohemSum = 0;
        double meanSum = 0;
        double accSum = 0;
        int window = 0;
        for (int step = 0; step < steps; step++) {
            int from = step * batchSize;
            Tensor[] batch = batch(data, order, from, Math.min(batchSize, n - from));
            List<Tensor> r = s.runner().feed(net.images(), batch[0]).feed(net.labels(), batch[1])
                    .fetch(net.ohemLoss()).fetch(net.meanLoss()).fetch(net.accuracy()).target(net.train()).run();
            float ohem = r.get(0).floatValue();
            if (!Float.isFinite(ohem)) {
                throw new InvalidArgumentException("OHEM loss became " + ohem + " at epoch " + epoch + ", step " + step
                        + "; try a smaller --learning-rate");
            }
            ohemSum += ohem;
            meanSum += r.get(1).floatValue();
            accSum += r.get(2).floatValue();
            window++;
            if (window == logEvery || step == steps - 1) {
                System.out.printf("epoch %d step %4d/%d  ohem loss %.4f  mean loss %.4f  acc %.4f%n", epoch, step + 1,
                        steps, ohemSum / window, meanSum / window, accSum / window);
                ohemSum = meanSum = accSum = 0;
                window = 0;
            }
        }
    }

    private static double accuracy(Session s, Net net, FashionMnist.Split data) {
        int n = data.count();
        int[] order = shuffled(n, null);
        double correct = 0;
        for (int from = 0; from < n; from += 1000) {
            int count = Math.min(1000, n - from);
            Tensor[] batch = batch(data, order, from, count);
            correct += s.runner().feed(net.images(), batch[0]).feed(net.labels(), batch[1]).fetch(net.accuracy()).run()
                    .get(0).floatValue() * count;
        }
        return correct / n;
    }

    static FashionMnist.Split limit(FashionMnist.Split s, int limit) {
        if (limit >= s.count()) {
            return s;
        }
        int px = FashionMnist.SIDE * FashionMnist.SIDE;
        return new FashionMnist.Split(java.util.Arrays.copyOf(s.images(), limit * px),
                java.util.Arrays.copyOf(s.labels(), limit), limit);
    }

    /** 0..n-1, shuffled when {@code random} is not null. */
    private static int[] shuffled(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; random != null && i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    static Tensor[] batch(FashionMnist.Split data, int[] order, int from, int count) {
        int px = FashionMnist.SIDE * FashionMnist.SIDE;
        float[] images = new float[count * px];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            int idx = order[from + i];
            System.arraycopy(data.images(), idx * px, images, i * px, px);
            labels[i] = data.labels()[idx];
        }
        return new Tensor[] {
            Tensor.wrap(DType.FLOAT32, Shape.of(count, FashionMnist.SIDE, FashionMnist.SIDE, 1), images),
            Tensor.wrap(DType.INT32, Shape.of(count), labels)
        };
    }
}
