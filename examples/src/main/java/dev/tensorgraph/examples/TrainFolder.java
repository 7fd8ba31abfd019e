package dev.tensorgraph.examples;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.data.Dataset;
import dev.tensorgraph.data.DatasetIterator;
import dev.tensorgraph.data.ImageFolder;
import dev.tensorgraph.data.Images;
import dev.tensorgraph.data.Transform;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.Saver;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.train.GlobalStep;
import dev.tensorgraph.ops.train.LearningRates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tensorgraph train-folder}: trains an image classifier from a folder of images by class, end to end
 * through the input pipeline: decode, resize, random crop and flip, normalize, shuffle, batch and prefetch on
 * background threads; SGD with momentum 0.9 on a step schedule; a checkpoint per epoch ({@code --resume} goes on
 * from the last one); a progress bar; loss and accuracy charts.
 */
@Command(name = "train-folder", mixinStandardHelpOptions = true,
        description = "Train AlexNet or a small CNN from a folder of images by class (DIR/train/CLASS/*.jpg; "
                + "DIR/test/ is evaluated after each epoch if present).")
public final class TrainFolder implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "Folder with train/ (and test/) sub-folders of classes, "
            + "or itself a folder of classes.")
    Path data;

    @Option(names = "--model", description = "alexnet or small (default ${DEFAULT-VALUE}).")
    String model = "small";

    @Option(names = "--image-size", description = "Side of the network's input (default 224 for alexnet, 28 for small).")
    Integer imageSize;

    @Option(names = "--channels", description = "1 (gray) or 3 (RGB) (default ${DEFAULT-VALUE}).")
    int channels = 3;

    @Option(names = "--epochs", description = "Epochs in all, counting resumed ones (default ${DEFAULT-VALUE}).")
    int epochs = 4;

    @Option(names = "--batch-size", description = "Images per step (default ${DEFAULT-VALUE}).")
    int batchSize = 64;

    @Option(names = "--learning-rate", description = "Initial learning rate (default ${DEFAULT-VALUE}).")
    double learningRate = 0.01;

    @Option(names = "--schedule", description = "step (piecewiseConstant: x0.1 after half and three quarters of the "
            + "epochs) or exponential (exponentialDecay, staircase: x --decay-rate each epoch) (default ${DEFAULT-VALUE}).")
    String schedule = "step";

    @Option(names = "--decay-rate", description = "Per-epoch factor of the exponential schedule (default ${DEFAULT-VALUE}).")
    double decayRate = 0.7;

    @Option(names = "--threads", description = "Threads decoding and augmenting images (default: one per core).")
    int threads = Dataset.AUTOTUNE;

    @Option(names = "--limit", description = "Use only this many training images per epoch (0 = all).")
    int limit;

    @Option(names = "--seed", description = "Seed of the shuffle, the augmentation and the graph (default ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--out", description = "Folder for checkpoints and charts (default ${DEFAULT-VALUE}).")
    Path out = Path.of("runs/train-folder");

    @Option(names = "--resume", description = "Go on from the last checkpoint in --out.")
    boolean resume;

    @Option(names = "--device", description = "cpu or gpu (default ${DEFAULT-VALUE}).")
    String device = "cpu";

    @Option(names = "--quiet", description = "No progress bar, one line per epoch.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        boolean alexnet = switch (model) {
            case "alexnet" -> true;
            case "small" -> false;
            default -> throw new InvalidArgumentException("--model must be alexnet or small, got '" + model + "'");
        };
        int side = imageSize != null ? imageSize : alexnet ? 224 : 28;
        if (epochs < 1 || batchSize < 1 || side < 8 || (channels != 1 && channels != 3)) {
            throw new InvalidArgumentException("--epochs and --batch-size must be at least 1, --image-size at least 8, "
                    + "--channels 1 or 3");
        }
        boolean split = Files.isDirectory(data.resolve("train"));
        ImageFolder trainFolder = Dataset.imageFolder(split ? data.resolve("train") : data);
        ImageFolder testFolder = split && Files.isDirectory(data.resolve("test")) ? Dataset.imageFolder(data.resolve("test")) : null;
        int classes = trainFolder.classNames().size();
        int examples = limit > 0 ? Math.min(limit, trainFolder.size()) : trainFolder.size();
        int stepsPerEpoch = (examples + batchSize - 1) / batchSize;
        System.out.printf("%s: %d training images in %d classes%s%n", trainFolder.dir(), trainFolder.size(), classes,
                testFolder == null ? "" : ", " + testFolder.size() + " test images");

        // Images are enlarged by 8/7 and cropped back to the input size: randomly with flips for training, in the
        // center for testing.
        int enlarged = side + side / 7;
        Transform augment = Images.decode(channels).andThen(Images.resize(enlarged, enlarged))
                .andThen(Images.randomCrop(side, side, seed)).andThen(Images.randomFlipLeftRight(seed))
                .andThen(Images.normalize(127.5f, 63.75f));
        Transform center = Images.decode(channels).andThen(Images.resize(enlarged, enlarged))
                .andThen(Images.centerCrop(side, side)).andThen(Images.normalize(127.5f, 63.75f));
        Dataset train = trainFolder.shuffle(trainFolder.size(), seed).take(examples).map(augment, threads)
                .batch(batchSize).prefetch(2);
        Dataset test = testFolder == null ? null : testFolder.map(center, threads).batch(batchSize).prefetch(2);

        Graph g = new Graph();
        g.setSeed(seed);
        Tf tf = Tf.of(g);
        Variable globalStep = GlobalStep.getOrCreateGlobalStep(tf);
        Output lr = schedule(tf, globalStep, stepsPerEpoch);
        Model m = alexnet ? AlexNet.build(g, classes, lr, globalStep)
                : SmallCnn.build(g, side, channels, classes, lr, globalStep);
        SessionOptions options = switch (device.toLowerCase(Locale.ROOT)) {
            case "cpu" -> SessionOptions.cpuOnly();
            case "gpu" -> SessionOptions.gpu(0);
            default -> throw new InvalidArgumentException("--device must be cpu or gpu, got '" + device + "'");
        };
        Files.createDirectories(out);
        Saver saver = new Saver(g).maxToKeep(3);
        TrainingChart chart = new TrainingChart();
        try (Session s = new Session(g, options)) {
            s.run(tf.globalVariablesInitializer());
            int done = 0;
            if (resume) {
                Path last = Saver.latestCheckpoint(out);
                if (last == null) {
                    throw new InvalidArgumentException("--resume: no checkpoint in " + out);
                }
                saver.restore(s, last);
                done = (int) (s.run(globalStep).longValue() / stepsPerEpoch);
                System.out.printf("resumed from %s after epoch %d%n", last, done);
            }
            for (int epoch = done + 1; epoch <= epochs; epoch++) {
                long t0 = System.nanoTime();
                double[] tr = pass(s, m, train, epoch, stepsPerEpoch, true);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double[] te = test == null ? new double[] {Double.NaN, Double.NaN}
                        : pass(s, m, test, 0, (testFolder.size() + batchSize - 1) / batchSize, false);
                chart.add(epoch, tr[0], tr[1], te[0], te[1]);
                Path checkpoint = saver.save(s, out.resolve("model"), epoch);
                String tested = test == null ? "no test/ folder" : String.format("test loss %.4f acc %.4f", te[0], te[1]);
                System.out.printf("epoch %2d/%d  lr %.5f  train loss %.4f acc %.4f  %s  (%.1f s, %.0f images/s)  %s%n",
                        epoch, epochs, s.run(lr).floatValue(), tr[0], tr[1], tested, seconds, examples / seconds,
                        checkpoint.getFileName());
            }
            writeCharts(chart);
        }
        return 0;
    }

    /** The learning rate as a function of the global step. */
    private Output schedule(Tf tf, Variable globalStep, int stepsPerEpoch) {
        return switch (schedule) {
            case "step" -> {
                long total = (long) epochs * stepsPerEpoch;
                yield LearningRates.piecewiseConstant(tf, globalStep, new long[] {total / 2, total * 3 / 4},
                        new double[] {learningRate, learningRate / 10, learningRate / 100});
            }
            case "exponential" -> LearningRates.exponentialDecay(tf, learningRate, globalStep, stepsPerEpoch,
                    decayRate, true);
            default -> throw new InvalidArgumentException("--schedule must be step or exponential, got '" + schedule + "'");
        };
    }

    /** One pass over a data set, training or evaluating; returns the mean loss and accuracy. */
    private double[] pass(Session s, Model m, Dataset data, int epoch, int steps, boolean training) {
        double lossSum = 0;
        double correct = 0;
        int seen = 0;
        Tensor on = Tensor.of(true);
        try (ProgressBar bar = quiet ? null : new ProgressBarBuilder()
                .setTaskName(training ? String.format("epoch %d/%d", epoch, epochs) : "test")
                .setInitialMax(steps).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).build();
             DatasetIterator batches = data.iterator(training ? epoch - 1 : 0)) {
            while (batches.hasNext()) {
                Map<String, Tensor> batch = batches.next();
                int count = batch.get(ImageFolder.LABEL).numElements();
                Session.Runner r = s.runner().feed(m.images(), batch.get(Images.IMAGE))
                        .feed(m.labels(), batch.get(ImageFolder.LABEL)).fetch(m.loss()).fetch(m.accuracy());
                List<Tensor> res = (training ? r.feed(m.training(), on).target(m.trainOp()) : r).run();
                double loss = res.get(0).floatValue();
                if (!Double.isFinite(loss)) {
                    throw new InvalidArgumentException("loss became " + loss + " in epoch " + epoch
                            + "; try a smaller --learning-rate");
                }
                lossSum += loss * count;
                correct += res.get(1).floatValue() * count;
                seen += count;
                if (bar != null) {
                    bar.step();
                    bar.setExtraMessage(String.format(" loss %.4f acc %.4f", lossSum / seen, correct / seen));
                }
            }
        }
        return new double[] {lossSum / seen, correct / seen};
    }

    private void writeCharts(TrainingChart chart) {
        try {
            List<Path> written = chart.write(out.resolve("training"));
            System.out.println("charts " + written.get(0) + " and " + written.get(1));
        } catch (LinkageError | java.io.IOException e) {
            System.out.println("no charts (" + e.getMessage() + ")");
        }
    }
}
