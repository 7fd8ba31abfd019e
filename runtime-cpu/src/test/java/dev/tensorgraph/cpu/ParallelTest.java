package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The intra-op loop: every index runs exactly once whatever the split, a failure in any part reaches the
 * caller after all parts have ended, and nested or concurrent callers (more than there are helpers) all
 * finish with complete results.
 */
class ParallelTest {
    @Test
    void everyIndexRunsOnceForAnySplit() {
        for (int n : new int[] {0, 1, 2, 3, 7, 100, 10_001}) {
            for (int threads : new int[] {1, 2, 3, 8}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                for (int round = 0; round < 50; round++) {
                    Parallel.forRange(n, threads, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            hits.incrementAndGet(i);
                        }
                    });
                }
                for (int i = 0; i < n; i++) {
                    assertEquals(50, hits.get(i), "n " + n + ", threads " + threads + ", index " + i);
                }
            }
        }
    }

    @Test
    void aFailureInAnyPartReachesTheCallerAfterThePartsEnd() {
        for (int failing = 0; failing < 4; failing++) {
            int bad = failing;
            AtomicIntegerArray ended = new AtomicIntegerArray(4);
            IllegalStateException boom = new IllegalStateException("part " + bad);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(4, 4, (from, to) -> {
                try {
                    if (from == bad) {
                        throw boom;
                    }
                    busy(200_000);
                } finally {
                    ended.incrementAndGet(from);
                }
            }));
            assertSame(boom, e);
            for (int p = 0; p < 4; p++) {
                assertEquals(1, ended.get(p), "part " + p + " ended before forRange returned");
            }
        }
        // The helpers still work after a failure.
        AtomicIntegerArray hits = new AtomicIntegerArray(1000);
        Parallel.forRange(1000, 4, (from, to) -> {
            for (int i = from; i < to; i++) {
                hits.incrementAndGet(i);
            }
        });
        for (int i = 0; i < 1000; i++) {
            assertEquals(1, hits.get(i));
        }
    }

    @Test
    void nestedAndConcurrentCallersAllComplete() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try {
            List<Future<long[]>> results = new ArrayList<>();
            for (int c = 0; c < 24; c++) {
                int seed = c;
                results.add(callers.submit(() -> {
                    long[] sums = new long[64];
                    Parallel.forRange(64, 2, (from, to) -> {
                        for (int row = from; row < to; row++) {
                            int r = row;
                            long[] part = new long[2];
                            Parallel.forRange(2, 2, (a, b) -> {
                                for (int k = a; k < b; k++) {
                                    for (int i = 0; i < 5000; i++) {
                                        part[k] += (long) (r + seed) * i;
                                    }
                                }
                            });
                            sums[r] = part[0] + part[1];
                        }
                    });
                    return sums;
                }));
            }
            for (int c = 0; c < results.size(); c++) {
                long[] sums = results.get(c).get();
                for (int r = 0; r < 64; r++) {
                    assertEquals(2L * (r + c) * (4999L * 5000 / 2), sums[r], "caller " + c + ", row " + r);
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void partialSumsAreAddedInPartOrderWhateverFinishesFirst() {
        // Parts whose sum depends on the order of addition: (1e8 + 1) - 1e8 is 0 in float, (1e8 - 1e8) + 1 is 1.
        float[] values = {1e8f, 1f, -1e8f, 3f};
        for (int threads : new int[] {2, 4}) {
            float want = 0f;
            int parts = Math.min(threads, values.length);
            for (int p = 0; p < parts; p++) {
                float part = 0f;
                for (int i = (int) ((long) values.length * p / parts); i < (int) ((long) values.length * (p + 1) / parts); i++) {
                    part += values[i];
                }
                want += part;
            }
            for (int round = 0; round < 200; round++) {
                float[] out = new float[1];
                int slowPart = round % parts;
                Parallel.forRangeSum(values.length, threads, Long.MAX_VALUE, 1, out, (from, to, partial) -> {
                    if (from == (int) ((long) values.length * slowPart / parts)) {
                        busy(20_000);
                    }
                    for (int i = from; i < to; i++) {
                        partial[0] += values[i];
                    }
                });
                assertEquals(want, out[0], 0f, "threads " + threads + ", round " + round);
            }
        }
    }

    private static void busy(int iterations) {
        double x = 1;
        for (int i = 0; i < iterations; i++) {
            x = x * 1.0000001 + 1e-9;
        }
        if (x == 0) {
            throw new AssertionError();
        }
    }
}
