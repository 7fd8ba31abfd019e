package dev.tensorgraph.spark;

import dev.tensorgraph.Graph;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.cuda.nccl.NcclCommunicator;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.errors.UnknownException;
import dev.tensorgraph.ops.train.Optimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Synchronous data-parallel training on the GPUs of this machine: one thread and one session per GPU, gradients
 * summed by NCCL in buckets while the backward pass still runs ({@link NcclReplica}). A rank that fails aborts the
 * communicators of all ranks, so that the others fail too rather than wait for it. Row {@code i} of the data goes to GPU {@code i mod n}, so each
 * global batch is split evenly, and the result is single-GPU training on the same global batches up to float
 * summation order. Needs the GPU runtime ({@code tensorgraph-runtime-cuda}) and the NCCL library; across machines,
 * {@link BarrierGpuTrainer} runs the same ranks as a Spark barrier stage.
 */
public final class MultiGpuTrainer {
    private final int[] gpus;
    private int bucketElements = NcclReplica.BUCKET_ELEMENTS;

    /** Trains on the GPUs {@code gpus} (indices on this machine), one rank each. */
    public MultiGpuTrainer(int... gpus) {
        if (gpus.length == 0) {
            throw new InvalidArgumentException("name at least one GPU to train on");
        }
        this.gpus = gpus.clone();
    }

    /** Floats per all-reduce bucket (default 1 Mi, 4 MiB). */
    public MultiGpuTrainer bucketElements(int n) {
        bucketElements = n;
        return this;
    }

    /**
     * Trains {@code graph} to minimize {@code lossName} (the batch's mean) for {@code epochs} passes over
     * {@code data} (one tensor per input placeholder name, rows first) in global batches of {@code batchSize}.
     */
    public TrainingResult fit(Map<String, Tensor> data, Graph graph, String lossName, Optimizer optimizer,
                              int batchSize, int epochs) {
        if (batchSize < 1 || epochs < 1 || data.isEmpty()) {
            throw new InvalidArgumentException("training needs data, batchSize and epochs of at least 1");
        }
        Map<String, String> inputs = new LinkedHashMap<>();
        for (String name : data.keySet()) {
            inputs.put(name, name);
        }
        TrainingGraph tg = new TrainingGraph(graph, lossName, optimizer, inputs);
        ReplicaSpec spec = ReplicaSpec.of(tg);
        List<Tensor> columns = new ArrayList<>();
        for (String input : spec.inputs()) {
            Tensor t = data.get(input);
            if (t == null) {
                throw new NotFoundException("no data for input " + ErrorText.quote(input));
            }
            columns.add(t);
        }
        long rows = columns.get(0).shape().dims()[0];
        long steps = epochs * ((rows + batchSize - 1) / batchSize);
        byte[] id = NcclCommunicator.newUniqueId();
        ExecutorService threads = Executors.newFixedThreadPool(gpus.length);
        AtomicReferenceArray<NcclCommunicator> joined = new AtomicReferenceArray<>(gpus.length);
        try {
            List<Future<TrainingResult>> ranks = new ArrayList<>();
            for (int r = 0; r < gpus.length; r++) {
                int rank = r;
                ranks.add(threads.submit(() -> {
                    TrainingShard shard = TrainingShard.of(rank, gpus.length, columns);
                    try (NcclCommunicator comm = NcclCommunicator.join(gpus[rank], gpus.length, rank, id)) {
                        joined.set(rank, comm);
                        try (NcclReplica replica = new NcclReplica(spec, SessionOptions.gpu(gpus[rank]), comm,
                                bucketElements)) {
                            List<Double> losses = replica.train(shard, rows, batchSize, steps);
                            return new TrainingResult(replica.variables(), losses, replica.globalStep(), 0, null);
                        } catch (RuntimeException e) {
                            abortAll(joined, e);
                            throw e;
                        } finally {
                            joined.set(rank, null);
                        }
                    }
                }));
            }
            TrainingResult first = null;
            for (Future<TrainingResult> f : ranks) {
                TrainingResult r = f.get();
                first = first == null ? r : first;
            }
            return first;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TensorgraphException t) {
                throw t;
            }
            throw new UnknownException("NCCL training failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnknownException("interrupted while training", e);
        } finally {
            threads.shutdownNow();
        }
    }

    /** Aborts every rank's communicator still open, so that ranks waiting in a sum for a failed rank fail too. */
    private static void abortAll(AtomicReferenceArray<NcclCommunicator> joined, Throwable cause) {
        for (int r = 0; r < joined.length(); r++) {
            NcclCommunicator c = joined.get(r);
            if (c != null) {
                c.abort(cause);
            }
        }
    }
}
