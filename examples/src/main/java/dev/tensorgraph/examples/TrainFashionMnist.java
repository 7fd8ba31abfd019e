package dev.tensorgraph.examples;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.data.Dataset;
import dev.tensorgraph.data.DatasetIterator;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.examples.cli.ChoiceConverter;
import dev.tensorgraph.examples.cli.DeviceChoice;
import dev.tensorgraph.examples.cli.OptionChecks;
import dev.tensorgraph.ops.Saver;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.summary.FileWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The main job: trains the tutorials' CNN on Fashion-MNIST with Adam, showing a progress bar per epoch,
 * printing train and test loss and accuracy, writing TensorBoard events, then saving the graph, a checkpoint
 * and charts into a folder of its own under {@code --out} ({@link RunFolder}).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a CNN on Fashion-MNIST (conv 16@3x3, max-pool, dense 128, dense 10; Adam).")
public final class TrainFashionMnist implements Callable<Integer> {
    /** The models {@code --model} offers. */
    enum ModelChoice {
        CNN, CNN_BN, SLIM_CNN;

        @Override
        public String toString() {
            return ChoiceConverter.spelling(this);
        }

        static final class Converter extends ChoiceConverter<ModelChoice> {
            Converter() {
                super(ModelChoice.class);
            }
        }
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--data", description = "Directory of the IDX files (default ${DEFAULT-VALUE}).")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--epochs", description = "Epochs (default ${DEFAULT-VALUE}).")
    int epochs = 10;

    @Option(names = "--batch-size", description = "Examples per step (default ${DEFAULT-VALUE}).")
    int batchSize = 64;

    @Option(names = "--learning-rate", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    float learningRate = 1e-3f;

    @Option(names = "--model", converter = ModelChoice.Converter.class,
            description = "${COMPLETION-CANDIDATES}: cnn-bn adds batch normalization after the conv, slim-cnn "
                    + "is cnn-bn written with TF-Slim, with weight decay (default ${DEFAULT-VALUE}).")
    ModelChoice model = ModelChoice.CNN;

    @Option(names = "--seed", description = "Graph-level random seed (default ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--limit", description = "Use only the first N training and test examples (0 = all).")
    int limit = 0;

    @Option(names = "--out", description = "Folder under which each run gets a folder of its own, "
            + "<model>-<date>-<time>, and 'latest' links to the last finished run (default ${DEFAULT-VALUE}).")
    Path out = Path.of("runs/fashion-mnist");

    @Option(names = "--device", converter = DeviceChoice.Converter.class,
            description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}; gpu needs an NVIDIA GPU with "
            + "CUDA 13 and cuDNN 9 installed, and the GPU runtime on the class path).")
    DeviceChoice device = DeviceChoice.CPU;

    @Option(names = "--mixed-precision", description = "Train with automatic mixed precision, bf16 or fp16: "
            + "products and convolutions in 16 bits with float32 accumulation and float32 variables (fp16 adds "
            + "dynamic loss scaling; see SessionOptions.mixedPrecision).")
    dev.tensorgraph.MixedPrecision mixedPrecision;

    @Option(names = "--resident-data", description = "Keep the training split in the session's (the GPU's) memory "
            + "and feed each step only its batch's example numbers, instead of feeding each batch's pixels: the "
            + "baseline for the time that feeding costs.")
    boolean residentData;

    @Option(names = "--quiet", description = "No progress bar, one line per epoch.")
    boolean quiet;

    /** Steps between two TensorBoard summaries. */
    private static final int SUMMARY_EVERY = 50;

    /** Metrics of one pass over a split. */
    record Metrics(double loss, double accuracy) {}

