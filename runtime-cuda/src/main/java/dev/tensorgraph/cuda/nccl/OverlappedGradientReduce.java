package dev.tensorgraph.cuda.nccl;

import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.CancelledException;
import dev.tensorgraph.errors.DeadlineExceededException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.errors.UnknownException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One replica's gradient step of synchronous data-parallel training, with the sum over replicas overlapping the
 * backward pass: the session run fetches the loss and the gradients and tells each gradient as soon as it is computed
 * ({@link Session.Runner#onFetchReady}); the gradient is packed into its {@link GradientBuckets bucket}, and a bucket
 * whose gradients are all in is handed to a thread of its own that all-reduces it while the run computes the rest.
 * The backward pass makes the last layers' gradients first, and those fill the first buckets (as PyTorch's DDP and
 * Horovod order them). Buckets go to the group strictly in their order, so every rank makes the same calls in the
 * same order whatever order its gradients arrive in. Last comes a sum of the rows and of the loss times the rows, so
 * that the mean over the global batch can be taken.
 *
 * <p>A failure on one rank (its run, or a sum) aborts the group, so that the other ranks fail with a typed error
 * rather than wait; a sum that takes longer than the timeout fails with {@link DeadlineExceededException} and aborts
 * the group too.
 */
public final class OverlappedGradientReduce implements AutoCloseable {
    /** What a step does, in the order it does it: for tracing, and for tests that check the overlap. */
    public interface Trace {
        /** Gradient {@code g} was computed and packed (on the thread running the session). */
        default void gradientReady(int g) {}

        /** Bucket {@code b} was handed to the all-reduce thread. */
        default void bucketIssued(int b) {}

        /** Bucket {@code b}'s sum over all ranks is in (on the all-reduce thread). */
        default void bucketReduced(int b) {}

        /** This rank's session run has returned. */
        default void runFinished() {}
    }

    /** The sums of one step: the global batch's mean gradients and mean loss. */
    public static final class Reduced {
        private final GradientBuckets layout;
        private final float[][] buckets;
        private final float rows;
        private final float lossTimesRows;

        private Reduced(GradientBuckets layout, float[][] buckets, float[] totals) {
            this.layout = layout;
            this.buckets = buckets;
            this.rows = totals[0];
            this.lossTimesRows = totals[1];
        }

        /** The rows of the global batch, over all ranks. */
        public float rows() {
            return rows;
        }

        /** Gradient {@code g}'s mean over the global batch. */
        public float[] meanGradient(int g) {
            return layout.unpack(buckets, g, 1f / rows);
        }

        /** The global batch's mean loss. */
        public double meanLoss() {
            return lossTimesRows / rows;
        }
    }

    private static final Trace NO_TRACE = new Trace() {};

    private final GradientBuckets buckets;
    private final int[] gradientsPerBucket;
    private final AllReduceGroup group;
    private final long timeoutNanos;
    private final Trace trace;
    private final ExecutorService reducer;

    /**
     * @param buckets where each gradient goes (gradient {@code g} is fetch {@code g + 1} of a step, after the loss)
     * @param timeout the longest wait for the group's sums of one step
     * @param trace told of each stage of a step; null for none
     */
    public OverlappedGradientReduce(GradientBuckets buckets, AllReduceGroup group, Duration timeout, Trace trace) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new InvalidArgumentException("the all-reduce timeout must be positive, got " + timeout);
        }
        this.buckets = buckets;
        this.group = group;
        this.timeoutNanos = timeout.toNanos();
        this.trace = trace == null ? NO_TRACE : trace;
        gradientsPerBucket = new int[buckets.bucketCount()];
        for (int g = 0; g < buckets.gradientCount(); g++) {
            gradientsPerBucket[buckets.bucketOf(g)]++;
        }
        int rank = group.rank();
        reducer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "all-reduce of rank " + rank);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code session} on {@code feeds} (this rank's {@code rows} rows of the global batch; null and 0 when it
     * holds none, and then it adds zeros), fetching {@code loss} (the rows' mean) and {@code gradients}, and sums
     * the gradients times the rows over all ranks while the run goes on.
     */
    public Reduced step(Session session, Output loss, List<Output> gradients, Map<Output, Tensor> feeds, int rows) {
        if (gradients.size() != buckets.gradientCount()) {
            throw new InvalidArgumentException(gradients.size() + " gradients for " + buckets.gradientCount()
                    + " bucket slots");
        }
        Pass pass = new Pass(rows);
        float[] totals = new float[2];
        if (rows > 0) {
            List<Output> fetches = new ArrayList<>(gradients.size() + 1);
            fetches.add(loss);
            fetches.addAll(gradients);
            Session.Runner runner = session.runner();
            fetches.forEach(runner::fetch);
            feeds.forEach(runner::feed);
            List<Tensor> out;
            try {
                out = runner.onFetchReady(pass::fetchReady).run();
            } catch (RuntimeException e) {
                group.abort(e);
                pass.abandon();
                throw e;
            }
            trace.runFinished();
            totals[0] = rows;
            totals[1] = (float) (out.get(0).toDoubles()[0] * rows);
        }
        pass.issueUpTo(buckets.bucketCount());
        pass.await(pass.submit(() -> group.allReduceSum(totals)), "the rows and loss");
        return new Reduced(buckets, pass.packed, totals);
    }

    /** One step's buckets: packed as gradients come, issued in order, awaited at the end. */
    private final class Pass {
        final float[][] packed = buckets.newBuckets();
        final int[] missing = gradientsPerBucket.clone();
        final List<Future<?>> issued = new ArrayList<>();
        final float scale;
        final long deadline = System.nanoTime() + timeoutNanos;

        Pass(float scale) {
            this.scale = scale;
        }

        void fetchReady(int fetch, Tensor value) {
            if (fetch == 0) {
                return;
            }
            int g = fetch - 1;
            buckets.pack(packed, g, value.floats(), scale);
            trace.gradientReady(g);
            int b = buckets.bucketOf(g);
            if (--missing[b] == 0) {
                int next = issued.size();
                while (next < missing.length && missing[next] == 0) {
                    next++;
                }
                issueUpTo(next);
            }
        }

        /** Hands buckets up to {@code end} (exclusive) to the all-reduce thread, in order. */
        void issueUpTo(int end) {
            for (int b = issued.size(); b < end; b++) {
                float[] bucket = packed[b];
                int index = b;
                issued.add(submit(() -> {
                    group.allReduceSum(bucket);
                    trace.bucketReduced(index);
                }));
                trace.bucketIssued(b);
            }
            // a sum that already failed (another rank's failure aborted the group) ends this run now
            for (int b = 0; b < issued.size(); b++) {
                if (issued.get(b).isDone()) {
                    wait(issued.get(b), "bucket " + b);
                }
            }
        }

        Future<?> submit(Runnable reduce) {
            return reducer.submit(reduce);
        }

        void await(Future<?> sum, String what) {
            for (int b = 0; b < issued.size(); b++) {
                wait(issued.get(b), "bucket " + b);
            }
            wait(sum, what);
        }

        private void wait(Future<?> sum, String what) {
            try {
                sum.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                DeadlineExceededException late = new DeadlineExceededException("rank " + group.rank() + " of "
                        + group.ranks() + " waited more than " + Duration.ofNanos(timeoutNanos) + " for the sum of "
                        + what + " of its gradients over all ranks");
                group.abort(late);
                throw late;
            } catch (ExecutionException e) {
                group.abort(e.getCause());
                if (e.getCause() instanceof TensorgraphException t) {
                    throw t;
                }
                throw new UnknownException("the sum of " + what + " on rank " + group.rank() + " failed: "
                        + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                CancelledException stopped = new CancelledException("rank " + group.rank()
                        + " was interrupted while it waited for the sum of " + what);
                group.abort(stopped);
                throw stopped;
            }
        }

        /** After this rank's run failed: the sums in flight end with the aborted group; nothing waits for them. */
        void abandon() {
            issued.forEach(f -> f.cancel(false));
        }
    }

    @Override
    public void close() {
        reducer.shutdownNow();
    }
}
