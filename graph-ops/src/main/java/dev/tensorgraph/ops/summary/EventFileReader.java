package dev.tensorgraph.ops.summary;

import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.io.RecordFraming;
import dev.tensorgraph.proto.Event;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@link Event}s of a TensorBoard event file in order, checking each record's framing and
 * checksums; a corrupt, truncated or unparsable record is a {@link DataLossException} naming the file and
 * the record's index.
 *
 * <pre>{@code
 * for (Event e : EventFileReader.readAll(file)) {
 *     if (e.hasSummary()) { ... e.getStep() ... }
 * }
 * }</pre>
 */
public final class EventFileReader implements AutoCloseable {
    private final Path path;
    private final RecordFraming.Reader records;

    private EventFileReader(Path path, RecordFraming.Reader records) {
        this.path = path;
        this.records = records;
    }

    /** Opens {@code file} for reading event by event. */
    public static EventFileReader open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new NotFoundException("event file not found: " + file);
        }
        try {
            return new EventFileReader(file,
                    new RecordFraming.Reader(new BufferedInputStream(Files.newInputStream(file), 1 << 16), file.toString()));
        } catch (IOException e) {
            throw new DataLossException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every event of {@code file}, in the order written. */
    public static List<Event> readAll(Path file) {
        try (EventFileReader r = open(file)) {
            List<Event> out = new ArrayList<>();
            for (Event e = r.next(); e != null; e = r.next()) {
                out.add(e);
            }
            return out;
        }
    }

    /** The next event, or null at the end of the file. */
    public Event next() {
        long index = records.index();
        byte[] data = records.next();
        if (data == null) {
            return null;
        }
        try {
            return Event.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            throw new DataLossException(path + ": record " + index + " is not an Event: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            records.close();
        } catch (IOException e) {
            throw new DataLossException("cannot close " + path + ": " + e.getMessage(), e);
        }
    }
}
