package dev.tensorgraph.data.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tensorgraph.data.Dataset;
import dev.tensorgraph.data.TfRecords;
import dev.tensorgraph.fuzz.AllocationBudget;
import dev.tensorgraph.fuzz.FuzzFiles;
import dev.tensorgraph.io.RecordFraming;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * The TFRecord reader on arbitrary files: read as they are (plain and as GZIP), and with the input's bytes cut at
 * every 0x0a into records that are framed correctly, so that mutations reach the data past the checksums, read
 * through a data set. Seeds ({@code TfRecordFuzzTestInputs/read}): TensorFlow's and our Example files.
 */
class TfRecordFuzzTest {
    private static final Path FILE = new FuzzFiles("fuzz.tfrecord").dir().resolve("fuzz.tfrecord");

    @FuzzTest(maxDuration = "30s")
    void read(byte[] input) throws IOException {
        for (TfRecords.Compression c : TfRecords.Compression.values()) {
            Files.write(FILE, input);
            AllocationBudget.check(input.length, 1024, "TfRecords.readAll " + c, () -> TfRecords.readAll(FILE, c));
        }
        Files.write(FILE, gzip(framed(input)));
        AllocationBudget.check(input.length, 1024, "a GZIP TFRecord data set", () -> {
            for (var element : Dataset.tfRecordDataset(java.util.List.of(FILE), TfRecords.Compression.GZIP)) {
                element.get(TfRecords.RECORD);
            }
        });
    }

    private static byte[] framed(byte[] input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int start = 0;
        for (int i = 0; i <= input.length; i++) {
            if (i == input.length || input[i] == 0x0a) {
                try {
                    RecordFraming.write(out, input, start, i - start);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                start = i + 1;
            }
        }
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write(data);
        }
        return b.toByteArray();
    }
}
