package dev.tensorgraph.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

/** Tables written byte by byte, as {@link TableWriter} would not write them: unsorted, forged, corrupt. */
final class RawTables {
    private RawTables() {}

    /**
     * A table with exactly these entries in this order, which {@link TableWriter} refuses to write unless they
     * are sorted: one data block without prefix sharing, an empty meta-index block, an index block and the
     * footer, in the published layout.
     */
    static byte[] table(List<String> keys, List<byte[]> values) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 0; i < keys.size(); i++) {
            byte[] k = keys.get(i).getBytes(StandardCharsets.UTF_8);
            varint(data, 0);
            varint(data, k.length);
            varint(data, values.get(i).length);
            data.writeBytes(k);
            data.writeBytes(values.get(i));
        }
        return table(data.toByteArray(), keys.get(keys.size() - 1).getBytes(StandardCharsets.UTF_8), 1);
    }

    /**
     * A table of one data block holding these raw entries (LevelDB's encoding: shared, unshared and value lengths,
     * then the key's new bytes and the value) and an index block with {@code handles} entries, all pointing at that
     * data block and keyed {@code lastKey}.
     */
    static byte[] table(byte[] dataEntries, byte[] lastKey, int handles) {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        byte[] dataBlock = withRestarts(dataEntries);
        writeBlock(file, dataBlock);
        long metaOffset = file.size();
        byte[] meta = withRestarts(new byte[0]);
        writeBlock(file, meta);
        ByteArrayOutputStream handle = new ByteArrayOutputStream();
        varint(handle, 0);
        varint(handle, dataBlock.length);
        ByteArrayOutputStream index = new ByteArrayOutputStream();
        for (int i = 0; i < handles; i++) {
            varint(index, 0);
            varint(index, lastKey.length);
            varint(index, handle.size());
            index.writeBytes(lastKey);
            index.writeBytes(handle.toByteArray());
        }
        long indexOffset = file.size();
        byte[] indexBlock = withRestarts(index.toByteArray());
        writeBlock(file, indexBlock);
        ByteArrayOutputStream footer = new ByteArrayOutputStream();
        varint(footer, metaOffset);
        varint(footer, meta.length);
        varint(footer, indexOffset);
        varint(footer, indexBlock.length);
        footer.writeBytes(new byte[40 - footer.size()]);
        ByteBuffer magic = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(TableWriter.MAGIC);
        footer.writeBytes(magic.array());
        file.writeBytes(footer.toByteArray());
        return file.toByteArray();
    }

    static byte[] withRestarts(byte[] entries) {
        return ByteBuffer.allocate(entries.length + 8).order(ByteOrder.LITTLE_ENDIAN).put(entries).putInt(0).putInt(1)
                .array();
    }

    static void writeBlock(ByteArrayOutputStream file, byte[] block) {
        file.writeBytes(block);
        CRC32C crc = new CRC32C();
        crc.update(block);
        crc.update(0);
        file.write(0);
        file.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(MaskedCrc32c.mask((int) crc.getValue())).array());
    }

    static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
