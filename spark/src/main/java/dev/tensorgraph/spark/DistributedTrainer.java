package dev.tensorgraph.spark;

import dev.tensorgraph.DType;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InternalException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.Saver;
import dev.tensorgraph.ops.train.Optimizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-parallel training with Spark: each step, every worker computes the gradients of its shard of the global
 * batch with the graph's own gradient ops, Spark sums them ({@code treeAggregate}, weighted by shard size), the
 * driver's optimizer applies the sum once, and the new variable values go back to the workers (a broadcast per
 * step). The result is single-process training on the same global batches, up to the order of float sums.
 *
 * <pre>{@code
 * Graph g = ...;                                    // placeholders "images" and "labels", a mean loss
 * TrainingResult r = new DistributedTrainer()
 *     .feed("pixels", "images").feed("label", "labels")
 *     .checkpointDir(Path.of("runs/spark"))           // model-<step>.index/.data/.meta and "checkpoint"
 *     .fit(trainSet, g, "sparse_softmax_cross_entropy_loss/value:0", new AdamOptimizer(1e-3), 64, 10);
 * }</pre>
 *
 * <p>Global batch {@code k} of every epoch is rows {@code [k * batchSize, (k + 1) * batchSize)} of the data set in
 * its order (the last batch may be smaller); shuffle the data set beforehand to train on another order. Row
 * {@code i} lives on worker {@code i mod workers}, converted to tensors once and cached for the whole run.
 *
 * <p>Failures: a task that fails is retried by Spark ({@code spark.task.maxFailures}) and recomputes the same
 * gradients from the same broadcast values, so the result does not change. Checkpoints are written by the driver
 * in TensorFlow's format ({@link Saver}, with the graph's {@code .meta}); {@code fit} with a checkpoint directory
 * that holds one restores it (variables, optimizer slots, global step) and goes on from its step, so training
 * that stopped ends as if it had not.
 *
 * <p>What is summed is the gradient of the loss tensor: work the graph does outside it (batch normalization's
 * moving averages in {@code UPDATE_OPS}) is not carried back from the workers.
 */