    @Override
    public Integer call() throws IOException {
        OptionChecks.atLeast(spec, "--epochs", epochs, 1);
        OptionChecks.atLeast(spec, "--batch-size", batchSize, 1);
        OptionChecks.atLeast(spec, "--limit", limit, 0);
        OptionChecks.positive(spec, "--learning-rate", learningRate);
        Graph g = new Graph();
        g.setSeed(seed);
        // Resident data needs the split's size in its graph, so it reads the data first.
        Splits splits = residentData ? readData() : null;
        ResidentTrainingData resident = residentData ? ResidentTrainingData.build(g, splits.train().count()) : null;
        Model m = buildModel(g, resident);
        Tf tf = Tf.of(g);
        Variable globalStep = tf.train.getGlobalStep();
        tf.summary.scalar("loss", m.loss());
        tf.summary.scalar("accuracy", m.accuracy());
        Output summaries = tf.summary.mergeAll();
        // The session before the data (unless it is resident): a missing GPU is reported before the data is read.
        try (Session s = device.open(g, device.sessionOptions().mixedPrecision(mixedPrecision))) {
            if (splits == null) {
                splits = readData();
            }
            FashionMnist.Split train = splits.train();
            FashionMnist.Split test = splits.test();
            Dataset trainingData = trainingData(train, s, m, resident);
            Path run = RunFolder.create(out, model.toString(), LocalDateTime.now());
            System.out.println("writing to " + run);
            s.run(tf.globalVariablesInitializer());
            if (resident != null) {
                long t0 = System.nanoTime();
                resident.load(s, train);
                System.out.printf("training split resident in the session's memory (%.2f s)%n",
                        (System.nanoTime() - t0) / 1e9);
            }
            if (s.device() != null) {
                System.out.println("running on " + s.device().name());
            }
            TrainingChart chart = new TrainingChart();
            try (FileWriter events = new FileWriter(run.resolve("logs"), g)) {
                for (int epoch = 1; epoch <= epochs; epoch++) {
                    long start = System.nanoTime();
                    Metrics tr = trainEpoch(s, m, resident, trainingData, train.count(), epoch, summaries, events);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    Metrics te = evaluate(s, m, test);
                    chart.add(epoch, tr.loss(), tr.accuracy(), te.loss(), te.accuracy());
                    events.addScalar("epoch/train_loss", tr.loss(), epoch);
                    events.addScalar("epoch/train_accuracy", tr.accuracy(), epoch);
                    events.addScalar("epoch/test_loss", te.loss(), epoch);
                    events.addScalar("epoch/test_accuracy", te.accuracy(), epoch);
                    events.flush();
                    System.out.printf("epoch %2d/%d  train loss %.4f acc %.4f  test loss %.4f acc %.4f  (%.2f s)%n",
                            epoch, epochs, tr.loss(), tr.accuracy(), te.loss(), te.accuracy(), seconds);
                }
            }
            save(g, s, run, s.run(globalStep).longValue(), chart);
        }
        return 0;
    }

    /** The training and test splits, with --limit applied. */
    private record Splits(FashionMnist.Split train, FashionMnist.Split test) {}

    private Splits readData() {
        long t0 = System.nanoTime();
        FashionMnist.Split train = limit(FashionMnist.train(data));
        FashionMnist.Split test = limit(FashionMnist.test(data));
        System.out.printf("Fashion-MNIST from %s: %d training and %d test images (%.1f s)%n", data, train.count(),
                test.count(), (System.nanoTime() - t0) / 1e9);
        return new Splits(train, test);
    }

    /** The chosen model, on placeholders or on the batches gathered from resident data. */
    private Model buildModel(Graph g, ResidentTrainingData resident) {
        if (resident == null) {
            return model == ModelChoice.SLIM_CNN
                    ? SlimCnnModel.build(g, learningRate, true, FashionMnist.SIDE, FashionMnist.SIDE, 1,
                            FashionMnist.CLASSES)
                    : CnnModel.build(g, model == ModelChoice.CNN_BN, learningRate, true);
        }
        return model == ModelChoice.SLIM_CNN
                ? SlimCnnModel.build(g, learningRate, true, resident.images(), resident.labels(), FashionMnist.CLASSES)
                : CnnModel.build(g, model == ModelChoice.CNN_BN, learningRate, true, resident.images(),
                        resident.labels(), FashionMnist.CLASSES);
    }

    /** Writes the graph, the checkpoint numbered by the global step and the charts, then marks the run latest. */
    private void save(Graph g, Session s, Path run, long step, TrainingChart chart) throws IOException {
        Path graphFile = run.resolve("graph.pb");
        Files.write(graphFile, g.toGraphDef());
        Path checkpoint = new Saver(g).save(s, run.resolve("model"), step);
        String charts;
        try {
            List<Path> written = chart.write(run.resolve("training"));
            charts = "charts " + written.get(0).getFileName() + " and " + written.get(1).getFileName();
        } catch (LinkageError e) {
            // A trimmed Java runtime without java.desktop (AWT) cannot draw; training itself does not need it.
            charts = "no charts (this Java runtime lacks the java.desktop module: " + e.getMessage() + ")";
        }
        System.out.println("saved graph.pb, checkpoint " + checkpoint.getFileName() + " (global step " + step + "), "
                + charts + " in " + run);
        if (RunFolder.markLatest(out, run)) {
            System.out.println(out.resolve(RunFolder.LATEST) + " -> " + run.getFileName());
        }
    }

