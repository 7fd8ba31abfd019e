package dev.tensorgraph.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Intra-op parallelism for kernels that split their work. Work is cut into contiguous ranges; the calling
 * thread runs the first itself and hands the others to helper threads (one per further core), so a
 * kernel's output is complete when {@link #forRange} returns. The split depends only on the range and
 * the thread count, never on timing, so results are the same from run to run.
 *
 * <p>Helpers spin for a short while after each range before they park. The kernels of one training step
 * follow each other within microseconds, while waking a parked thread costs tens of microseconds (more on
 * a virtual machine): with a pool whose threads park at once, that wake-up cost more than the second core
 * gave on the small kernels of W3 and W4. A helper busy with another caller's range is skipped and its
 * range run by the caller, so concurrent and nested calls never wait for each other. A range a helper has
 * not started when the caller finishes its own is taken back and run by the caller: on a machine with more
 * runnable threads than cores a helper may wait milliseconds for a core, and waiting for it made W9's small
 * kernels several times slower on two threads than on one.
 */
public final class Parallel {
    /** How long an idle helper waits for the next range before parking ({@code tensorgraph.cpu.spinMicros}). */
    private static final long SPIN_NANOS = Long.getLong("tensorgraph.cpu.spinMicros", 200) * 1000L;

    private static final Helper[] HELPERS = startHelpers(Runtime.getRuntime().availableProcessors() - 1);

    private Parallel() {}

    /** The body of a parallel loop: handles indices {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /** Below this many multiply-adds (or element touches) a kernel stays on one thread. */
    static final long MIN_PARALLEL_WORK = 1L << 16;

    /** As {@link #forRange(int, int, RangeBody)}, but inline when the total {@code work} is small. */
    public static void forRange(int n, int threads, long work, RangeBody body) {
        if (work < MIN_PARALLEL_WORK) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        forRange(n, threads, body);
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@code threads} contiguous parts (fewer when
     * {@code n} is small); with one part it runs inline.
     */
    public static void forRange(int n, int threads, RangeBody body) {
        int parts = Math.max(1, Math.min(threads, n));
        if (parts == 1) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        Helper[] posted = new Helper[parts - 1];
        for (int p = 1; p < parts; p++) {
            Helper h = claimHelper();
            if (h == null) {
                break;
            }
            h.post(body, start(n, parts, p), start(n, parts, p + 1));
            posted[p - 1] = h;
        }
        Throwable failure = null;
        try {
            body.run(0, start(n, parts, 1));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (int p = 1; p < parts; p++) {
            if (posted[p - 1] == null) {
                try {
                    body.run(start(n, parts, p), start(n, parts, p + 1));
                } catch (RuntimeException | Error e) {
                    failure = failure == null ? e : failure;
                }
            }
        }
        for (Helper h : posted) {
            if (h != null) {
                Throwable t = h.awaitAndRelease();
                failure = failure == null ? t : failure;
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    /**
     * Runs {@code body} over {@code [0, n)} on up to {@code threads} threads, each starting on the share
     * {@link #forRange} would give it, in chunks of about {@code grain} indices; a thread done with its share takes
     * chunks from the end of another's (see {@link StealingRange}). How the range is cut depends on timing, so the
     * body must give the same result however it is cut: each index's work its own, as in a matrix product's tiles.
     */
    public static void forChunks(int n, int threads, int grain, RangeBody body) {
        StealingRange.run(n, threads, grain, body);
    }

    /** The body of a parallel loop that sums into a partial result of its own. */
    @FunctionalInterface
    public interface PartialSumBody {
        void run(int from, int to, float[] partial);
    }

    /**
     * As {@link #forRange(int, int, long, RangeBody)}, with each part summing into its own zeroed array of
     * {@code len} floats; the parts are then added into {@code out} in the order of their ranges. Adding them
     * as they finish would make the rounding, and so the result, depend on which thread was faster.
     */
    public static void forRangeSum(int n, int threads, long work, int len, float[] out, PartialSumBody body) {
        float[][] partials = new float[Math.max(n, 1)][];
        forRange(n, threads, work, (from, to) -> {
            float[] partial = new float[len];
            body.run(from, to, partial);
            partials[from] = partial;
        });
        for (float[] partial : partials) {
            if (partial != null) {
                for (int i = 0; i < len; i++) {
                    out[i] += partial[i];
                }
            }
        }
    }

    private static int start(int n, int parts, int p) {
        return (int) ((long) n * p / parts);
    }

    private static Helper claimHelper() {
        for (Helper h : HELPERS) {
            if (!h.claimed.get() && h.claimed.compareAndSet(false, true)) {
                return h;
            }
        }
        return null;
    }

    private static Helper[] startHelpers(int count) {
        Helper[] helpers = new Helper[Math.max(0, count)];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Helper(i + 1);
            helpers[i].start();
        }
        return helpers;
    }

    /**
     * A thread that runs one posted range at a time. The claiming caller owns it from {@link #post} until
     * {@link #awaitAndRelease}; {@code posted} and {@code done} count ranges, and the volatile writes to them
     * publish the range's fields and its results. Range {@code p} runs on whichever of the helper and the
     * caller first moves {@code started} from {@code p - 1} to {@code p}.
     */
    private static final class Helper extends Thread {
        final AtomicBoolean claimed = new AtomicBoolean();
        private RangeBody body;
        private int from;
        private int to;
        private Throwable failure;
        private volatile long posted;
        private volatile long done;
        private volatile boolean parked;
        private final AtomicLong started = new AtomicLong();

        Helper(int index) {
            super("tensorgraph-cpu-" + index);
            setDaemon(true);
        }

        void post(RangeBody body, int from, int to) {
            this.body = body;
            this.from = from;
            this.to = to;
            this.failure = null;
            posted = posted + 1;
            // The helper sets parked before it re-reads posted, and we wrote posted before reading parked:
            // either it sees the new range or we see it parked and wake it.
            if (parked) {
                LockSupport.unpark(this);
            }
        }

        /**
         * Runs the posted range here if the helper has not started it, else waits for it; then frees the helper
         * for other callers and returns the range's failure.
         */
        Throwable awaitAndRelease() {
            long want = posted;
            if (started.compareAndSet(want - 1, want)) {
                try {
                    body.run(from, to);
                } catch (Throwable t) {
                    failure = t;
                }
                done = want;
            }
            int spins = 0;
            while (done != want) {
                if (++spins < 1 << 16) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            Throwable t = failure;
            body = null;
            claimed.set(false);
            return t;
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long p = posted;
                if (p == seen) {
                    long since = System.nanoTime();
                    while ((p = posted) == seen && System.nanoTime() - since < SPIN_NANOS) {
                        Thread.onSpinWait();
                    }
                    while (p == seen) {
                        parked = true;
                        if ((p = posted) == seen) {
                            LockSupport.park(this);
                            p = posted;
                        }
                        parked = false;
                    }
                }
                seen = p;
                if (!started.compareAndSet(p - 1, p)) {
                    continue; // the caller took the range back
                }
                try {
                    body.run(from, to);
                } catch (Throwable t) {
                    failure = t;
                }
                done = p;
            }
        }
    }
}
