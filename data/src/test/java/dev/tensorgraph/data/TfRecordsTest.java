package dev.tensorgraph.data;

import static dev.tensorgraph.data.TensorAssert.assertTensorEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TFRecord files and Examples both ways with TensorFlow: files TensorFlow wrote (plain, GZIP, ZLIB) read and
 * parsed here; files written here are byte for byte the ones in tf-data/ours, which data_cases.py has TensorFlow
 * read and parse. Corrupt and truncated files are typed errors naming the file, record and offset.
 */
class TfRecordsTest {
    /** The spec of data_cases.py's Examples, as tf.io.parse_single_example gets it there. */
    static final Map<String, FeatureSpec> SPEC = Map.of(
            "label", FeatureSpec.fixedLen(Shape.scalar(), DType.INT64),
            "weights", FeatureSpec.fixedLen(Shape.of(3), DType.FLOAT32),
            "name", FeatureSpec.fixedLen(Shape.scalar(), DType.STRING),
            "tags", FeatureSpec.varLen(DType.STRING),
            "ids", FeatureSpec.varLen(DType.INT64));

    @TempDir
    Path dir;

    @Test
    void readsTensorFlowsFilesInEveryCompression() {
        for (String[] f : new String[][] {{"examples.tfrecord", ""}, {"examples.tfrecord.gz", "GZIP"},
                {"examples.tfrecord.zlib", "ZLIB"}}) {
            Dataset ds = Dataset.tfRecordDataset(List.of(TfData.file(f[0])), TfRecords.Compression.of(f[1]))
                    .map(Examples.parseExample(SPEC));
            int i = 0;
            for (Map<String, Tensor> e : ds) {
                Map<String, Tensor> want = TfData.exampleValues(i);
                for (String key : SPEC.keySet()) {
                    assertTensorEquals(want.get(key), e.get(key), f[0] + " record " + i + " feature " + key);
                }
                i++;
            }
            assertEquals(TfData.RECORDS, i, f[0]);
        }
    }

    @Test
    void readsTensorFlowsSequenceExamples() {
        Dataset ds = Dataset.tfRecordDataset(TfData.file("sequences.tfrecord")).map(Examples.parseSequenceExample(
                Map.of("length", FeatureSpec.fixedLen(Shape.scalar(), DType.INT64)),
                Map.of("tokens", FeatureSpec.fixedLen(Shape.of(1), DType.INT64),
                        "frames", FeatureSpec.fixedLen(Shape.of(2), DType.FLOAT32))));
        int i = 0;
        for (Map<String, Tensor> e : ds) {
            int steps = i + 1;
            assertEquals(steps, e.get("length").longValue());
            long[] tokens = new long[steps];
            float[] frames = new float[2 * steps];
            for (int s = 0; s < steps; s++) {
                tokens[s] = 10L * i + s;
                frames[2 * s] = s;
                frames[2 * s + 1] = -s * 0.5f;
            }
            assertTensorEquals(Tensor.of(DType.INT64, Shape.of(steps, 1), tokens), e.get("tokens"), "tokens " + i);
            assertTensorEquals(Tensor.of(DType.FLOAT32, Shape.of(steps, 2), frames), e.get("frames"), "frames " + i);
            i++;
        }
        assertEquals(3, i);
    }

    /** data_cases.py's Examples, written by our writer. */
    private static void writeOurs(Path file, TfRecords.Compression compression) {
        try (TfRecords.Writer w = TfRecords.writer(file, compression)) {
            for (int i = 0; i < TfData.RECORDS; i++) {
                Map<String, Tensor> v = TfData.exampleValues(i);
                Map<String, Tensor> ordered = new LinkedHashMap<>();
                for (String key : List.of("label", "weights", "name", "tags", "ids")) {
                    ordered.put(key, v.get(key));
                }
                w.write(Examples.encode(ordered));
            }
        }
    }

    /**
     * Our writer's files are the ones TensorFlow was shown to read (data_cases.py --check reads tf-data/ours and
     * parses every record); the GZIP file is compared after decompression, since deflate output may vary between
     * zlib versions. With the environment variable TENSORGRAPH_TFDATA_OURS=DIR this writes the files there instead.
     */
    @Test
    void ourFilesAreTheOnesTensorFlowRead() throws IOException {
        String regenerate = System.getenv("TENSORGRAPH_TFDATA_OURS");
        if (regenerate != null) {
            Files.createDirectories(Path.of(regenerate));
            writeOurs(Path.of(regenerate, "examples.tfrecord"), TfRecords.Compression.NONE);
            writeOurs(Path.of(regenerate, "examples.tfrecord.gz"), TfRecords.Compression.GZIP);
            return;
        }
        Path plain = dir.resolve("ours.tfrecord");
        writeOurs(plain, TfRecords.Compression.NONE);
        assertArrayEquals(Files.readAllBytes(TfData.file("ours/examples.tfrecord")), Files.readAllBytes(plain));
        Path gz = dir.resolve("ours.tfrecord.gz");
        writeOurs(gz, TfRecords.Compression.GZIP);
        List<byte[]> mine = TfRecords.readAll(gz, TfRecords.Compression.GZIP);
        List<byte[]> checked = TfRecords.readAll(TfData.file("ours/examples.tfrecord.gz"), TfRecords.Compression.GZIP);
        assertEquals(checked.size(), mine.size());
        for (int i = 0; i < mine.size(); i++) {
            assertArrayEquals(checked.get(i), mine.get(i), "record " + i);
        }
    }

