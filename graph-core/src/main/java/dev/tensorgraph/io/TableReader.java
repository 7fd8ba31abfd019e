package dev.tensorgraph.io;

import dev.tensorgraph.errors.ErrorText;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads every entry of a sorted string table written by {@link TableWriter} or by TensorFlow, checking
 * block checksums, every offset against the file's size, and that keys strictly increase, so corrupt bytes give
 * an error, not garbage.
 */
public final class TableReader {
    /** The key bytes a block may expand to, per byte of the block (see {@link #entries}). */
    private static final long KEY_BYTES_PER_BLOCK_BYTE = 64;
    /** ... and at least this many, whatever the block's size. */
    private static final long MIN_KEY_BUDGET = 1 << 16;

    private TableReader() {}

    /** All entries in key order; throws {@link TableFormatException} on malformed input. */
    static Map<String, byte[]> readAll(byte[] file) {
        if (file.length < TableWriter.FOOTER_LENGTH) {
            throw new TableFormatException("file is " + file.length + " bytes, shorter than a table footer");
        }
        int footer = file.length - TableWriter.FOOTER_LENGTH;
        long magic = 0;
        for (int i = 7; i >= 0; i--) {
            magic = (magic << 8) | (file[file.length - 8 + i] & 0xff);
        }
        if (magic != TableWriter.MAGIC) {
            throw new TableFormatException("bad table magic number 0x" + Long.toHexString(magic));
        }
        int[] pos = {footer};
        Varint.read(file, pos, file.length - 8, "footer");
        Varint.read(file, pos, file.length - 8, "footer");
        long indexOffset = Varint.read(file, pos, file.length - 8, "footer");
        long indexSize = Varint.read(file, pos, file.length - 8, "footer");
        byte[] index = block(file, indexOffset, indexSize, footer, "index block");
        Map<String, byte[]> out = new LinkedHashMap<>();
        byte[] previous = null;
        long blocksEnd = 0;
        for (Map.Entry<byte[], byte[]> e : entries(index, "index block").entrySet()) {
            int[] hp = {0};
            byte[] h = e.getValue();
            long off = Varint.read(h, hp, h.length, "block handle");
            long size = Varint.read(h, hp, h.length, "block handle");
            // A writer lays data blocks out one after the other; handles that point back into a block already read
            // would parse its bytes again, as often as a forged index repeats them.
            if (off < blocksEnd) {
                throw new TableFormatException("data block at " + off + " overlaps the data block before it (which ends at "
                        + blocksEnd + ")");
            }
            byte[] data = block(file, off, size, footer, "data block at " + off);
            blocksEnd = off + size + 5;
            for (Map.Entry<byte[], byte[]> d : entries(data, "data block at " + off).entrySet()) {
                byte[] key = d.getKey();
                // The format stores keys strictly increasing as unsigned bytes; anything else is a corrupt or
                // forged table in which a lookup could find one of two values for a name.
                if (previous != null && Arrays.compareUnsigned(previous, key) >= 0) {
                    throw new TableFormatException((Arrays.equals(previous, key) ? "duplicate key " : "key out of order ")
                            + ErrorText.quote(new String(key, StandardCharsets.UTF_8)) + " in data block at " + off
                            + " (keys must strictly increase)");
                }
                previous = key;
                String name = new String(key, StandardCharsets.UTF_8);
                if (out.put(name, d.getValue()) != null) {
                    throw new TableFormatException("two keys read as the same name " + ErrorText.quote(name)
                            + " (invalid UTF-8) in data block at " + off);
                }
            }
        }
        return out;
    }

    private static byte[] block(byte[] file, long offset, long size, int limit, String what) {
        // Compared without adding, so that offsets and sizes near 2^63 cannot overflow past the check.
        if (offset < 0 || size < 0 || size > limit || offset > limit - size - 5) {
            throw new TableFormatException(what + " (offset " + offset + ", size " + size + ") lies outside the file");
        }
        int o = (int) offset;
        int n = (int) size;
        if (file[o + n] != 0) {
            throw new TableFormatException(what + " is compressed (type " + file[o + n] + "), which is not supported");
        }
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(file, o, n + 1);
        int stored = (file[o + n + 1] & 0xff) | (file[o + n + 2] & 0xff) << 8 | (file[o + n + 3] & 0xff) << 16
                | (file[o + n + 4] & 0xff) << 24;
        if (MaskedCrc32c.unmask(stored) != (int) c.getValue()) {
            throw new TableFormatException("checksum mismatch in " + what);
        }
        return Arrays.copyOfRange(file, o, o + n);
    }

    private static Map<byte[], byte[]> entries(byte[] block, String what) {
        if (block.length < 4) {
            throw new TableFormatException(what + " is too short");
        }
        int numRestarts = readInt(block, block.length - 4);
        long restartBytes = 4L * numRestarts + 4;
        if (numRestarts < 0 || restartBytes > block.length) {
            throw new TableFormatException(what + " declares " + numRestarts + " restart points");
        }
        int limit = (int) (block.length - restartBytes);
        Map<byte[], byte[]> out = new LinkedHashMap<>();  // by identity: each key array is new
        byte[] last = new byte[0];
        int[] pos = {0};
        // Each key repeats a prefix of the one before, so entries of a few bytes each can spell out ever longer keys
        // (a 1 MB block, keys each one byte longer than the last: 31 GB). Real blocks' keys come to a few times their
        // size.
        long keyBudget = KEY_BYTES_PER_BLOCK_BYTE * block.length + MIN_KEY_BUDGET;
        while (pos[0] < limit) {
            long shared = Varint.read(block, pos, limit, what);
            long unshared = Varint.read(block, pos, limit, what);
            long valueLen = Varint.read(block, pos, limit, what);
            // Varints past 2^63 read as negative numbers: a negative shared length once passed as a huge key.
            if (shared < 0 || shared > last.length || unshared < 0 || valueLen < 0 || unshared > limit - pos[0]
                    || valueLen > limit - pos[0] - unshared) {
                throw new TableFormatException("corrupt entry in " + what);
            }
            keyBudget -= shared + unshared;
            if (keyBudget < 0) {
                throw new TableFormatException("the keys of " + what + " (" + block.length + " bytes) expand to more than "
                        + (KEY_BYTES_PER_BLOCK_BYTE * block.length + MIN_KEY_BUDGET) + " bytes");
            }
            byte[] key = new byte[(int) (shared + unshared)];
            System.arraycopy(last, 0, key, 0, (int) shared);
            System.arraycopy(block, pos[0], key, (int) shared, (int) unshared);
            pos[0] += (int) unshared;
            byte[] value = Arrays.copyOfRange(block, pos[0], pos[0] + (int) valueLen);
            pos[0] += (int) valueLen;
            out.put(key, value);
            last = key;
        }
        return out;
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }
}
