package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Chunked loops with stealing: every index runs exactly once however the range is cut, a thread slowed down loses
 * the far end of its share to the others, and a failure reaches the caller.
 */
class StealingRangeTest {
    @Test
    void everyIndexRunsOnceForAnyGrainAndThreadCount() {
        for (int n : new int[] {0, 1, 2, 3, 7, 100, 10_001}) {
            for (int threads : new int[] {1, 2, 3, 8}) {
                for (int grain : new int[] {0, 1, 4, 64, 20_000}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                    for (int round = 0; round < 20; round++) {
                        Parallel.forChunks(n, threads, grain, (from, to) -> {
                            assertTrue(from < to, "an empty chunk [" + from + ", " + to + ")");
                            for (int i = from; i < to; i++) {
                                hits.incrementAndGet(i);
                            }
                        });
                    }
                    for (int i = 0; i < n; i++) {
                        assertEquals(20, hits.get(i), "n " + n + ", threads " + threads + ", grain " + grain
                                + ", index " + i);
                    }
                }
            }
        }
    }

    @Test
    void chunksFromTheFrontKeepToTheGrainUntilTheShareRunsLow() {
        int[] largest = new int[1];
        Parallel.forChunks(1000, 1, 64, (from, to) -> largest[0] = Math.max(largest[0], to - from));
        assertEquals(1000, largest[0], "one thread runs the whole range at once");
        Thread caller = Thread.currentThread();
        int[] first = new int[1];
        boolean[] firstByCaller = new boolean[1];
        AtomicIntegerArray sizes = new AtomicIntegerArray(400);
        Parallel.forChunks(400, 2, 64, (from, to) -> {
            sizes.set(from, to - from);
            if (from == 0) {
                first[0] = to - from;
                firstByCaller[0] = Thread.currentThread() == caller;
            }
        });
        if (firstByCaller[0]) {
            assertEquals(64, first[0], "the caller's first chunk of its share of 200 is a whole grain");
        }
        for (int i = 0; i < 400; i++) {
            assertTrue(sizes.get(i) <= 64, "chunk at " + i + " of " + sizes.get(i) + " is larger than the grain");
        }
    }

    @Test
    void aRangeOfFewerIndicesThanTheGrainIsStillSplit() {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs a helper thread");
        Thread caller = Thread.currentThread();
        boolean[] ranOnHelper = new boolean[1];
        Parallel.forChunks(2, 2, 64, (from, to) -> {
            if (Thread.currentThread() == caller) {
                LockSupport.parkNanos(20_000_000);
            } else {
                ranOnHelper[0] = true;
            }
        });
        assertTrue(ranOnHelper[0], "two indices with a grain of 64 all ran on the caller");
    }

    @Test
    void aSlowThreadsShareIsFinishedByTheOthers() {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs a helper thread");
        Thread caller = Thread.currentThread();
        int n = 64;
        AtomicIntegerArray byHelper = new AtomicIntegerArray(n);
        Parallel.forChunks(n, 2, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                if (Thread.currentThread() == caller) {
                    LockSupport.parkNanos(2_000_000);
                } else {
                    byHelper.set(i, 1);
                }
            }
        });
        int stolen = 0;
        for (int i = 0; i < n / 2; i++) {
            stolen += byHelper.get(i);
        }
        assertTrue(stolen > 0, "the helper took none of the slowed caller's share");
    }

    @Test
    void aFailureReachesTheCaller() {
        IllegalStateException boom = new IllegalStateException("index 37");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forChunks(100, 2, 4,
                (from, to) -> {
                    if (from <= 37 && 37 < to) {
                        throw boom;
                    }
                }));
        assertSame(boom, e);
    }
}
