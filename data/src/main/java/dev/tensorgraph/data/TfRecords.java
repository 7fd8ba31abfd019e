package dev.tensorgraph.data;

import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.IoErrors;
import dev.tensorgraph.io.RecordFraming;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * TFRecord files as TensorFlow writes them ({@code tf.io.TFRecordWriter}): records framed by their length, a
 * masked CRC-32C of the length and one of the data, optionally compressed as a whole (GZIP or ZLIB).
 *
 * <pre>{@code
 * try (TfRecords.Writer w = TfRecords.writer(Path.of("train.tfrecord.gz"), TfRecords.Compression.GZIP)) {
 *     w.write(Examples.encode(Map.of("label", Tensor.of(3L))));
 * }
 * }</pre>
 */
public final class TfRecords {
    /** The component name of a record in {@link Dataset#tfRecordDataset} elements. */
    public static final String RECORD = "record";

    /** How a whole file is compressed; TensorFlow's {@code compression_type} "", "GZIP", "ZLIB". */
    public enum Compression {
        NONE, GZIP, ZLIB;

        /** TensorFlow's name ("" or null for none, "GZIP", "ZLIB"). */
        public static Compression of(String tensorflowName) {
            if (tensorflowName == null || tensorflowName.isEmpty()) {
                return NONE;
            }
            try {
                return valueOf(tensorflowName.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidArgumentException("unknown TFRecord compression '" + tensorflowName
                        + "'; TensorFlow's are \"\", \"GZIP\" and \"ZLIB\"");
            }
        }
    }

    private TfRecords() {}

    /** Writes records to a new file (replacing one that exists). Not thread-safe. */
    public static Writer writer(Path file, Compression compression) {
        try {
            OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
            OutputStream out = switch (compression) {
                case NONE -> raw;
                case GZIP -> new GZIPOutputStream(raw, 1 << 16);
                case ZLIB -> new DeflaterOutputStream(raw);
            };
            return new Writer(out, file);
        } catch (IOException e) {
            throw IoErrors.of("creating TFRecord file " + file, e);
        }
    }

    /** Reads the records of a file one by one. */
    public static Reader reader(Path file, Compression compression) {
        try {
            InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            InputStream in = switch (compression) {
                case NONE -> raw;
                case GZIP -> gzip(raw, file);
                case ZLIB -> new InflaterInputStream(raw);
            };
            return new Reader(new RecordFraming.Reader(in, file.toString()));
        } catch (IOException e) {
            throw IoErrors.of("opening TFRecord file " + file, e);
        }
    }

    private static InputStream gzip(InputStream raw, Path file) throws IOException {
        try {
            return new GZIPInputStream(raw, 1 << 16);
        } catch (IOException e) {
            raw.close();
            throw new DataLossException(file + " is not a GZIP file (" + e.getMessage()
                    + "); was it written with another compression?", e);
        }
    }

    /** Every record of a file. */
    public static List<byte[]> readAll(Path file, Compression compression) {
        List<byte[]> records = new ArrayList<>();
        try (Reader r = reader(file, compression)) {
            for (byte[] rec = r.next(); rec != null; rec = r.next()) {
                records.add(rec);
            }
        }
        return records;
    }

    /** Appends framed records to a file; {@link #close()} finishes the compressed stream. */
    public static final class Writer implements AutoCloseable {
        private final OutputStream out;
        private final Path file;

        Writer(OutputStream out, Path file) {
            this.out = out;
            this.file = file;
        }

        public void write(byte[] record) {
            try {
                RecordFraming.write(out, record);
            } catch (IOException e) {
                throw IoErrors.of("writing TFRecord file " + file, e);
            }
        }

        public void flush() {
            try {
                out.flush();
            } catch (IOException e) {
                throw IoErrors.of("writing TFRecord file " + file, e);
            }
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException e) {
                throw IoErrors.of("closing TFRecord file " + file, e);
            }
        }
    }

    /**
     * Reads records in order: {@link #next()} gives null at a clean end of file and throws {@code DataLossException}
     * naming the file, the record's index and its offset (in the uncompressed stream) for a corrupt or truncated
     * record.
     */
    public static final class Reader implements AutoCloseable {
        private final RecordFraming.Reader framing;

        Reader(RecordFraming.Reader framing) {
            this.framing = framing;
        }

        public byte[] next() {
            try {
                return framing.next();
            } catch (RuntimeException e) {
                if (e.getCause() instanceof java.util.zip.ZipException) {
                    throw new DataLossException(e.getMessage() + " (record " + framing.index() + ")", e);
                }
                throw e;
            }
        }

        /** The index of the record {@link #next()} reads. */
        public long index() {
            return framing.index();
        }

        @Override
        public void close() {
            try {
                framing.close();
            } catch (IOException e) {
                throw IoErrors.of("closing a TFRecord file", e);
            }
        }
    }
}
