package dev.tensorgraph.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link TableReader} on forged tables: each fails with a {@link TableFormatException} that says what is wrong, before
 * it allocates more than a small multiple of the table's size; and a real table whose keys share long prefixes
 * still reads.
 */
class TableReaderTest {
    /** One raw entry: shared, unshared and value lengths, then the key's new bytes and the value. */
    private static void entry(ByteArrayOutputStream out, long shared, byte[] newKeyBytes, byte[] value) {
        RawTables.varint(out, shared);
        RawTables.varint(out, newKeyBytes.length);
        RawTables.varint(out, value.length);
        out.writeBytes(newKeyBytes);
        out.writeBytes(value);
    }

    @Test
    void aSharedLengthPastTwoToTheSixtyThreeIsCorrupt() {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        entry(data, 0, "model/w".getBytes(StandardCharsets.UTF_8), new byte[] {1});
        // A varint of 2^63 + 5 reads as a negative long; it once passed as the length of a 640 MB key.
        entry(data, Long.MIN_VALUE + 5, "x".getBytes(StandardCharsets.UTF_8), new byte[] {2});
        byte[] table = RawTables.table(data.toByteArray(), "z".getBytes(StandardCharsets.UTF_8), 1);
        TableFormatException e = assertThrows(TableFormatException.class, () -> TableReader.readAll(table));
        assertTrue(e.getMessage().contains("corrupt entry in data block at 0"), e.getMessage());
    }

    @Test
    void keysThatExpandFarBeyondTheirBlockAreRefused() {
        // 20,000 entries of four bytes, each key one byte longer than the one before: 80 KB that spell out 200 MB of
        // keys, were each key kept.
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 0; i < 20_000; i++) {
            entry(data, i, new byte[] {(byte) 'a'}, new byte[0]);
        }
        byte[] table = RawTables.table(data.toByteArray(), "z".getBytes(StandardCharsets.UTF_8), 1);
        TableFormatException e = assertThrows(TableFormatException.class, () -> TableReader.readAll(table));
        assertTrue(e.getMessage().contains("keys of data block at 0") && e.getMessage().contains("expand to more than"),
                e.getMessage());
    }

    @Test
    void anIndexThatPointsAtOneDataBlockTwiceIsCorrupt() {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        entry(data, 0, "a".getBytes(StandardCharsets.UTF_8), new byte[] {1});
        byte[] table = RawTables.table(data.toByteArray(), "a".getBytes(StandardCharsets.UTF_8), 2);
        TableFormatException e = assertThrows(TableFormatException.class, () -> TableReader.readAll(table));
        assertTrue(e.getMessage().contains("overlaps the data block before it"), e.getMessage());
    }

    @Test
    void keysSharingLongPrefixesStillRead() {
        TableWriter w = new TableWriter();
        String prefix = "model/encoder/layer_with_a_rather_long_name/".repeat(4);
        int n = 3000;
        for (int i = 0; i < n; i++) {
            w.add(prefix + String.format("%05d", i), new byte[] {(byte) i});
        }
        Map<String, byte[]> back = TableReader.readAll(w.finish());
        assertEquals(n, back.size());
        assertArrayEquals(new byte[] {(byte) 1234}, back.get(prefix + "01234"));
    }
}
