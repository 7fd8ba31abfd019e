package dev.tensorgraph.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.proto.BundleEntryProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFilesTest {
    @TempDir
    Path dir;

    private Map<String, Tensor> sample() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("dense/kernel", Tensor.of(new float[][] {{1, 2}, {3, 4}}));
        m.put("dense/bias", Tensor.of(new float[] {0.5f, -0.5f}));
        m.put("global_step", Tensor.of(42L));
        m.put("flag", Tensor.of(new boolean[] {true, false}));
        m.put("d", Tensor.of(new double[] {1e-300}));
        m.put("i", Tensor.of(new int[] {-7}));
        m.put("u", Tensor.of(new byte[] {(byte) 200}));
        return m;
    }

    @Test
    void roundTripsEveryDtype() throws Exception {
        Path prefix = dir.resolve("model");
        CheckpointFiles.write(prefix, sample());
        Map<String, Tensor> back = CheckpointFiles.read(prefix, null);
        assertEquals(new TreeMap<>(sample()).keySet().stream().toList(), back.keySet().stream().toList());
        for (Map.Entry<String, Tensor> e : sample().entrySet()) {
            Tensor t = back.get(e.getKey());
            assertEquals(e.getValue().dtype(), t.dtype());
            assertEquals(e.getValue().shape(), t.shape());
            assertArrayEquals(e.getValue().toDoubles(), t.toDoubles());
        }
        BundleEntryProto kernel = CheckpointFiles.entries(prefix).get("dense/kernel");
        assertEquals(16, kernel.getSize());
        assertEquals(2, kernel.getShape().getDimCount());
    }

    @Test
    void checkpointFilesGetTheSamePermissionsAsOtherNewFiles() throws Exception {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "no POSIX permissions");
        // The umask decides; a file written the plain way shows what it allows.
        Path plain = Files.write(dir.resolve("graph.pb"), new byte[] {1});
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        Path prefix = dir.resolve("model-10");
        CheckpointFiles.write(prefix, sample());
        CheckpointFiles.writeAtomically(dir.resolve("checkpoint"), new byte[] {2});
        for (Path p : List.of(CheckpointFiles.indexFile(prefix), CheckpointFiles.dataFile(prefix), dir.resolve("checkpoint"))) {
            assertEquals(PosixFilePermissions.toString(expected), PosixFilePermissions.toString(Files.getPosixFilePermissions(p)),
                    p.getFileName().toString());
        }
        try (var files = Files.list(dir)) {
            assertEquals(4, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void manyKeysSpanSeveralBlocksWithSharedPrefixes() throws Exception {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < 700; i++) {
            m.put(String.format("layer_%04d/weights/Adam_1", i), Tensor.of(new float[] {i}));
        }
        Path prefix = dir.resolve("big");
        CheckpointFiles.write(prefix, m);
        Map<String, Tensor> back = CheckpointFiles.read(prefix, List.of("layer_0000/weights/Adam_1", "layer_0699/weights/Adam_1"));
        assertEquals(699f, back.get("layer_0699/weights/Adam_1").floats()[0]);
        assertEquals(700, CheckpointFiles.entries(prefix).size());
    }

    @Test
    void aFlippedDataByteFailsTheChecksumNamingTheTensor() throws Exception {
        Path prefix = dir.resolve("model");
        CheckpointFiles.write(prefix, sample());
        Path data = CheckpointFiles.dataFile(prefix);
        byte[] b = Files.readAllBytes(data);
        b[0] ^= 1;
        Files.write(data, b);
        var e = assertThrows(DataLossException.class, () -> CheckpointFiles.read(prefix, List.of("d")));
        assertTrue(e.getMessage().contains("d") && e.getMessage().contains("Checksum"), e.getMessage());
    }

    @Test
    void truncatedDataAndIndexAndMissingKeys() throws Exception {
        Path prefix = dir.resolve("model");
        CheckpointFiles.write(prefix, sample());
        var missing = assertThrows(NotFoundException.class, () -> CheckpointFiles.read(prefix, List.of("nope")));
        assertTrue(missing.getMessage().contains("nope"));
        Path data = CheckpointFiles.dataFile(prefix);
        byte[] b = Files.readAllBytes(data);
        Files.write(data, java.util.Arrays.copyOf(b, b.length - 3));
        var trunc = assertThrows(DataLossException.class, () -> CheckpointFiles.read(prefix, null));
        assertTrue(trunc.getMessage().contains("truncated"), trunc.getMessage());
        Path index = CheckpointFiles.indexFile(prefix);
        byte[] ib = Files.readAllBytes(index);
        Files.write(index, java.util.Arrays.copyOf(ib, ib.length / 2));
        var idx = assertThrows(DataLossException.class, () -> CheckpointFiles.entries(prefix));
        assertTrue(idx.getMessage().contains(index.toString()), idx.getMessage());
    }

    @Test
    void tableLayoutHasTheMagicFooter() {
        TableWriter w = new TableWriter();
        w.add("", new byte[] {1});
        w.add("a", new byte[] {2, 3});
        byte[] t = w.finish();
        assertEquals((byte) 0x57, t[t.length - 8]);
        assertEquals((byte) 0xdb, t[t.length - 1]);
        Map<String, byte[]> back = TableReader.readAll(t);
        assertArrayEquals(new byte[] {2, 3}, back.get("a"));
        assertThrows(dev.tensorgraph.errors.InvalidArgumentException.class, () -> w.add("0", new byte[0]));
        assertEquals(Shape.of(2), Tensor.of(DType.FLOAT32, Shape.of(2), new float[2]).shape());
    }
}
