package dev.tensorgraph.io;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.errors.ResourceExhaustedException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32C;

/**
 * String tensors as a tensor bundle stores them: every element's length as a varint, then a little-endian
 * masked CRC-32C of the lengths (so a corrupt length is caught before it sizes anything), then the elements'
 * bytes one after another. Both checksums take each length as 4 little-endian bytes (its low 32 bits), not as its varint; the
 * entry's checksum goes on over the 4 checksum bytes and the strings. TensorFlow 2's object-based checkpoints
 * hold their {@code _CHECKPOINTABLE_OBJECT_GRAPH} this way.
 */
final class StringTensorBytes {
    private StringTensorBytes() {}

    /** Writes {@code t}'s strings to {@code out}, adding them to {@code crc} as the format checksums them; returns how many bytes were written. */
    static long write(Tensor t, WritableByteChannel out, CRC32C crc) throws IOException {
        byte[][] strings = (byte[][]) t.array();
        ByteArrayOutputStream lengths = new ByteArrayOutputStream();
        long[] sizes = new long[strings.length];
        for (int i = 0; i < strings.length; i++) {
            Varint.write(lengths, strings[i].length);
            sizes[i] = strings[i].length;
        }
        byte[] lengthBytes = lengths.toByteArray();
        updateWithLengths(crc, sizes);
        ByteBuffer check = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0, MaskedCrc32c.mask((int) crc.getValue()));
        ByteBuffer varints = ByteBuffer.wrap(lengthBytes);
        long written = varints.remaining();
        while (varints.hasRemaining()) {
            out.write(varints);
        }
        written += put(out, crc, check);
        for (byte[] s : strings) {
            written += put(out, crc, ByteBuffer.wrap(s));
        }
        return written;
    }

    /** Adds each length to {@code crc} as the 4 little-endian bytes of its low 32 bits. */
    private static void updateWithLengths(CRC32C crc, long[] lengths) {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        for (long n : lengths) {
            crc.update(b.putInt(0, (int) n).array());
        }
    }

    private static long put(WritableByteChannel out, CRC32C crc, ByteBuffer b) throws IOException {
        crc.update(b.duplicate());
        int n = b.remaining();
        while (b.hasRemaining()) {
            out.write(b);
        }
        return n;
    }

    /**
     * Reads the {@code size} bytes at {@code offset} as a string tensor of {@code shape}, adding them to
     * {@code crc} as the format checksums them. The caller has checked that they lie within the file. Lengths that disagree with their own
     * checksum or with {@code size} are a {@link DataLossException} naming {@code name}.
     */
    static Tensor read(FileChannel in, long offset, long size, Shape shape, CRC32C crc, String name)
            throws IOException {
        long n = shape.numElements();
        if (size > InputLimits.maxFileBytes() || size > Integer.MAX_VALUE - 8) {
            throw new ResourceExhaustedException("string tensor " + name + " has " + size
                    + " bytes, more than the limit of " + Math.min(InputLimits.maxFileBytes(), Integer.MAX_VALUE - 8));
        }
        if (n > size) {
            throw new DataLossException("string tensor " + name + ": " + n + " elements need at least " + n
                    + " length bytes but the entry has " + size);
        }
        byte[] bytes = new byte[(int) size];
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            if (in.read(b, offset + b.position()) < 0) {
                throw new EOFException("the file ends at byte " + (offset + b.position()));
            }
        }
        int[] pos = {0};
        long[] lengths = new long[(int) n];
        long total = 0;
        try {
            for (int i = 0; i < n; i++) {
                lengths[i] = Varint.read(bytes, pos, bytes.length, "string tensor " + name);
                total += lengths[i];
                if (lengths[i] < 0 || total < 0) {
                    throw new DataLossException("string tensor " + name + ": element " + i + " has a corrupt length");
                }
            }
        } catch (TableFormatException e) {
            throw new DataLossException("string tensor " + name + ": " + e.getMessage());
        }
        int lengthEnd = pos[0];
        if (lengthEnd + 4 > bytes.length) {
            throw new DataLossException("string tensor " + name + " ends inside its length checksum");
        }
        updateWithLengths(crc, lengths);
        int stored = ByteBuffer.wrap(bytes, lengthEnd, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (stored != MaskedCrc32c.mask((int) crc.getValue())) {
            throw new DataLossException("string tensor " + name + ": the checksum of its lengths does not match");
        }
        crc.update(bytes, lengthEnd, bytes.length - lengthEnd);
        int at = lengthEnd + 4;
        if (total != bytes.length - at) {
            throw new DataLossException("string tensor " + name + ": its lengths add up to " + total + " bytes but the"
                    + " entry holds " + (bytes.length - at));
        }
        byte[][] strings = new byte[(int) n][];
        for (int i = 0; i < n; i++) {
            strings[i] = java.util.Arrays.copyOfRange(bytes, at, at + (int) lengths[i]);
            at += (int) lengths[i];
        }
        return Tensor.wrap(DType.STRING, shape, strings);
    }
}
