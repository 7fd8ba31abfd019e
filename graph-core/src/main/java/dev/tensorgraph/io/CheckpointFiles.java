package dev.tensorgraph.io;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.ResourceExhaustedException;
import dev.tensorgraph.proto.BundleEntryProto;
import dev.tensorgraph.proto.BundleHeaderProto;
import dev.tensorgraph.proto.DataType;
import dev.tensorgraph.proto.TensorShapeProto;
import dev.tensorgraph.proto.VersionDef;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tensorgraph.errors.ErrorText;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * TensorFlow's V2 checkpoint ("tensor bundle") on disk: {@code prefix.index}, a sorted table whose empty
 * key holds a BundleHeaderProto and whose other keys hold one BundleEntryProto per tensor, and
 * {@code prefix.data-00000-of-00001} with the tensors' bytes, each covered by a masked CRC-32C (string tensors as
 * {@link StringTensorBytes} lays them out). Files are
 * written under temporary names and renamed into place, so a crash never leaves a half-written file. The data
 * file is streamed when written and read tensor by tensor at the entries' offsets, so it may exceed 2 GiB; the
 * index is read whole within {@link InputLimits#maxFileBytes()}.
 */
public final class CheckpointFiles {
    /** Largest tensor read from a checkpoint, in elements, so a corrupt entry cannot demand gigabytes. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    /** TensorFlow's reference dtypes are their value dtype's code plus this. */
    private static final int REFERENCE_DTYPE_OFFSET = 100;

    private CheckpointFiles() {}

    public static Path indexFile(Path prefix) {
        return Path.of(prefix + ".index");
    }

    public static Path dataFile(Path prefix) {
        return Path.of(prefix + ".data-00000-of-00001");
    }

    public static boolean exists(Path prefix) {
        return Files.isRegularFile(indexFile(prefix)) && Files.isRegularFile(dataFile(prefix));
    }

    /**
     * Writes all tensors (names sorted by their UTF-8 bytes, as the format requires). The data file is streamed
     * tensor by tensor, so it may exceed 2 GiB.
     */
    public static void write(Path prefix, Map<String, Tensor> tensors) throws IOException {
        TreeMap<String, Tensor> sorted = new TreeMap<>(CheckpointFiles::compareUtf8);
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty()) {
                throw new InvalidArgumentException("a checkpoint tensor needs a non-empty name");
            }
            if (e.getValue() == null) {
                throw new InvalidArgumentException("checkpoint tensor " + ErrorText.quote(e.getKey()) + " is null");
            }
            sorted.put(e.getKey(), e.getValue());
        }
        TableWriter table = new TableWriter();
        BundleHeaderProto header = BundleHeaderProto.newBuilder().setNumShards(1)
                .setEndianness(BundleHeaderProto.Endianness.LITTLE)
                .setVersion(VersionDef.newBuilder().setProducer(1)).build();
        table.add("", header.toByteArray());
        Path parent = prefix.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        writeAtomically(dataFile(prefix), out -> {
            long offset = 0;
            for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
                Tensor t = e.getValue();
                CRC32C crc = new CRC32C();
                long size = t.dtype() == DType.STRING ? StringTensorBytes.write(t, out, crc)
                        : TensorBytes.write(t, out, crc);
                BundleEntryProto entry = BundleEntryProto.newBuilder()
                        .setDtype(DataType.forNumber(t.dtype().code()))
                        .setShape(shapeProto(t.shape()))
                        .setShardId(0).setOffset(offset).setSize(size)
                        .setCrc32C(MaskedCrc32c.mask((int) crc.getValue())).build();
                table.add(e.getKey(), entry.toByteArray());
                offset += size;
            }
        });
        writeAtomically(indexFile(prefix), table.finish());
    }

    /** Writes the contents of a file through a channel. */
    @FunctionalInterface
    public interface ContentWriter {
        void write(FileChannel out) throws IOException;
    }

    /** Writes {@code bytes} to a temporary file beside {@code target}, forces it to disk, then renames it. */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        writeAtomically(target, out -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                out.write(b);
            }
        });
    }

    /**
     * Writes a temporary file beside {@code target} with {@code content}, forces it to disk, then renames it. The
     * file gets the permissions of any new file (the umask's): {@code Files.createTempFile} would make it
     * owner-only, unlike the graph and event files written beside it.
     */
    public static void writeAtomically(Path target, ContentWriter content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve(target.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.write(ch);
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** The dtype and shape of every tensor, without reading the data file. */
    public static Map<String, BundleEntryProto> entries(Path prefix) {
        Path index = indexFile(prefix);
        byte[] bytes = readFile(index);
        Map<String, byte[]> raw;
        try {
            raw = TableReader.readAll(bytes);
        } catch (TableFormatException e) {
            throw new DataLossException(index + " is corrupt: " + e.getMessage());
        } catch (IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new DataLossException(index + ": corrupt table (" + e + ")", e);
        }
        byte[] headerBytes = raw.get("");
        if (headerBytes == null) {
            throw new DataLossException(index + ": no bundle header (empty key)");
        }
        try {
            BundleHeaderProto header = BundleHeaderProto.parseFrom(headerBytes);
            if (header.getNumShards() != 1) {
                throw new DataLossException(index + ": " + header.getNumShards() + " shards; only one is supported");
            }
            if (header.getEndianness() != BundleHeaderProto.Endianness.LITTLE) {
                throw new DataLossException(index + ": big-endian checkpoints are not supported");
            }
            Map<String, BundleEntryProto> out = new LinkedHashMap<>();
            for (Map.Entry<String, byte[]> e : raw.entrySet()) {
                if (!e.getKey().isEmpty()) {
                    out.put(e.getKey(), BundleEntryProto.parseFrom(e.getValue()));
                }
            }
            return out;
        } catch (InvalidProtocolBufferException e) {
            throw new DataLossException(index + ": malformed entry: " + e.getMessage());
        }
    }

    /**
     * Reads the named tensors (all when {@code names} is null), checking sizes and checksums. The data file is
     * read at each tensor's offset, never whole, so it may exceed 2 GiB.
     */
    public static Map<String, Tensor> read(Path prefix, java.util.Collection<String> names) {
        Map<String, BundleEntryProto> entries = entries(prefix);
        Path dataPath = dataFile(prefix);
        if (!Files.isRegularFile(dataPath)) {
            throw new NotFoundException("checkpoint file not found: " + ErrorText.quote(dataPath));
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (FileChannel data = FileChannel.open(dataPath, StandardOpenOption.READ)) {
            long dataSize = data.size();
            for (String name : names == null ? entries.keySet() : names) {
                BundleEntryProto e = entries.get(name);
                if (e == null) {
                    throw new NotFoundException("Key " + name + " not found in checkpoint " + prefix);
                }
                out.put(name, decode(name, e, data, dataSize, dataPath));
            }
        } catch (IOException e) {
            throw new DataLossException("cannot read " + ErrorText.quote(dataPath) + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static Tensor decode(String name, BundleEntryProto e, FileChannel data, long dataSize, Path dataPath)
            throws IOException {
        if (e.getDtypeValue() > REFERENCE_DTYPE_OFFSET) {
            // A reference dtype (a value + 100) names a variable's storage, never a value a checkpoint can hold;
            // read as its value type it would give a tensor whose dtype differs from its entry's.
            throw new DataLossException(dataPath + ": tensor " + name + " has the reference dtype "
                    + e.getDtypeValue() + ", which a checkpoint cannot hold");
        }
        DType dtype;
        try {
            dtype = DType.fromCode(e.getDtypeValue());
        } catch (RuntimeException ex) {
            throw new DataLossException(dataPath + ": tensor " + name + " has unsupported dtype " + e.getDtypeValue());
        }
        if (dtype.isObjectValued()) {
            throw new DataLossException(dataPath + ": tensor " + name + " has dtype " + dtype + ", which has no raw bytes");
        }
        Shape shape = shapeOf(e.getShape(), name);
        long n = shape.numElements();
        long maxElements = Math.min(MAX_ELEMENTS, InputLimits.maxTensorElements());
        if (n > maxElements) {
            throw new ResourceExhaustedException("tensor " + name + " in " + dataPath + " has " + n
                    + " elements, more than the limit of " + maxElements);
        }
        long expected = n * dtype.byteSize();
        if (dtype != DType.STRING && e.getSize() != expected) {
            throw new DataLossException("tensor " + name + ": entry says " + e.getSize() + " bytes but shape " + shape
                    + " of " + dtype + " needs " + expected);
        }
        if (e.getSize() < 0 || e.getOffset() < 0 || e.getOffset() > dataSize - e.getSize()) {
            throw new DataLossException(dataPath + " is truncated: tensor " + name + " needs bytes " + e.getOffset() + ".."
                    + (e.getOffset() + e.getSize()) + " of " + dataSize);
        }
        CRC32C crc = new CRC32C();
        Tensor t;
        try {
            t = dtype == DType.STRING ? StringTensorBytes.read(data, e.getOffset(), e.getSize(), shape, crc, name)
                    : TensorBytes.read(data, e.getOffset(), dtype, shape, crc);
        } catch (EOFException ex) {
            throw new DataLossException(dataPath + " is truncated: tensor " + name + ": " + ex.getMessage(), ex);
        }
        if (MaskedCrc32c.mask((int) crc.getValue()) != e.getCrc32C()) {
            throw new DataLossException("Checksum does not match: stored " + Integer.toUnsignedString(e.getCrc32C())
                    + " vs. calculated on the restored bytes for tensor " + name + " in " + dataPath);
        }
        return t;
    }

    private static byte[] readFile(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new NotFoundException("checkpoint file not found: " + ErrorText.quote(p));
        }
        return InputLimits.readFile(p, "checkpoint index");
    }

    static TensorShapeProto shapeProto(Shape s) {
        TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
        for (long d : s.dims()) {
            b.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        }
        return b.build();
    }

    /** The shape an entry declares; a negative or unknown dimension is a {@link DataLossException} naming {@code name}. */
    public static Shape shapeOf(String name, BundleEntryProto entry) {
        return shapeOf(entry.getShape(), name);
    }

    static Shape shapeOf(TensorShapeProto p, String name) {
        if (p.getUnknownRank()) {
            throw new DataLossException("tensor " + name + " has unknown rank in the checkpoint");
        }
        long[] d = new long[p.getDimCount()];
        for (int i = 0; i < d.length; i++) {
            d[i] = p.getDim(i).getSize();
            if (d[i] < 0) {
                throw new DataLossException("tensor " + name + " has negative dimension " + d[i]);
            }
        }
        try {
            Shape s = Shape.of(d);
            s.numElements();
            return s;
        } catch (InvalidArgumentException e) {
            throw new DataLossException("tensor " + name + ": " + e.getMessage());
        }
    }
}
