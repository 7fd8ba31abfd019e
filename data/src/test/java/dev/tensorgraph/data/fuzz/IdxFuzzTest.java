package dev.tensorgraph.data.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tensorgraph.data.Idx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link Idx#read} on an arbitrary file, plain or gzip, gives its dimensions and bytes or throws one of
 * {@code dev.tensorgraph.errors.*}, allocating no more than the file's (decompressed) size justifies. Seeds
 * ({@code IdxFuzzTestInputs/read}): a few Fashion-MNIST images and labels cut from {@code fashion-mnist-mini},
 * plain and gzip-compressed.
 */
class IdxFuzzTest {
    private static final Path FILE = FuzzBudget.scratch("fuzz-idx-ubyte");

    @FuzzTest(maxDuration = "30s")
    void read(byte[] input) throws IOException {
        Files.write(FILE, input);
        Idx[] read = new Idx[1];
        // gzip may expand about 1000-fold; anything far beyond that is a header that lies about the size.
        FuzzBudget.check(input.length, 2048, "Idx.read", () -> read[0] = Idx.read(FILE));
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