    @Test
    void corruptAndTruncatedRecordsNameFileRecordAndOffset() throws IOException {
        byte[] good = Files.readAllBytes(TfData.file("examples.tfrecord"));
        int second = 12 + (int) (good[0] & 0xff) + 4;
        byte[] flipped = good.clone();
        flipped[second + 14] ^= 1;
        Path bad = Files.write(dir.resolve("flipped.tfrecord"), flipped);
        DataLossException e = assertThrows(DataLossException.class, () -> TfRecords.readAll(bad, TfRecords.Compression.NONE));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("record 1")
                && e.getMessage().contains("offset " + second), e.getMessage());
        Path cut = Files.write(dir.resolve("cut.tfrecord"), java.util.Arrays.copyOf(good, good.length - 3));
        e = assertThrows(DataLossException.class, () -> TfRecords.readAll(cut, TfRecords.Compression.NONE));
        assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("truncated")
                && e.getMessage().contains("record " + (TfData.RECORDS - 1)), e.getMessage());
        byte[] gz = Files.readAllBytes(TfData.file("examples.tfrecord.gz"));
        Path cutGz = Files.write(dir.resolve("cut.tfrecord.gz"), java.util.Arrays.copyOf(gz, gz.length / 2));
        e = assertThrows(DataLossException.class, () -> TfRecords.readAll(cutGz, TfRecords.Compression.GZIP));
        assertTrue(e.getMessage().contains(cutGz.toString()), e.getMessage());
        e = assertThrows(DataLossException.class, () -> TfRecords.readAll(TfData.file("examples.tfrecord"),
                TfRecords.Compression.GZIP));
        assertTrue(e.getMessage().contains("not a GZIP file"), e.getMessage());
    }

    @Test
    void aDatasetGoesOnWithTheNextFileAfterACorruptOneAndIgnoreErrorsSkipsIt() throws IOException {
        byte[] good = Files.readAllBytes(TfData.file("examples.tfrecord"));
        byte[] flipped = good.clone();
        flipped[flipped.length - 30] ^= 1;
        Path bad = Files.write(dir.resolve("bad.tfrecord"), flipped);
        Path missing = dir.resolve("missing.tfrecord");
        Dataset ds = Dataset.tfRecordDataset(bad, missing, TfData.file("examples.tfrecord"));
        List<String> seen = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        try (DatasetIterator it = ds.iterator()) {
            while (true) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    it.next();
                    seen.add("record");
                } catch (DataLossException | NotFoundException e) {
                    errors.add(e.getClass().getSimpleName());
                }
            }
        }
        assertEquals(List.of("DataLossException", "NotFoundException"), errors);
        assertEquals(TfData.RECORDS - 1 + TfData.RECORDS, seen.size());
        int n = 0;
        for (Map<String, Tensor> e : ds.ignoreErrors()) {
            n++;
        }
        assertEquals(TfData.RECORDS - 1 + TfData.RECORDS, n);
    }

    @Test
    void recordsThatDoNotMatchTheSpecNameFeatureFileAndRecord() {
        Path file = TfData.file("examples.tfrecord");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Dataset.tfRecordDataset(file)
                .map(Examples.parseExample(Map.of("label", FeatureSpec.fixedLen(Shape.scalar(), DType.FLOAT32))))
                .iterator().next());
        assertTrue(e.getMessage().contains("'label'") && e.getMessage().contains(file + " record 0"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class, () -> Dataset.tfRecordDataset(file)
                .map(Examples.parseExample(Map.of("weights", FeatureSpec.fixedLen(Shape.of(2), DType.FLOAT32))))
                .iterator().next());
        assertTrue(e.getMessage().contains("'weights' has 3 values"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class, () -> Dataset.tfRecordDataset(file)
                .map(Examples.parseExample(Map.of("missing", FeatureSpec.fixedLen(Shape.scalar(), DType.INT64))))
                .iterator().next());
        assertTrue(e.getMessage().contains("'missing'") && e.getMessage().contains("required"), e.getMessage());
        Map<String, Tensor> withDefault = Dataset.tfRecordDataset(file).map(Examples.parseExample(Map.of("missing",
                FeatureSpec.fixedLen(Shape.of(2), DType.INT64, Tensor.of(-1L))))).iterator().next();
        assertTensorEquals(Tensor.of(new long[] {-1, -1}), withDefault.get("missing"), "default");
        // Under a spec that needs exactly one tag, ignoreErrors keeps the records that have one.
        int kept = 0;
        for (Map<String, Tensor> x : Dataset.tfRecordDataset(file).map(Examples.parseExample(Map.of("tags",
                FeatureSpec.fixedLen(Shape.of(1), DType.STRING)))).ignoreErrors()) {
            assertEquals(Shape.of(1), x.get("tags").shape());
            kept++;
        }
        assertEquals(2, kept, "records 1 and 4 have exactly one tag");
    }
}
