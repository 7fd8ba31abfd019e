package dev.tensorgraph.data;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.io.InputLimits;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The dimensions and bytes of one IDX file (the MNIST family's format), plain or gzip-compressed: a magic number
 * naming the element type and rank, big-endian dimension sizes, then the bytes. Only unsigned-byte data is
 * accepted. What a gzip file inflates to beyond its own size counts against {@link InputLimits#maxExpandedBytes()}
 * and is refused before anything is allocated.
 */
public record Idx(int[] dims, byte[] data) {
    /** Largest tensor accepted from a file, so a corrupt header cannot ask for gigabytes. */
    private static final long MAX_ELEMENTS = 1L << 30;

    /** The size of the first dimension (the number of images or labels). */
    public int count() {
        return dims[0];
    }

    /** The data as a uint8 tensor of the file's shape. */
    public Tensor tensor() {
        return Tensor.wrap(DType.UINT8, Shape.ofInts(dims), data);
    }

    /** Writes this as an IDX file of unsigned bytes, gzip-compressed when the name ends with ".gz". */
    public void write(Path file) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
             DataOutputStream out = new DataOutputStream(file.toString().endsWith(".gz")
                     ? new GZIPOutputStream(raw, 1 << 16) : new BufferedOutputStream(raw, 1 << 16))) {
            out.writeInt(0x0800 | dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
    }

    /** Reads {@code file}; a missing, truncated or malformed file is an error naming it. */
    public static Idx read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new NotFoundException("IDX file not found: " + file);
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            long fileSize = Files.size(file);
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            DataInputStream data = new DataInputStream(in);
            int magic = data.readInt();
            if ((magic >>> 16) != 0) {
                throw new InvalidArgumentException(file + " is not an IDX file (magic 0x" + Integer.toHexString(magic) + ")");
            }
            int type = (magic >>> 8) & 0xff;
            int rank = magic & 0xff;
            if (type != 0x08) {
                throw new InvalidArgumentException(file + ": IDX element type 0x" + Integer.toHexString(type)
                        + " is not supported (only unsigned bytes, 0x08)");
            }
            if (rank < 1 || rank > 4) {
                throw new InvalidArgumentException(file + ": IDX rank " + rank + " is out of range 1..4");
            }
            int[] dims = new int[rank];
            long count = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = data.readInt();
                if (dims[i] < 0) {
                    throw new InvalidArgumentException(file + ": negative dimension " + dims[i]);
                }
                count *= dims[i];
                if (count > MAX_ELEMENTS) {
                    throw new InvalidArgumentException(file + ": header declares more than " + MAX_ELEMENTS + " elements");
                }
            }
            long header = 4L + 4L * rank;
            if (!gzip && count > fileSize - header) {
                throw new DataLossException(file + " is truncated: the header declares " + count + " bytes of data but "
                        + Math.max(0, fileSize - header) + " follow");
            }
            if (gzip && count + header > fileSize) {
                // What the compressed file inflates to beyond its own size is limited like any expansion.
                InputLimits.expansion(file.toString()).charge(count + header - fileSize, "the gzip data (the header"
                        + " declares " + count + " bytes, from a " + fileSize + "-byte file)");
            }
            // readNBytes grows its buffer as bytes arrive, so a header that lies about the size cannot force a
            // huge allocation before the file runs out.
            byte[] bytes = data.readNBytes((int) count);
            if (bytes.length < count) {
                throw new DataLossException(file + " is truncated: the header declares " + count + " bytes of data but "
                        + bytes.length + " follow");
            }
            return new Idx(dims, bytes);
        } catch (EOFException e) {
            throw new DataLossException(file + " is truncated inside its header");
        } catch (IOException e) {
            throw new DataLossException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
