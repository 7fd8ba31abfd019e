package dev.tensorgraph.examples.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.examples.IdxReader;
import dev.tensorgraph.io.InputLimits;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link IdxReader#read} on an arbitrary file, plain or gzip, gives its dimensions and bytes or throws one of
 * {@code dev.tensorgraph.errors.*}, allocating no more than the file's (decompressed) size justifies. Seeds
 * ({@code IdxFuzzTestInputs/read}): a few Fashion-MNIST images and labels cut from {@code fashion-mnist-mini},
 * plain and gzip-compressed, and {@code expansion_bomb}, 3 KB of gzip declaring 3 MiB. Runs with a 1 MiB
 * expansion limit, so that inputs reach the check on what gzip data inflates to.
 */
class IdxFuzzTest {
    private static final Path FILE = scratchFile();
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @BeforeAll
    static void smallExpansionLimit() {
        InputLimits.setMaxExpandedBytes(1 << 20);
    }

    @AfterAll
    static void defaultExpansionLimit() {
        InputLimits.setMaxExpandedBytes(-1);
    }

    @FuzzTest(maxDuration = "30s")
    void read(byte[] input) throws IOException {
        Files.write(FILE, input);
        IdxReader.Idx[] read = new IdxReader.Idx[1];
        // gzip may expand about 1000-fold; anything far beyond that is a header that lies about the size.
        long budget = (64L << 20) + 2048L * input.length;
        long used = allocation(() -> read[0] = IdxReader.read(FILE));
        if (used > budget) {
            used = allocation(() -> read[0] = IdxReader.read(FILE));  // the first run also loads classes
        }
        assertTrue(used <= budget, "IdxReader allocated " + used + " bytes for a " + input.length
                + "-byte file (budget " + budget + ")");
        if (read[0] == null) {
            return;  // a typed error
        }
        long count = 1;
        for (int d : read[0].dims()) {
            count *= d;
        }
        assertEquals(count, read[0].data().length);
    }

    /** Bytes the current thread allocated while running {@code r}; a typed error from it is accepted. */
    private static long allocation(Runnable r) {
        long start = THREADS.getCurrentThreadAllocatedBytes();
        try {
            r.run();
        } catch (TensorgraphException expected) {
            // malformed input reported as a typed error
        }
        return THREADS.getCurrentThreadAllocatedBytes() - start;
    }

    private static Path scratchFile() {
        try {
            Path dir = Files.createTempDirectory("tg-fuzz-idx");
            Path file = dir.resolve("fuzz-idx-ubyte");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                file.toFile().delete();
                dir.toFile().delete();
            }));
            return file;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
