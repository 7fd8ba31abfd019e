package dev.tensorgraph.data;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.errors.IoErrors;
import dev.tensorgraph.io.TensorBytes;
import dev.tensorgraph.proto.CachedElement;
import dev.tensorgraph.proto.DataType;
import dev.tensorgraph.proto.TensorProto;
import dev.tensorgraph.proto.TensorShapeProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@link Dataset#cache(Path)}: a TFRecord file of {@code CachedElement} records. The first complete pass writes
 * it under a temporary name in the same folder and renames it when the pass ends, so a cache file that exists
 * is always whole; passes after that read it.
 */
final class FileCache {
    private FileCache() {}

    static ItemStream open(Path file, Supplier<ItemStream> input) {
        if (Files.isRegularFile(file)) {
            return new Reading(file);
        }
        Writing writing = new Writing(file);
        try {
            return new CacheStream(input.get(), writing);
        } catch (RuntimeException | Error e) {
            writing.abandon();
            throw e;
        }
    }

    /** Replays a complete cache file. */
    private static final class Reading implements ItemStream {
        private final TfRecords.Reader reader;
        private final Path file;

        Reading(Path file) {
            this.file = file;
            this.reader = TfRecords.reader(file, TfRecords.Compression.NONE);
        }

        @Override
        public Item next() {
            long index = reader.index();
            byte[] record = reader.next();
            if (record == null) {
                return null;
            }
            try {
                CachedElement e = CachedElement.parseFrom(record);
                Map<String, Tensor> element = new LinkedHashMap<>();
                for (CachedElement.Component c : e.getComponentList()) {
                    element.put(c.getName(), fromProto(c.getTensor(), file + " record " + index));
                }
                return new Item(element, e.getOrigin());
            } catch (InvalidProtocolBufferException e) {
                throw new DataLossException(file + ": record " + index + " is not a cached element ("
                        + e.getMessage() + "); delete the cache file to rebuild it", e);
            }
        }

        @Override
        public void close() {
            reader.close();
        }
    }

    /** Writes a first pass to a temporary file, renamed to the cache file when the pass completes. */
    private static final class Writing implements CacheStream.Recorder {
        private final Path file;
        private final Path temp;
        private final TfRecords.Writer writer;

        Writing(Path file) {
            this.file = file;
            try {
                Path dir = file.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                this.temp = Files.createTempFile(dir, file.getFileName() + ".", ".partial");
            } catch (IOException e) {
                throw IoErrors.of("creating the cache file " + file, e);
            }
            this.writer = TfRecords.writer(temp, TfRecords.Compression.NONE);
        }

        @Override
        public void record(Item item) {
            CachedElement.Builder b = CachedElement.newBuilder().setOrigin(item.origin());
            for (Map.Entry<String, Tensor> c : item.element().entrySet()) {
                b.addComponent(CachedElement.Component.newBuilder().setName(c.getKey()).setTensor(toProto(c.getValue())));
            }
            writer.write(b.build().toByteArray());
        }

        @Override
        public void complete() {
            writer.close();
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw IoErrors.of("completing the cache file " + file, e);
            }
        }

        @Override
        public void abandon() {
            writer.close();
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a stale partial file is harmless: it is never read
            }
        }
    }

    static TensorProto toProto(Tensor t) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : t.shape().dims()) {
            shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        }
        TensorProto.Builder b = TensorProto.newBuilder().setDtype(DataType.forNumber(t.dtype().code()))
                .setTensorShape(shape);
        if (t.dtype() == DType.STRING) {
            for (byte[] s : (byte[][]) t.array()) {
                b.addStringVal(ByteString.copyFrom(s));
            }
        } else {
            b.setTensorContent(ByteString.copyFrom(TensorBytes.encode(t)));
        }
        return b.build();
    }

    static Tensor fromProto(TensorProto p, String where) {
        DType dtype;
        try {
            dtype = DType.fromCode(p.getDtypeValue());
        } catch (RuntimeException e) {
            throw new DataLossException(where + ": unknown dtype " + p.getDtypeValue(), e);
        }
        long[] dims = new long[p.getTensorShape().getDimCount()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = p.getTensorShape().getDim(i).getSize();
            if (dims[i] < 0) {
                throw new DataLossException(where + ": negative dimension in " + p.getTensorShape());
            }
        }
        Shape shape = Shape.of(dims);
        if (dtype == DType.STRING) {
            if (p.getStringValCount() != shape.numElements()) {
                throw new DataLossException(where + ": " + p.getStringValCount() + " strings for shape " + shape);
            }
            byte[][] v = new byte[p.getStringValCount()][];
            for (int i = 0; i < v.length; i++) {
                v[i] = p.getStringVal(i).toByteArray();
            }
            return Tensor.wrap(dtype, shape, v);
        }
        ByteString content = p.getTensorContent();
        if (content.size() != shape.numElements() * dtype.byteSize()) {
            throw new DataLossException(where + ": " + content.size() + " bytes for a " + dtype + " tensor of shape "
                    + shape);
        }
        byte[] bytes = content.toByteArray();
        return TensorBytes.decode(dtype, shape, bytes, 0, bytes.length);
    }
}
