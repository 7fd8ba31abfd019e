package dev.tensorgraph.examples.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tensorgraph.examples.IdxReader;
import dev.tensorgraph.fuzz.AllocationBudget;
import dev.tensorgraph.fuzz.FuzzFiles;
import dev.tensorgraph.io.InputLimits;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link IdxReader#read} on an arbitrary file, plain or gzip, gives its dimensions and bytes or throws one of
 * {@code dev.tensorgraph.errors.*}, allocating no more than the file's (decompressed) size justifies
 * ({@link AllocationBudget}, with room for gzip's expansion). Seeds
 * ({@code IdxFuzzTestInputs/read}): a few Fashion-MNIST images and labels cut from {@code fashion-mnist-mini},
 * plain and gzip-compressed, and {@code expansion_bomb}, 3 KB of gzip declaring 3 MiB. Runs with a 1 MiB
 * expansion limit, so that inputs reach the check on what gzip data inflates to.
 */
class IdxFuzzTest {
    private static final FuzzFiles FILES = new FuzzFiles("idx");
    /** gzip may expand about 1000-fold; anything far beyond that is a header that lies about the size. */
    private static final long GZIP_BYTES_PER_INPUT_BYTE = 2048;

    @BeforeAll
    static void smallExpansionLimit() {
        InputLimits.setMaxExpandedBytes(1 << 20);
    }

    @AfterAll
    static void defaultExpansionLimit() {
        InputLimits.setMaxExpandedBytes(-1);
    }

    @FuzzTest(maxDuration = "30s")
    void read(byte[] input) {
        Path file = FILES.write("fuzz-idx-ubyte", input, 0, input.length);
        IdxReader.Idx[] read = new IdxReader.Idx[1];
        AllocationBudget.check(input.length, GZIP_BYTES_PER_INPUT_BYTE, "IdxReader.read",
                () -> read[0] = IdxReader.read(file));
        if (read[0] == null) {
            return;  // a typed error
        }
        long count = 1;
        for (int d : read[0].dims()) {
            count *= d;
        }
        assertEquals(count, read[0].data().length);
    }
}
