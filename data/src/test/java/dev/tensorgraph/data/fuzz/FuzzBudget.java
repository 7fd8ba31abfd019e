package dev.tensorgraph.data.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tensorgraph.errors.TensorgraphException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What every fuzz test of the data module checks: the reader returns or throws one of
 * {@code dev.tensorgraph.errors.*} (anything else propagates and is a finding), allocating no more than a fixed
 * allowance plus a multiple of the input's size (a lying length or image size shows up here long before an
 * OutOfMemoryError would).
 */
final class FuzzBudget {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private FuzzBudget() {}

    static void check(int inputLength, long perInputByte, String what, Runnable read) {
        long budget = (64L << 20) + perInputByte * inputLength;
        long used = measure(read);
        if (used > budget) {
            used = measure(read);  // the first run of a path also loads and instruments its classes
            if (used > budget) {
                fail(what + " allocated " + used + " bytes for a " + inputLength + "-byte input (budget " + budget + ")");
            }
        }
    }

    private static long measure(Runnable read) {
        long start = THREADS.getCurrentThreadAllocatedBytes();
        try {
            read.run();
        } catch (TensorgraphException expected) {
            // a typed error is an acceptable outcome
        }
        return THREADS.getCurrentThreadAllocatedBytes() - start;
    }

    /** A scratch file, deleted at exit, that each input is written to. */
    static Path scratch(String name) {
        try {
            Path dir = Files.createTempDirectory("tg-fuzz-data");
            Path file = dir.resolve(name);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                file.toFile().delete();
                dir.toFile().delete();
            }));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
