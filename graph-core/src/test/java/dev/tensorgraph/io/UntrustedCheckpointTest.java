package dev.tensorgraph.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.errors.ResourceExhaustedException;
import dev.tensorgraph.proto.BundleEntryProto;
import dev.tensorgraph.proto.BundleHeaderProto;
import dev.tensorgraph.proto.DataType;
import dev.tensorgraph.proto.TensorShapeProto;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints from elsewhere: data files past 2 GiB are read at the tensors' offsets without reading the file,
 * index files are size-checked before they are read, and index tables whose keys repeat or are out of order
 * are corrupt, as is an entry of a reference dtype. Big files are sparse: they take no disk space.
 */
class UntrustedCheckpointTest {
    private static final long THREE_GIB = 3L << 30;

    @TempDir
    Path dir;

    @AfterEach
    void defaults() {
        InputLimits.setMaxFileBytes(-1);
    }

    @Test
    void dataFilesBeyondTwoGibAreReadAtEachTensorsOffset() throws Exception {
        Path prefix = dir.resolve("big");
        float[] head = {1.5f, -2.5f};
        float[] tail = new float[1000];
        for (int i = 0; i < tail.length; i++) {
            tail[i] = i * 0.25f - 7;
        }
        long tailOffset = (1L << 31) + 4099;  // past what an int offset or one byte array can reach, not aligned
        byte[] headBytes = littleEndian(head);
        byte[] tailBytes = littleEndian(tail);
        try (RandomAccessFile f = new RandomAccessFile(CheckpointFiles.dataFile(prefix).toFile(), "rw")) {
            f.setLength(THREE_GIB);
            f.write(headBytes);
            f.seek(tailOffset);
            f.write(tailBytes);
        }
        TableWriter index = new TableWriter();
        index.add("", BundleHeaderProto.newBuilder().setNumShards(1).build().toByteArray());
        index.add("a/head", entry(head.length, 0, headBytes).toByteArray());
        index.add("b/tail", entry(tail.length, tailOffset, tailBytes).toByteArray());
        Files.write(CheckpointFiles.indexFile(prefix), index.finish());

        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        Map<String, Tensor> read = CheckpointFiles.read(prefix, List.of("b/tail", "a/head"));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertArrayEquals(tail, read.get("b/tail").floats());
        assertArrayEquals(head, read.get("a/head").floats());
        assertTrue(allocated < 16L << 20, "reading two small tensors of a 3 GiB file allocated " + allocated + " bytes");

        // A tensor that claims bytes past the end is truncation, found from the size, not by reading.
        index = new TableWriter();
        index.add("", BundleHeaderProto.newBuilder().setNumShards(1).build().toByteArray());
        index.add("past", entry(tail.length, THREE_GIB - 8, tailBytes).toByteArray());
        Files.write(CheckpointFiles.indexFile(prefix), index.finish());
        String m = assertThrows(DataLossException.class, () -> CheckpointFiles.read(prefix, null)).getMessage();
        assertTrue(m.contains("truncated") && m.contains("past"), m);
    }

    @Test
    void indexFilesAreSizeCheckedBeforeReading() throws Exception {
        Path prefix = dir.resolve("huge");
        try (RandomAccessFile f = new RandomAccessFile(CheckpointFiles.indexFile(prefix).toFile(), "rw")) {
            f.setLength(THREE_GIB);
        }
        Files.write(CheckpointFiles.dataFile(prefix), new byte[0]);
        String m = assertThrows(ResourceExhaustedException.class, () -> CheckpointFiles.entries(prefix)).getMessage();
        assertTrue(m.contains(CheckpointFiles.indexFile(prefix).toString()) && m.contains(Long.toString(THREE_GIB))
                && m.contains(InputLimits.MAX_FILE_BYTES_PROPERTY), m);

        Path small = dir.resolve("small");
        CheckpointFiles.write(small, Map.of("x", Tensor.of(new float[] {1})));
        InputLimits.setMaxFileBytes(16);
        m = assertThrows(ResourceExhaustedException.class, () -> CheckpointFiles.read(small, null)).getMessage();
        assertTrue(m.contains("more than the 16 bytes"), m);
        InputLimits.setMaxFileBytes(-1);
        assertEquals(1f, CheckpointFiles.read(small, null).get("x").floatValue());
    }

