package dev.tensorgraph.spark;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.cuda.nccl.NcclCommunicator;
import dev.tensorgraph.errors.InternalException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.train.Optimizer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Synchronous data-parallel training across machines' GPUs as one Spark barrier stage: one barrier task per GPU
 * (give each task one GPU: {@code spark.task.resource.gpu.amount=1}), all started together. Task 0 makes the NCCL
 * unique id and every task receives it through {@link BarrierTaskContext#allGather}; then each task is one rank
 * of {@link NcclReplica} over its shard of the rows (row {@code i} to rank {@code i mod ranks}). A failed task
 * fails the stage, and Spark restarts all of its tasks together, as NCCL needs.
 */
public final class BarrierGpuTrainer {
    private final Map<String, String> columnToInput = new LinkedHashMap<>();
    private int ranks;
    private int bucketElements = NcclReplica.BUCKET_ELEMENTS;

    /** One rank per GPU: the number of barrier tasks, each needing one GPU. */
    public BarrierGpuTrainer ranks(int n) {
        if (n < 1) {
            throw new InvalidArgumentException("ranks must be at least 1, got " + n);
        }
        ranks = n;
        return this;
    }

    /** Feeds {@code column} to the placeholder {@code input}. */
    public BarrierGpuTrainer feed(String column, String input) {
        columnToInput.put(column, input);
        return this;
    }

    /** Floats per all-reduce bucket (default 1 Mi, 4 MiB). */
    public BarrierGpuTrainer bucketElements(int n) {
        bucketElements = n;
        return this;
    }

    /**
     * Trains {@code graph} to minimize {@code lossName} for {@code epochs} passes over {@code data} in global batches
     * of {@code batchSize}; the result holds rank 0's variables, the same on every rank.
     */
    public TrainingResult fit(Dataset<Row> data, Graph graph, String lossName, Optimizer optimizer, int batchSize,
                              int epochs) {
        if (ranks < 1 || batchSize < 1 || epochs < 1) {
            throw new InvalidArgumentException("set ranks, and batchSize and epochs of at least 1");
        }
        TrainingGraph tg = new TrainingGraph(graph, lossName, optimizer, columnToInput);
        ReplicaSpec spec = ReplicaSpec.of(tg);
        List<String> columns = new ArrayList<>(tg.feeds.keySet());
        Dataset<Row> selected = data.select(columns.stream().map(org.apache.spark.sql.functions::col)
                .toArray(org.apache.spark.sql.Column[]::new));
        List<FeedColumn> feeds = new ArrayList<>();
        for (String c : columns) {
            feeds.add(FeedColumn.bind(selected.schema(), c, tg.feeds.get(c), tg.graph.output(tg.feeds.get(c))));
        }
        long rows = selected.count();
        long steps = epochs * ((rows + batchSize - 1) / batchSize);
        int bucket = bucketElements;
        JavaRDD<TrainingShard> shards = TrainingShard.deal(selected.javaRDD(), feeds, ranks);
        scala.Function1<scala.collection.Iterator<TrainingShard>, scala.collection.Iterator<RankResult>> rank =
                (scala.Function1<scala.collection.Iterator<TrainingShard>, scala.collection.Iterator<RankResult>>
                        & java.io.Serializable) it -> CollectionConverters.asScala(Collections.singletonList(
                                runRank(spec, it.next(), rows, batchSize, steps, bucket)).iterator());
        List<RankResult> results = shards.rdd().barrier()
                .mapPartitions(rank, false, scala.reflect.ClassTag$.MODULE$.apply(RankResult.class))
                .toJavaRDD().collect();
        for (RankResult r : results) {
            if (r.rank() == 0) {
                Map<String, Tensor> variables = new LinkedHashMap<>();
                r.variables().forEach((name, value) -> variables.put(name, value.tensor()));
                return new TrainingResult(variables, r.losses(), r.globalStep(), 0, null);
            }
        }
        throw new InternalException("the barrier stage returned no result from rank 0");
    }

    /** What a rank sends back: rank 0's variables; the others send only their rank. */
    private record RankResult(int rank, Map<String, TensorData> variables, List<Double> losses, long globalStep)
            implements java.io.Serializable {}

    private static RankResult runRank(ReplicaSpec spec, TrainingShard shard, long rows, int batchSize, long steps,
                                      int bucketElements) {
        BarrierTaskContext task = BarrierTaskContext.get();
        int rank = task.partitionId();
        int ranks = task.getTaskInfos().length;
        String mine = rank == 0 ? Base64.getEncoder().encodeToString(NcclCommunicator.newUniqueId()) : "";
        byte[] id = Base64.getDecoder().decode(task.allGather(mine)[0]);
        ExecutorDevice gpu = ExecutorDevice.forCurrentTask(ExecutorDevice.GPU);
        int index = Math.max(gpu.gpu(), 0);
        try (NcclCommunicator comm = NcclCommunicator.join(index, ranks, rank, id);
             NcclReplica replica = new NcclReplica(spec, gpu.sessionOptions(), comm, bucketElements)) {
            List<Double> losses = replica.train(shard, rows, batchSize, steps);
            if (rank != 0) {
                return new RankResult(rank, Map.of(), List.of(), 0);
            }
            Map<String, TensorData> variables = new LinkedHashMap<>();
            replica.variables().forEach((name, value) -> variables.put(name, TensorData.of(value)));
            return new RankResult(rank, variables, losses, replica.globalStep());
        }
    }
}