public final class DistributedTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(DistributedTrainer.class);

    private final Map<String, String> columnToInput = new LinkedHashMap<>();
    private int workers;
    private Path checkpointDir;
    private int checkpointEvery;
    private String device = ExecutorDevice.CPU;
    private StepFault fault = StepFault.NONE;

    /**
     * Feeds placeholder {@code input} (a tensor name such as {@code images} or {@code images:0}) from
     * {@code column}. Without any, each placeholder the loss needs is fed from the column of its name.
     */
    public DistributedTrainer feed(String column, String input) {
        columnToInput.put(column, input);
        return this;
    }

    /** How many shards (partitions, one task each per step) the data is dealt into; default Spark's parallelism. */
    public DistributedTrainer workers(int n) {
        if (n < 1) {
            throw new InvalidArgumentException("workers must be at least 1, got " + n);
        }
        workers = n;
        return this;
    }

    /** Where the driver writes checkpoints, and resumes from when one is there. */
    public DistributedTrainer checkpointDir(Path dir) {
        checkpointDir = dir;
        return this;
    }

    /** Writes a checkpoint every {@code steps} steps (and after the last); 0, the default: after every epoch. */
    public DistributedTrainer checkpointEvery(int steps) {
        if (steps < 0) {
            throw new InvalidArgumentException("checkpointEvery must be >= 0, got " + steps);
        }
        checkpointEvery = steps;
        return this;
    }

    /** Where workers compute: {@code cpu} (the default), {@code gpu} or {@code auto}, as for inference. */
    public DistributedTrainer device(String where) {
        device = ExecutorDevice.checkMode(where);
        return this;
    }

    /** Test hook: a fault injected before a worker computes a step. */
    DistributedTrainer fault(StepFault f) {
        fault = f == null ? StepFault.NONE : f;
        return this;
    }

    /**
     * Trains {@code graph}'s trainable variables to minimize the loss tensor {@code lossName} (a scalar, the mean
     * over the batch) for {@code epochs} passes over {@code data} in global batches of {@code batchSize} rows. The
     * graph itself is not changed: the driver works on a copy, with the optimizer's slots and a global step.
     */
    public TrainingResult fit(Dataset<Row> data, dev.tensorgraph.Graph graph, String lossName, Optimizer optimizer,
                              int batchSize, int epochs) {
        if (batchSize < 1 || epochs < 1) {
            throw new InvalidArgumentException("batchSize and epochs must be at least 1, got " + batchSize + " and "
                    + epochs);
        }
        TrainingGraph tg = new TrainingGraph(graph, lossName, optimizer, columnToInput);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        int shards = workers > 0 ? workers : jsc.defaultParallelism();
        List<String> columns = new ArrayList<>(tg.feeds.keySet());
        Dataset<Row> selected = data.select(columns.stream().map(org.apache.spark.sql.functions::col)
                .toArray(org.apache.spark.sql.Column[]::new));
        List<FeedColumn> feeds = new ArrayList<>();
        for (String c : columns) {
            String input = tg.feeds.get(c);
            feeds.add(FeedColumn.bind(selected.schema(), c, input, tg.graph.output(input)));
        }
        JavaRDD<TrainingShard> dealt = TrainingShard.deal(selected.javaRDD(), feeds, shards)
                .persist(StorageLevel.MEMORY_ONLY());
        Broadcast<WorkerSpec> spec = jsc.broadcast(tg.workerSpec());
        try (Session s = new Session(tg.graph, SessionOptions.cpuOnly())) {
            long rows = dealt.map(TrainingShard::rows).reduce(Integer::sum);
            if (rows == 0) {
                throw new InvalidArgumentException("the data set has no rows to train on");
            }
            long stepsPerEpoch = (rows + batchSize - 1) / batchSize;
            return train(jsc, tg, s, dealt, spec, rows, batchSize, stepsPerEpoch, epochs * stepsPerEpoch);
        } finally {
            dealt.unpersist(false);
            spec.destroy();
        }
    }

    private TrainingResult train(JavaSparkContext jsc, TrainingGraph tg, Session s, JavaRDD<TrainingShard> dealt,
                                 Broadcast<WorkerSpec> spec, long rows, int batchSize, long stepsPerEpoch,
                                 long totalSteps) {
        long firstStep = initialize(tg, s);
        String where = device;
        StepFault injected = fault;
        List<Double> losses = new ArrayList<>();
        Path lastCheckpoint = null;
        for (long step = firstStep; step < totalSteps; step++) {
            long from = (step % stepsPerEpoch) * batchSize;
            long to = Math.min(from + batchSize, rows);
            Broadcast<VariableValues> values = jsc.broadcast(VariableValues.read(s, tg.modelVariables, step));
            GradientSum sum = dealt.treeAggregate(new GradientSum(),
                    (acc, shard) -> acc.add(ShardWorker.compute(spec.value(), values.value(), shard, from, to, where,
                            injected)),
                    GradientSum::add);
            values.destroy();
            if (sum.rows() != to - from) {
                throw new InternalException("step " + step + ": the workers' gradients cover " + sum.rows()
                        + " rows of a global batch of " + (to - from));
            }
            apply(tg, s, sum);
            losses.add(sum.meanLoss());
            long done = step + 1;
            boolean due = checkpointEvery > 0 ? done % checkpointEvery == 0 : done % stepsPerEpoch == 0;
            if (checkpointDir != null && (due || done == totalSteps)) {
                lastCheckpoint = tg.saver.save(s, checkpointDir.resolve("model"), done);
                LOG.info("step {}: loss {}, checkpoint {}", done, sum.meanLoss(), lastCheckpoint);
            }
        }
        Map<String, Tensor> variables = new LinkedHashMap<>();
        for (Variable v : tg.graph.collection(dev.tensorgraph.GraphKeys.GLOBAL_VARIABLES, Variable.class)) {
            variables.put(v.opName(), s.variableValue(v));
        }
        return new TrainingResult(Collections.unmodifiableMap(variables), List.copyOf(losses),
                globalStep(tg, s), firstStep, lastCheckpoint);
    }

    /** Restores the newest checkpoint of the checkpoint directory, else runs the initializers; the step to go on at. */
    private long initialize(TrainingGraph tg, Session s) {
        Path latest = checkpointDir == null ? null : Saver.latestCheckpoint(checkpointDir);
        if (latest != null) {
            tg.saver.restore(s, latest);
            long step = globalStep(tg, s);
            LOG.info("resuming from {} at step {}", latest, step);
            return step;
        }
        s.run(dev.tensorgraph.ops.Tf.of(tg.graph).globalVariablesInitializer());
        return 0;
    }

    private static void apply(TrainingGraph tg, Session s, GradientSum sum) {
        Map<Output, Tensor> feeds = new HashMap<>();
        for (int i = 0; i < tg.trained.size(); i++) {
            Variable v = tg.trained.get(i);
            dev.tensorgraph.Shape shape = v.shape().isFullyDefined() ? v.shape() : s.variableValue(v).shape();
            feeds.put(tg.gradientFeeds.get(i), sum.meanGradient(i, v.dtype(), shape));
        }
        s.run(List.of(), feeds, List.of(tg.apply));
    }

    private static long globalStep(TrainingGraph tg, Session s) {
        Tensor t = s.variableValue(tg.globalStep);
        return t.dtype() == DType.INT64 ? t.longValue() : t.intValue();
    }

    @Override
    public String toString() {
        return "DistributedTrainer(feeds " + ErrorText.quote(columnToInput) + ", workers " + workers + ")";
    }
}