    @Test
    void duplicateOrUnsortedIndexKeysAreCorrupt() throws Exception {
        byte[] header = BundleHeaderProto.newBuilder().setNumShards(1).build().toByteArray();
        byte[] one = entry(1, 0, littleEndian(new float[] {1})).toByteArray();
        byte[] two = entry(1, 4, littleEndian(new float[] {2})).toByteArray();
        Path prefix = dir.resolve("forged");
        Files.write(CheckpointFiles.dataFile(prefix), littleEndian(new float[] {1, 2}));

        Files.write(CheckpointFiles.indexFile(prefix), RawTables.table(List.of("", "w", "w"), List.of(header, one, two)));
        String dup = assertThrows(DataLossException.class, () -> CheckpointFiles.read(prefix, null)).getMessage();
        assertTrue(dup.contains("corrupt") && dup.contains("duplicate key 'w'"), dup);

        Files.write(CheckpointFiles.indexFile(prefix), RawTables.table(List.of("", "w", "b"), List.of(header, one, two)));
        String order = assertThrows(DataLossException.class, () -> CheckpointFiles.entries(prefix)).getMessage();
        assertTrue(order.contains("corrupt") && order.contains("out of order 'b'"), order);

        // The same table with its keys in order reads: the forgery, not the builder, is what fails.
        Files.write(CheckpointFiles.indexFile(prefix), RawTables.table(List.of("", "b", "w"), List.of(header, one, two)));
        assertEquals(2f, CheckpointFiles.read(prefix, null).get("w").floatValue());
    }

    @Test
    void anEntryOfAReferenceDtypeIsCorrupt() throws Exception {
        byte[] header = BundleHeaderProto.newBuilder().setNumShards(1).build().toByteArray();
        Path prefix = dir.resolve("reference");
        Files.write(CheckpointFiles.dataFile(prefix), littleEndian(new float[] {1}));
        byte[] asRef = entry(1, 0, littleEndian(new float[] {1})).toBuilder().setDtype(DataType.DT_FLOAT_REF).build()
                .toByteArray();
        Files.write(CheckpointFiles.indexFile(prefix), RawTables.table(List.of("", "w"), List.of(header, asRef)));
        String m = assertThrows(DataLossException.class, () -> CheckpointFiles.read(prefix, null)).getMessage();
        assertTrue(m.contains("tensor w") && m.contains("reference dtype 101"), m);

        byte[] asValue = entry(1, 0, littleEndian(new float[] {1})).toByteArray();
        Files.write(CheckpointFiles.indexFile(prefix), RawTables.table(List.of("", "w"), List.of(header, asValue)));
        assertEquals(1f, CheckpointFiles.read(prefix, null).get("w").floatValue());
    }

    @Test
    void namesAreWrittenInUtf8ByteOrder() throws Exception {
        // UTF-16 puts the surrogate pair of U+1F600 before U+E000; UTF-8, which the table sorts by, after it.
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("k\uE000", Tensor.of(new float[] {1}));
        m.put("k\uD83D\uDE00", Tensor.of(new float[] {2}));
        m.put("k", Tensor.of(new float[] {3}));
        Path prefix = dir.resolve("utf8");
        CheckpointFiles.write(prefix, m);
        Map<String, Tensor> back = CheckpointFiles.read(prefix, null);
        assertEquals(List.of("k", "k\uE000", "k\uD83D\uDE00"), List.copyOf(back.keySet()));
        assertEquals(2f, back.get("k\uD83D\uDE00").floatValue());
    }

    private static BundleEntryProto entry(int n, long offset, byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return BundleEntryProto.newBuilder().setDtype(DataType.DT_FLOAT)
                .setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dim.newBuilder().setSize(n)))
                .setOffset(offset).setSize(bytes.length).setCrc32C(MaskedCrc32c.mask((int) crc.getValue())).build();
    }

    private static byte[] littleEndian(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }
}
