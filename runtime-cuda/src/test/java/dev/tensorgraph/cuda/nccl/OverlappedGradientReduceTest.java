package dev.tensorgraph.cuda.nccl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.CancelledException;
import dev.tensorgraph.errors.DeadlineExceededException;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gradient sum overlapping the backward pass, on the CPU: ranks are threads with a session each, summing through
 * {@link ThreadRanks}; the model is {@link ReplicaModel}'s three-layer network, in small buckets so that its
 * gradients travel in several.
 */
class OverlappedGradientReduceTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int BUCKET_ELEMENTS = 40;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** Each rank's result of one step: the mean gradients and the mean loss. */
    record StepResult(List<float[]> gradients, double loss) {}

    /** Runs {@code work} as ranks 0..n-1, each on a thread of its own, and returns what each returned or threw. */
    private <T> List<Future<T>> onRanks(int n, IntFunction<T> work) {
        List<Future<T>> ranks = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            int rank = r;
            ranks.add(threads.submit(() -> work.apply(rank)));
        }
        return ranks;
    }

    static StepResult overlapped(ReplicaModel model, Session session, AllReduceGroup group, int rows,
                                         OverlappedGradientReduce.Trace trace) {
        GradientBuckets buckets = new GradientBuckets(model.gradientSizes(), BUCKET_ELEMENTS);
        try (OverlappedGradientReduce reduce = new OverlappedGradientReduce(buckets, group, TIMEOUT, trace)) {
            OverlappedGradientReduce.Reduced r = reduce.step(session, model.loss, model.gradients,
                    rows == 0 ? Map.of() : model.feeds(group.rank(), group.ranks()), rows);
            List<float[]> means = new ArrayList<>();
            for (int g = 0; g < model.gradients.size(); g++) {
                means.add(r.meanGradient(g));
            }
            return new StepResult(means, r.meanLoss());
        }
    }

    /** The path the overlap replaces: the whole backward pass, then each bucket summed in turn. */
    private static StepResult reducedAfterBackward(ReplicaModel model, Session session, AllReduceGroup group) {
        GradientBuckets buckets = new GradientBuckets(model.gradientSizes(), BUCKET_ELEMENTS);
        int rows = model.rowsOf(group.rank(), group.ranks());
        List<Output> fetches = new ArrayList<>(List.of(model.loss));
        fetches.addAll(model.gradients);
        List<Tensor> out = session.run(fetches, model.feeds(group.rank(), group.ranks()));
        float[][] packed = buckets.newBuckets();
        for (int g = 0; g < model.gradients.size(); g++) {
            buckets.pack(packed, g, out.get(g + 1).floats(), rows);
        }
        for (float[] bucket : packed) {
            group.allReduceSum(bucket);
        }
        float[] totals = {rows, (float) (out.get(0).toDoubles()[0] * rows)};
        group.allReduceSum(totals);
        List<float[]> means = new ArrayList<>();
        for (int g = 0; g < model.gradients.size(); g++) {
            means.add(buckets.unpack(packed, g, 1f / totals[0]));
        }
        return new StepResult(means, totals[1] / totals[0]);
    }

    /** The whole batch in one session: the result every rank's step must give. */
    static StepResult wholeBatch(ReplicaModel model, Session session) {
        List<Output> fetches = new ArrayList<>(List.of(model.loss));
        fetches.addAll(model.gradients);
        List<Tensor> out = session.run(fetches, model.feeds(0, 1));
        List<float[]> gradients = new ArrayList<>();
        for (int g = 0; g < model.gradients.size(); g++) {
            gradients.add(out.get(g + 1).floats());
        }
        return new StepResult(gradients, out.get(0).toDoubles()[0]);
    }

    static void assertClose(StepResult expected, StepResult actual, double tolerance, String what) {
        assertEquals(expected.loss(), actual.loss(), tolerance * Math.max(1, Math.abs(expected.loss())),
                what + ": loss");
        for (int g = 0; g < expected.gradients().size(); g++) {
            float[] e = expected.gradients().get(g);
            float[] a = actual.gradients().get(g);
            assertEquals(e.length, a.length);
            for (int i = 0; i < e.length; i++) {
                assertEquals(e[i], a[i], tolerance * Math.max(1, Math.abs(e[i])),
                        what + ": gradient " + g + " element " + i);
            }
        }
    }

    @Test
    void threeRanksGetTheSumsOfTheReduceAfterBackwardPathAndTheWholeBatchsGradients() throws Exception {
        ReplicaModel model = new ReplicaModel();
        int n = 3;
        ThreadRanks overlappedGroup = new ThreadRanks(n, TIMEOUT);
        List<Future<StepResult>> overlap = onRanks(n, r -> {
            try (Session s = model.newSession()) {
                return overlapped(model, s, overlappedGroup.rank(r), model.rowsOf(r, n), null);
            }
        });
        ThreadRanks plainGroup = new ThreadRanks(n, TIMEOUT);
        List<Future<StepResult>> plain = onRanks(n, r -> {
            try (Session s = model.newSession()) {
                return reducedAfterBackward(model, s, plainGroup.rank(r));
            }
        });
        StepResult wholeBatch;
        try (Session s = model.newSession()) {
            wholeBatch = wholeBatch(model, s);
        }
        for (int r = 0; r < n; r++) {
            StepResult o = overlap.get(r).get(1, TimeUnit.MINUTES);
            assertClose(plain.get(r).get(1, TimeUnit.MINUTES), o, 1e-6, "rank " + r + " against reduce-after-backward");
            assertClose(wholeBatch, o, 1e-5, "rank " + r + " against the whole batch in one session");
        }
    }

    @Test
    void oneRankGivesTheSingleSessionGradients() throws Exception {
        ReplicaModel model = new ReplicaModel();
        ThreadRanks group = new ThreadRanks(1, TIMEOUT);
        StepResult one;
        StepResult wholeBatch;
        try (Session s = model.newSession()) {
            one = overlapped(model, s, group.rank(0), model.rowsOf(0, 1), null);
            wholeBatch = wholeBatch(model, s);
        }
        assertClose(wholeBatch, one, 1e-6, "one rank");
    }

    /**
     * Bucket 0 (the last layer's gradients) is summed over all ranks while the runs are still going: the last
     * gradient's report, inside each rank's run, waits until that sum is in, and the run finishes only after it.
     */
    @Test
    void theFirstBucketIsSummedBeforeTheBackwardPassEnds() throws Exception {
        ReplicaModel model = new ReplicaModel();
        int n = 2;
        int gradients = model.gradients.size();
        assertTrue(new GradientBuckets(model.gradientSizes(), BUCKET_ELEMENTS).bucketCount() >= 3);
        ThreadRanks group = new ThreadRanks(n, TIMEOUT);
        List<List<String>> events = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            events.add(Collections.synchronizedList(new ArrayList<>()));
        }
        List<CountDownLatch> firstBucketSummed = List.of(new CountDownLatch(1), new CountDownLatch(1));
        List<Future<StepResult>> ranks = onRanks(n, r -> {
            List<String> log = events.get(r);
            OverlappedGradientReduce.Trace trace = new OverlappedGradientReduce.Trace() {
                private int ready;

                @Override
                public void gradientReady(int g) {
                    log.add("gradient " + g);
                    if (++ready == gradients) {
                        try {
                            log.add(firstBucketSummed.get(r).await(10, TimeUnit.SECONDS)
                                    ? "last gradient saw bucket 0 summed" : "bucket 0 not summed in 10 s");
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }

                @Override
                public void bucketIssued(int b) {
                    log.add("issued " + b);
                }

                @Override
                public void bucketReduced(int b) {
                    log.add("summed " + b);
                    if (b == 0) {
                        firstBucketSummed.get(r).countDown();
                    }
                }

                @Override
                public void runFinished() {
                    log.add("run finished");
                }
            };
            try (Session s = model.newSession()) {
                return overlapped(model, s, group.rank(r), model.rowsOf(r, n), trace);
            }
        });
        for (int r = 0; r < n; r++) {
            ranks.get(r).get(1, TimeUnit.MINUTES);
            List<String> log = List.copyOf(events.get(r));
            int issued = log.indexOf("issued 0");
            int summed = log.indexOf("summed 0");
            int lastGradient = log.indexOf("last gradient saw bucket 0 summed");
            int finished = log.indexOf("run finished");
            assertTrue(issued >= 0 && lastGradient >= 0 && summed >= 0, "rank " + r + ": " + log);
            // the last layer's gradients come first and fill bucket 0
            int lastLayer = log.indexOf("gradient " + (gradients - 1));
            assertTrue(lastLayer < issued, "rank " + r + ": " + log);
            assertTrue(issued < lastGradient && summed < lastGradient && lastGradient < finished,
                    "rank " + r + ": " + log);
        }
    }

    /** A rank whose run fails (a feed of the wrong shape) fails the others with a typed error instead of a hang. */
    @Test
    void aRankThatFailsEndsTheOthersWithATypedError() throws Exception {
        ReplicaModel model = new ReplicaModel();
        int n = 3;
        ThreadRanks group = new ThreadRanks(n, TIMEOUT);
        List<Future<StepResult>> ranks = onRanks(n, r -> {
            try (Session s = model.newSession()) {
                GradientBuckets buckets = new GradientBuckets(model.gradientSizes(), BUCKET_ELEMENTS);
                try (OverlappedGradientReduce reduce = new OverlappedGradientReduce(buckets, group.rank(r), TIMEOUT,
                        null)) {
                    Map<Output, Tensor> feeds = r == 1 ? model.badFeeds() : model.feeds(r, n);
                    reduce.step(s, model.loss, model.gradients, feeds, model.rowsOf(r, n));
                    return null;
                }
            }
        });
        Throwable failed = failure(ranks.get(1));
        assertInstanceOf(InvalidArgumentException.class, failed);
        for (int r : new int[] {0, 2}) {
            Throwable other = failure(ranks.get(r));
            assertInstanceOf(CancelledException.class, other);
            assertTrue(other.getMessage().contains("rank 1 ended the group"), other.getMessage());
        }
    }

    /** A rank that never comes: the others give up after the timeout, with a typed error. */
    @Test
    void aRankThatNeverComesTimesTheOthersOut() throws Exception {
        ReplicaModel model = new ReplicaModel();
        Duration shortWait = Duration.ofMillis(300);
        ThreadRanks group = new ThreadRanks(2, shortWait);
        Future<StepResult> alone = threads.submit(() -> {
            try (Session s = model.newSession();
                 OverlappedGradientReduce reduce = new OverlappedGradientReduce(
                         new GradientBuckets(model.gradientSizes(), BUCKET_ELEMENTS), group.rank(0), shortWait, null)) {
                reduce.step(s, model.loss, model.gradients, model.feeds(0, 2), model.rowsOf(0, 2));
                return null;
            }
        });
        assertInstanceOf(DeadlineExceededException.class, failure(alone));
    }

    private static Throwable failure(Future<?> f) throws Exception {
        try {
            f.get(1, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the rank did not fail");
    }
}
