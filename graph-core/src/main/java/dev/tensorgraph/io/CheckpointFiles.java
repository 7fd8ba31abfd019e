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
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * TensorFlow's V2 checkpoint ("tensor bundle") on disk: {@code prefix.index}, a sorted table whose empty
 * key holds a BundleHeaderProto and whose other keys hold one BundleEntryProto per tensor, and
 * {@code prefix.data-00000-of-00001} with the tensors' bytes, each covered by a masked CRC-32C. Files are
 * written under temporary names and renamed into place, so a crash never leaves a half-written file.
 */
public final class CheckpointFiles {
    /** Largest tensor read from a checkpoint, in elements, so a corrupt entry cannot demand gigabytes. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

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

    /** Writes all tensors (names sorted as the format requires). */
    public static void write(Path prefix, Map<String, Tensor> tensors) throws IOException {
        TreeMap<String, Tensor> sorted = new TreeMap<>(tensors);
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        TableWriter table = new TableWriter();
        BundleHeaderProto header = BundleHeaderProto.newBuilder().setNumShards(1)
                .setEndianness(BundleHeaderProto.Endianness.LITTLE)
                .setVersion(VersionDef.newBuilder().setProducer(1)).build();
        table.add("", header.toByteArray());
        for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
            if (e.getKey().isEmpty()) {
                throw new InvalidArgumentException("a checkpoint tensor needs a non-empty name");
            }
            Tensor t = e.getValue();
            byte[] bytes = TensorBytes.encode(t);
            BundleEntryProto entry = BundleEntryProto.newBuilder()
                    .setDtype(DataType.forNumber(t.dtype().code()))
                    .setShape(shapeProto(t.shape()))
                    .setShardId(0).setOffset(data.size()).setSize(bytes.length)
                    .setCrc32C(MaskedCrc32c.maskedCrc(bytes, 0, bytes.length)).build();
            data.writeBytes(bytes);
            table.add(e.getKey(), entry.toByteArray());
        }
        Path parent = prefix.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        writeAtomically(dataFile(prefix), data.toByteArray());
        writeAtomically(indexFile(prefix), table.finish());
    }

    /**
     * Writes {@code bytes} to a temporary file beside {@code target}, forces it to disk, then renames it. The file
     * gets the permissions of any new file (the umask's): {@code Files.createTempFile} would make it owner-only,
     * unlike the graph and event files written beside it.
     */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve(target.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        try {
            try (var ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
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

    /** The dtype and shape of every tensor, without reading the data file. */
    public static Map<String, BundleEntryProto> entries(Path prefix) {
        Path index = indexFile(prefix);
        byte[] bytes = readFile(index);
        Map<String, byte[]> raw;
        try {
            raw = TableReader.readAll(bytes);
        } catch (TableFormatException e) {
            throw new DataLossException(index + ": " + e.getMessage());
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

    /** Reads the named tensors (all when {@code names} is null), checking sizes and checksums. */
    public static Map<String, Tensor> read(Path prefix, java.util.Collection<String> names) {
        Map<String, BundleEntryProto> entries = entries(prefix);
        Path dataPath = dataFile(prefix);
        byte[] data = readFile(dataPath);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : names == null ? entries.keySet() : names) {
            BundleEntryProto e = entries.get(name);
            if (e == null) {
                throw new NotFoundException("Key " + name + " not found in checkpoint " + prefix);
            }
            out.put(name, decode(name, e, data, dataPath));
        }
        return out;
    }

    private static Tensor decode(String name, BundleEntryProto e, byte[] data, Path dataPath) {
        DType dtype;
        try {
            dtype = DType.fromCode(e.getDtypeValue());
        } catch (RuntimeException ex) {
            throw new DataLossException(dataPath + ": tensor " + name + " has unsupported dtype " + e.getDtypeValue());
        }
        if (dtype.isObjectValued() || dtype == DType.STRING) {
            throw new DataLossException(dataPath + ": tensor " + name + " has dtype " + dtype + ", which has no raw bytes");
        }
        Shape shape = shapeOf(e.getShape(), name);
        long n = shape.numElements();
        if (n > MAX_ELEMENTS) {
            throw new ResourceExhaustedException("tensor " + name + " in " + dataPath + " has " + n + " elements");
        }
        long expected = n * dtype.byteSize();
        if (e.getSize() != expected) {
            throw new DataLossException("tensor " + name + ": entry says " + e.getSize() + " bytes but shape " + shape
                    + " of " + dtype + " needs " + expected);
        }
        if (e.getOffset() < 0 || e.getOffset() > data.length - e.getSize()) {
            throw new DataLossException(dataPath + " is truncated: tensor " + name + " needs bytes " + e.getOffset() + ".."
                    + (e.getOffset() + e.getSize()) + " of " + data.length);
        }
        int off = (int) e.getOffset();
        int len = (int) e.getSize();
        if (MaskedCrc32c.maskedCrc(data, off, len) != e.getCrc32C()) {
            throw new DataLossException("Checksum does not match: stored " + Integer.toUnsignedString(e.getCrc32C())
                    + " vs. calculated on the restored bytes for tensor " + name + " in " + dataPath);
        }
        return TensorBytes.decode(dtype, shape, data, off, len);
    }

    private static byte[] readFile(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new NotFoundException("checkpoint file not found: " + p);
        }
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new DataLossException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    static TensorShapeProto shapeProto(Shape s) {
        TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
        for (long d : s.dims()) {
            b.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        }
        return b.build();
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
