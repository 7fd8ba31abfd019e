package dev.tensorgraph.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tensorgraph.errors.TensorgraphException;
import java.lang.management.ManagementFactory;

/**
 * Fails when one fuzz input makes a reader allocate far more than its size could justify, which is how a
 * lying length field shows up long before an OutOfMemoryError would on a large heap. Counts the bytes the
 * current thread allocates (HotSpot's per-thread counter). Shared with other modules' fuzz tests through
 * graph-core's test jar.
 */
public final class AllocationBudget {
    /** Allowed allocation per input: a fixed allowance plus this many bytes per input byte. */
    static final long FIXED = 64L << 20;
    static final long PER_INPUT_BYTE = 1024;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationBudget() {}

    /**
     * Runs {@code read}, which may throw one of {@code dev.tensorgraph.errors.*} (ignored here; anything else
     * propagates), and fails if it allocated more than the budget for {@code inputLength} bytes. The first run
     * of a code path also pays for loading and instrumenting its classes, so an overrun is measured again.
     */
    public static void check(int inputLength, String what, Runnable read) {
        check(inputLength, PER_INPUT_BYTE, what, read);
    }

    /**
     * As {@link #check(int, String, Runnable)}, allowing {@code perInputByte} bytes per input byte besides the
     * fixed allowance: for readers of compressed data, whose output may rightly be many times their input.
     */
    public static void check(int inputLength, long perInputByte, String what, Runnable read) {
        long budget = FIXED + perInputByte * inputLength;
        long used = measure(read);
        if (used > budget) {
            used = measure(read);
            if (used > budget) {
                fail(what + " allocated " + used + " bytes for a " + inputLength + "-byte input (budget " + budget
                        + ")");
            }
        }
    }

    private static long measure(Runnable read) {
        long start = THREADS.getCurrentThreadAllocatedBytes();
        try {
            read.run();
        } catch (TensorgraphException expected) {
            // a typed error is an acceptable outcome; only the allocation is judged here
        }
        return THREADS.getCurrentThreadAllocatedBytes() - start;
    }
}
