package dev.tensorgraph.spark;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.cuda.nccl.AllReduceGroup;
import dev.tensorgraph.cuda.nccl.GradientBuckets;
import dev.tensorgraph.cuda.nccl.OverlappedGradientReduce;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.MetaGraph;
import dev.tensorgraph.ops.Tf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One rank of synchronous data-parallel training on GPUs: the whole training graph in a session on this rank's
 * GPU, and an NCCL communicator with the other ranks. Each step the rank computes the gradients of its shard's
 * part of the global batch, weights them by its rows, and all-reduces them in buckets while its backward pass still
 * runs ({@link OverlappedGradientReduce}), then the loss and the row count; every rank then applies the same mean
 * gradient with its own copy of the optimizer, so the replicas stay equal without sending variables. At the start,
 * rank 0's initial values are all-reduced to the others (they add zeros).
 */
final class NcclReplica implements AutoCloseable {
    /** Floats per all-reduce: 4 MiB buckets. */
    static final int BUCKET_ELEMENTS = 1 << 20;
    /** The longest a rank waits for the others' sums of one step before it fails the training. */
    static final Duration ALL_REDUCE_TIMEOUT = Duration.ofMinutes(10);

    private final Graph graph;
    private final Session session;
    private final AllReduceGroup comm;
    private final Output loss;
    private final List<Output> gradients = new ArrayList<>();
    private final List<Output> gradientFeeds = new ArrayList<>();
    private final List<Output> inputs = new ArrayList<>();
    private final Operation apply;
    private final Output globalStep;
    private final OverlappedGradientReduce reduce;

    NcclReplica(ReplicaSpec spec, SessionOptions options, AllReduceGroup comm, int bucketElements) {
        this.comm = comm;
        graph = MetaGraph.fromMetaGraphDef(spec.metaGraph());
        loss = graph.output(spec.loss());
        for (String g : spec.gradients()) {
            gradients.add(graph.output(g));
        }
        int[] sizes = new int[spec.gradientFeeds().size()];
        for (int i = 0; i < sizes.length; i++) {
            Output p = graph.output(spec.gradientFeeds().get(i));
            if (p.dtype() != DType.FLOAT32 || !p.shape().isFullyDefined()) {
                throw new InvalidArgumentException("NCCL training all-reduces float32 gradients of known shape; "
                        + p.name() + " is " + p.dtype() + p.shape());
            }
            gradientFeeds.add(p);
            sizes[i] = (int) p.shape().numElements();
        }
        for (String in : spec.inputs()) {
            inputs.add(graph.output(in));
        }
        apply = graph.operation(spec.apply());
        globalStep = graph.output(spec.globalStep());
        GradientBuckets buckets = new GradientBuckets(sizes, bucketElements);
        reduce = new OverlappedGradientReduce(buckets, comm, ALL_REDUCE_TIMEOUT, null);
        session = new Session(graph, options);
        session.run(Tf.of(graph).globalVariablesInitializer());
        broadcastFromRankZero(spec.modelVariables());
    }

    private void broadcastFromRankZero(List<String> names) {
        Map<String, Variable> byName = new HashMap<>();
        for (Variable v : Tf.of(graph).globalVariables()) {
            byName.put(v.opName(), v);
        }
        for (String name : names) {
            Variable v = byName.get(name);
            Tensor value = session.variableValue(v);
            float[] values = comm.rank() == 0 ? value.floats() : new float[(int) value.shape().numElements()];
            comm.allReduceSum(values);
            session.setVariableValue(v, Tensor.wrap(DType.FLOAT32, value.shape(), values));
        }
    }

    /**
     * One step over this rank's {@code rows} rows of the global batch ({@code batch}, one tensor per input; null
     * when it holds none); returns the global batch's mean loss.
     */
    double step(List<Tensor> batch, int rows) {
        Map<Output, Tensor> feeds = new HashMap<>();
        for (int i = 0; rows > 0 && i < inputs.size(); i++) {
            feeds.put(inputs.get(i), batch.get(i));
        }
        OverlappedGradientReduce.Reduced sums = reduce.step(session, loss, gradients, feeds, rows);
        Map<Output, Tensor> means = new HashMap<>();
        for (int g = 0; g < gradientFeeds.size(); g++) {
            Output p = gradientFeeds.get(g);
            means.put(p, Tensor.wrap(DType.FLOAT32, p.shape(), sums.meanGradient(g)));
        }
        session.run(List.of(), means, List.of(apply));
        return sums.meanLoss();
    }

    /** Trains over {@code shard} for {@code steps} global batches of {@code batchSize} rows of {@code total}. */
    List<Double> train(TrainingShard shard, long total, int batchSize, long steps) {
        long perEpoch = (total + batchSize - 1) / batchSize;
        List<Double> losses = new ArrayList<>();
        for (long step = 0; step < steps; step++) {
            long from = (step % perEpoch) * batchSize;
            long to = Math.min(from + batchSize, total);
            int first = shard.firstRow(from);
            int end = shard.firstRow(to);
            losses.add(step(end > first ? shard.slice(first, end) : null, Math.max(0, end - first)));
        }
        return losses;
    }

    /** Every global variable by op name. */
    Map<String, Tensor> variables() {
        Map<String, Tensor> values = new LinkedHashMap<>();
        for (Variable v : Tf.of(graph).globalVariables()) {
            values.put(v.opName(), session.variableValue(v));
        }
        return values;
    }

    /** The global step after the steps taken. */
    long globalStep() {
        Tensor t = session.run(globalStep, Map.of());
        return t.dtype() == DType.INT64 ? t.longValue() : t.intValue();
    }

    @Override
    public void close() {
        reduce.close();
        session.close();
    }
}
