package dev.tensorgraph.examples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The timing rule: the warm-up's minimum, the wait for the JIT compilers, and the rounds. */
class MeasurementTest {
    @Test
    void aQuickBudgetWarmsUpForItsRunsOnlyAndTimesEveryRound() {
        AtomicInteger runs = new AtomicInteger();
        Measurement.Samples s = Measurement.measure(runs::incrementAndGet, new Measurement.Budget(5, 0, 3, 4));
        assertEquals(5, s.warmRuns(), "no wait for the compilers without a minimum warm-up time");
        assertEquals(5 + 3 * 4, runs.get());
        assertEquals(4, s.secondsPerRun().length);
    }

    @Test
    void theWarmUpEndsOnceTheCompilersHaveBeenQuietAndWithinItsCap() {
        AtomicInteger runs = new AtomicInteger();
        long t0 = System.nanoTime();
        Measurement.Samples s = Measurement.measure(runs::incrementAndGet, new Measurement.Budget(1, 0.01, 1, 2));
        double took = (System.nanoTime() - t0) / 1e9;
        assertEquals(s.warmRuns() + 2, runs.get(), "every run of the wait counts as warm-up");
        if (ManagementFactory.getCompilationMXBean().isCompilationTimeMonitoringSupported()) {
            assertTrue(s.warmSeconds() >= Measurement.JIT_QUIET_SECONDS,
                    "the warm-up waited " + s.warmSeconds() + " s, less than the quiet time");
        }
        assertTrue(took < 0.01 + Measurement.MAX_JIT_WAIT_SECONDS + 5, "the wait is capped: " + took + " s");
    }

    @Test
    void statsAreTheMedianAndRangeInRoundOrder() {
        Measurement.Stats st = Measurement.Stats.of(new double[] {3, 1, 2, 10});
        assertEquals(2.5, st.median());
        assertEquals(1, st.min());
        assertEquals(10, st.max());
        assertArrayEquals(new double[] {3, 1, 2, 10}, st.values());
    }
}