    private FashionMnist.Split limit(FashionMnist.Split s) {
        if (limit <= 0 || limit >= s.count()) {
            return s;
        }
        int px = FashionMnist.SIDE * FashionMnist.SIDE;
        return new FashionMnist.Split(java.util.Arrays.copyOf(s.images(), limit * px),
                java.util.Arrays.copyOf(s.labels(), limit), limit);
    }

    /**
     * The training split as a data set: shuffled with the seed, a new order each epoch, batched, prefetched (on a
     * GPU the next batches are copied to the device while a step runs). With resident data, the batches of example
     * numbers in the same order.
     */
    private Dataset trainingData(FashionMnist.Split data, Session s, Model m, ResidentTrainingData resident) {
        if (resident != null) {
            return resident.batches(seed, batchSize).prefetch(2);
        }
        return FashionMnist.dataset(data).shuffle(data.count(), seed).batch(batchSize)
                .prefetchToDevice(2, s, Map.of(FashionMnist.IMAGE, m.images(), FashionMnist.LABEL, m.labels()));
    }

    private Metrics trainEpoch(Session s, Model m, ResidentTrainingData resident, Dataset data, int examples,
                               int epoch, Output summaries, FileWriter events) {
        int steps = (examples + batchSize - 1) / batchSize;
        double lossSum = 0;
        double correct = 0;
        int seen = 0;
        int step = 0;
        Tensor trainingOn = Tensor.of(true);
        try (ProgressFrames frames = new ProgressFrames(System.out);
             ProgressBar bar = quiet ? null : new ProgressBarBuilder().setTaskName(String.format("epoch %d/%d", epoch, epochs))
                .setInitialMax(steps).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                .setConsumer(frames).build();
             DatasetIterator batches = data.iterator(epoch - 1)) {
            while (batches.hasNext()) {
                Map<String, Tensor> batch = batches.next();
                int count = batch.get(resident != null ? Dataset.VALUE : FashionMnist.LABEL).numElements();
                boolean log = step % SUMMARY_EVERY == 0;
                Session.Runner runner = feedBatch(s.runner(), m, resident, batch).feed(m.training(), trainingOn)
                        .fetch(m.loss()).fetch(m.accuracy()).target(m.trainOp());
                List<Tensor> r = (log ? runner.fetch(summaries) : runner).run();
                if (log) {
                    events.addSummary(r.get(2), (long) (epoch - 1) * steps + step);
                }
                double loss = r.get(0).floatValue();
                if (!Double.isFinite(loss)) {
                    throw new InvalidArgumentException("loss became " + loss + " at epoch " + epoch + ", step " + step
                            + " (tensor " + m.loss().name() + ")" + firstNonFinite(s, m, resident, batch)
                            + "; try a smaller --learning-rate");
                }
                lossSum += loss * count;
                correct += r.get(1).floatValue() * count;
                seen += count;
                step++;
                if (bar != null) {
                    bar.step();
                    bar.setExtraMessage(String.format(" loss %.4f acc %.4f", lossSum / seen, correct / seen));
                }
            }
        }
        return new Metrics(lossSum / seen, correct / seen);
    }

    /** A step's batch: its pixels and labels, or its example numbers into the resident data. */
    private static Session.Runner feedBatch(Session.Runner runner, Model m, ResidentTrainingData resident,
                                            Map<String, Tensor> batch) {
        if (resident != null) {
            return resident.feed(runner, batch);
        }
        return runner.feed(m.images(), batch.get(FashionMnist.IMAGE)).feed(m.labels(), batch.get(FashionMnist.LABEL));
    }

    /** Replays the forward pass of a batch with numeric checks to name the first op that produced NaN or Inf. */
    private static String firstNonFinite(Session s, Model m, ResidentTrainingData resident, Map<String, Tensor> batch) {
        try {
            feedBatch(s.runner(), m, resident, batch).fetch(m.loss()).checkNumerics().run();
            return "";
        } catch (InvalidArgumentException e) {
            return "; first non-finite values: " + e.getMessage();
        }
    }

    private Metrics evaluate(Session s, Model m, FashionMnist.Split data) {
        double lossSum = 0;
        double correct = 0;
        for (Map<String, Tensor> batch : FashionMnist.dataset(data).batch(1000)) {
            int count = batch.get(FashionMnist.LABEL).numElements();
            List<Tensor> r = s.runner().feed(m.images(), batch.get(FashionMnist.IMAGE))
                    .feed(m.labels(), batch.get(FashionMnist.LABEL)).fetch(m.loss()).fetch(m.accuracy()).run();
            lossSum += r.get(0).floatValue() * count;
            correct += r.get(1).floatValue() * count;
        }
        return new Metrics(lossSum / data.count(), correct / data.count());
    }
}
