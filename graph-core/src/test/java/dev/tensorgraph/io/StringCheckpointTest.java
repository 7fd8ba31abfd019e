package dev.tensorgraph.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.proto.BundleEntryProto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * String tensors in checkpoints: the layout (varint lengths, the masked checksum of the lengths as 32-bit
 * integers, the bytes) byte for byte,
 * a round trip beside numeric tensors, and corrupt lengths refused with the tensor's name.
 */
class StringCheckpointTest {
    @TempDir
    Path dir;

    private static Tensor strings(Shape shape, String... values) {
        byte[][] b = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            b[i] = values[i].getBytes(StandardCharsets.UTF_8);
        }
        return Tensor.of(DType.STRING, shape, b);
    }

    @Test
    void roundTripsStringsBesideNumbers() throws Exception {
        Path prefix = dir.resolve("model");
        byte[] binary = new byte[300];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("label", Tensor.ofString("checkpoint label"));
        m.put("words", strings(Shape.of(2, 2), "", "ä", "a longer word", "x"));
        m.put("binary", Tensor.of(DType.STRING, Shape.of(1), new byte[][] {binary}));
        m.put("none", Tensor.of(DType.STRING, Shape.of(0), new byte[0][]));
        m.put("w", Tensor.of(new float[] {1.5f, -2}));
        CheckpointFiles.write(prefix, m);
        Map<String, Tensor> back = CheckpointFiles.read(prefix, null);
        for (Map.Entry<String, Tensor> e : m.entrySet()) {
            Tensor t = back.get(e.getKey());
            assertEquals(e.getValue().dtype(), t.dtype(), e.getKey());
            assertEquals(e.getValue().shape(), t.shape(), e.getKey());
            if (t.dtype() == DType.STRING) {
                assertArrayEquals((byte[][]) e.getValue().array(), (byte[][]) t.array(), e.getKey());
            } else {
                assertArrayEquals(e.getValue().floats(), t.floats());
            }
        }
    }

    @Test
    void layoutIsLengthsTheirChecksumThenBytes() throws Exception {
        Path prefix = dir.resolve("one");
        CheckpointFiles.write(prefix, Map.of("s", strings(Shape.of(2), "ab", "cde")));
        byte[] data = Files.readAllBytes(CheckpointFiles.dataFile(prefix));
        CRC32C lengths = new CRC32C();
        lengths.update(new byte[] {2, 0, 0, 0, 3, 0, 0, 0});
        int masked = MaskedCrc32c.mask((int) lengths.getValue());
        byte[] want = {2, 3, (byte) masked, (byte) (masked >>> 8), (byte) (masked >>> 16), (byte) (masked >>> 24),
                'a', 'b', 'c', 'd', 'e'};
        assertArrayEquals(want, data);
        BundleEntryProto entry = CheckpointFiles.entries(prefix).get("s");
        assertEquals(want.length, entry.getSize());
    }

    @Test
    void corruptLengthsAreDataLossNamingTheTensor() throws Exception {
        Path prefix = dir.resolve("bad");
        CheckpointFiles.write(prefix, Map.of("names", strings(Shape.of(2), "ab", "cde")));
        Path data = CheckpointFiles.dataFile(prefix);
        byte[] good = Files.readAllBytes(data);
        for (int at : new int[] {0, 1, 2}) {
            byte[] bad = good.clone();
            bad[at] ^= 0x40;
            Files.write(data, bad);
            DataLossException e = assertThrows(DataLossException.class, () -> CheckpointFiles.read(prefix, null));
            assertTrue(e.getMessage().contains("names"), e.getMessage());
        }
        Files.write(data, java.util.Arrays.copyOf(good, good.length - 1));
        DataLossException e = assertThrows(DataLossException.class, () -> CheckpointFiles.read(prefix, null));
        assertTrue(e.getMessage().contains("names"), e.getMessage());
    }
}
