package dev.tensorgraph.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tensorgraph.io.MaskedCrc32c;
import dev.tensorgraph.ops.summary.EventFileReader;
import java.nio.file.Path;

/**
 * {@link EventFileReader#readAll} on an arbitrary file gives its events or one of {@code
 * dev.tensorgraph.errors.*}, within the {@link AllocationBudget}. Seeds ({@code EventFileFuzzTestInputs/read}):
 * event files written by {@code FileWriter} with scalars and with a graph. Each input is read twice: as it is, and
 * with every record's two checksums recomputed, so that mutated lengths and events get past the checksums.
 */
class EventFileFuzzTest {
    private static final FuzzFiles FILES = new FuzzFiles("events");

    @FuzzTest(maxDuration = "30s")
    void read(byte[] input) {
        readBack(input);
        readBack(withValidChecksums(input));
    }

    private static void readBack(byte[] bytes) {
        Path file = FILES.write("events.out.tfevents.fuzz", bytes, 0, bytes.length);
        AllocationBudget.check(bytes.length, "EventFileReader.readAll", () -> EventFileReader.readAll(file));
    }

    /** A copy with each record's length and data checksums recomputed, as far as the lengths fit the bytes. */
    static byte[] withValidChecksums(byte[] in) {
        byte[] b = in.clone();
        int pos = 0;
        while (pos + 12 <= b.length) {
            long length = 0;
            for (int i = 7; i >= 0; i--) {
                length = (length << 8) | (b[pos + i] & 0xff);
            }
            putInt(b, pos + 8, MaskedCrc32c.maskedCrc(b, pos, 8));
            int data = pos + 12;
            if (length < 0 || length > b.length - data - 4) {
                break;
            }
            putInt(b, data + (int) length, MaskedCrc32c.maskedCrc(b, data, (int) length));
            pos = data + (int) length + 4;
        }
        return b;
    }

    private static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }
}
