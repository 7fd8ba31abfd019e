package dev.tensorgraph.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.errors.DataLossException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TensorFlow's record framing (TFRecord, event files): layout, masked CRC-32C, and what a damaged stream gives. */
class RecordFramingTest {
    /** Bitwise CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): an independent reference. */
    private static int referenceCrc32c(byte[] b) {
        int c = 0xffffffff;
        for (byte x : b) {
            c ^= x & 0xff;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
            }
        }
        return ~c;
    }

    @Test
    void knownCrcVectors() {
        byte[] empty = new byte[0];
        byte[] digits = "123456789".getBytes(StandardCharsets.US_ASCII);
        byte[] zeros = new byte[32];
        // The standard CRC-32C check value and RFC 3720's 32 zero bytes.
        assertEquals(0xE3069283, MaskedCrc32c.crc(digits, 0, digits.length));
        assertEquals(0x8A9136AA, MaskedCrc32c.crc(zeros, 0, 32));
        assertEquals(0, MaskedCrc32c.crc(empty, 0, 0));
        // Masked: rotate right by 15 and add 0xa282ead8.
        assertEquals(0xa282ead8, MaskedCrc32c.maskedCrc(empty, 0, 0));
        assertEquals(0xc78ab0e5, MaskedCrc32c.maskedCrc(digits, 0, digits.length));
        assertEquals(0x0fd7fffa, MaskedCrc32c.maskedCrc(zeros, 0, 32));
        for (byte[] b : List.of(digits, zeros, "abc".getBytes(StandardCharsets.US_ASCII))) {
            assertEquals(referenceCrc32c(b), MaskedCrc32c.crc(b, 0, b.length));
        }
    }

    @Test
    void layoutOfOneRecord() {
        byte[] rec = RecordFraming.encode("abc".getBytes(StandardCharsets.US_ASCII));
        assertEquals(12 + 3 + 4, rec.length);
        // uint64 length 3, little-endian
        assertArrayEquals(new byte[] {3, 0, 0, 0, 0, 0, 0, 0}, Arrays.copyOfRange(rec, 0, 8));
        // masked crc of the 8 length bytes = 0x0e4999b0, masked crc of "abc" = 0x21f1576e, both little-endian
        assertArrayEquals(new byte[] {(byte) 0xb0, (byte) 0x99, 0x49, 0x0e}, Arrays.copyOfRange(rec, 8, 12));
        assertArrayEquals(new byte[] {'a', 'b', 'c'}, Arrays.copyOfRange(rec, 12, 15));
        assertArrayEquals(new byte[] {0x6e, 0x57, (byte) 0xf1, 0x21}, Arrays.copyOfRange(rec, 15, 19));
        // An empty record: length 0 with masked crc 0x07980329, no data, masked crc of nothing.
        byte[] e = RecordFraming.encode(new byte[0]);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0x29, 0x03, (byte) 0x98, 0x07,
            (byte) 0xd8, (byte) 0xea, (byte) 0x82, (byte) 0xa2}, e);
    }

    private static byte[] stream(byte[]... records) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] r : records) {
            RecordFraming.write(out, r);
        }
        return out.toByteArray();
    }

    @Test
    void roundTrip() throws Exception {
        byte[] big = new byte[100_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        byte[][] recs = {"first".getBytes(StandardCharsets.UTF_8), new byte[0], big};
        RecordFraming.Reader r = new RecordFraming.Reader(new ByteArrayInputStream(stream(recs)), "mem");
        for (byte[] want : recs) {
            assertArrayEquals(want, r.next());
        }
        assertNull(r.next());
        assertEquals(3, r.index());
    }

    @Test
    void corruptedByteIsDetectedWithSourceAndRecordIndex() throws Exception {
        byte[] rec = "record".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = stream(rec, rec);
        bytes[rec.length + 16 + 12 + 1] ^= 0x01;  // a data byte of record 1
        RecordFraming.Reader r = new RecordFraming.Reader(new ByteArrayInputStream(bytes), "data.tfrecord");
        assertArrayEquals(rec, r.next());
        DataLossException e = assertThrows(DataLossException.class, r::next);
        assertTrue(e.getMessage().contains("data.tfrecord") && e.getMessage().contains("record 1")
                && e.getMessage().contains("checksum"), e.getMessage());

        byte[] lenCorrupt = stream("one".getBytes(StandardCharsets.UTF_8));
        lenCorrupt[0] = 5;  // length no longer matches its checksum
        RecordFraming.Reader r2 = new RecordFraming.Reader(new ByteArrayInputStream(lenCorrupt), "x.tfrecord");
        e = assertThrows(DataLossException.class, r2::next);
        assertTrue(e.getMessage().contains("x.tfrecord") && e.getMessage().contains("record 0"), e.getMessage());
    }

    @Test
    void truncatedStream() throws Exception {
        byte[] rec = "a record of some length".getBytes(StandardCharsets.UTF_8);
        byte[] full = stream(rec, rec);
        for (int cut : new int[] {full.length - 1, full.length - 5, full.length / 2 + 3, full.length / 2 + 13}) {
            RecordFraming.Reader r = new RecordFraming.Reader(new ByteArrayInputStream(Arrays.copyOf(full, cut)), "cut");
            assertArrayEquals(rec, r.next());
            DataLossException e = assertThrows(DataLossException.class, r::next);
            assertTrue(e.getMessage().contains("cut") && e.getMessage().contains("record 1")
                    && e.getMessage().contains("truncated"), e.getMessage());
        }
        RecordFraming.Reader r = new RecordFraming.Reader(new ByteArrayInputStream(Arrays.copyOf(full, full.length / 2)), "half");
        assertArrayEquals(rec, r.next());
        assertNull(r.next());
    }

    @Test
    void hugeLengthDoesNotAllocate() throws Exception {
        byte[] header = new byte[12];
        RecordFraming.putLong(header, 0, 1L << 40);
        RecordFraming.putInt(header, 8, MaskedCrc32c.maskedCrc(header, 0, 8));
        RecordFraming.Reader r = new RecordFraming.Reader(new ByteArrayInputStream(header), "huge");
        assertThrows(DataLossException.class, r::next);
        RecordFraming.putLong(header, 0, 1L << 30);
        RecordFraming.putInt(header, 8, MaskedCrc32c.maskedCrc(header, 0, 8));
        RecordFraming.Reader r2 = new RecordFraming.Reader(new ByteArrayInputStream(header), "big");
        DataLossException e = assertThrows(DataLossException.class, r2::next);
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
}
