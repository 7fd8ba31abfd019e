package dev.tensorgraph.data.fuzz;

import dev.tensorgraph.fuzz.AllocationBudget;
import dev.tensorgraph.fuzz.FuzzFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tensorgraph.data.Idx;
import dev.tensorgraph.io.InputLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link Idx#read} on an arbitrary file, plain or gzip, gives its dimensions and bytes or throws one of
 * {@code dev.tensorgraph.errors.*}, allocating no more than the file's (decompressed) size justifies. Seeds
 * ({@code IdxFuzzTestInputs/read}): a few Fashion-MNIST images and labels cut from {@code fashion-mnist-mini},
 * plain and gzip-compressed, and {@code expansion_bomb}, 3 KB of gzip declaring 3 MiB. Runs with a 1 MiB
 * expansion limit, so that inputs reach the check on what gzip data inflates to.
 */
class IdxFuzzTest {
    private static final Path FILE = new FuzzFiles("fuzz-idx-ubyte").dir().resolve("fuzz-idx-ubyte");

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
        Idx[] read = new Idx[1];
        // gzip may expand about 1000-fold; anything far beyond that is a header that lies about the size.
        AllocationBudget.check(input.length, 2048, "Idx.read", () -> read[0] = Idx.read(FILE));
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
