package dev.tensorgraph.ops.summary;

import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.io.RecordFraming;
import dev.tensorgraph.proto.Event;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import dev.tensorgraph.errors.IoErrors;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a TensorBoard event file: framed {@link Event} records (see {@link RecordFraming}) in a file
 * named {@code events.out.tfevents.<10-digit unix seconds>.<hostname><suffix>}, starting with an event that
 * holds the wall time and {@code file_version: "brain.Event:2"}, as TensorFlow's {@code EventsWriter} does.
 * Events go through a buffer and reach the disk on {@link #flush()} and {@link #close()}. Thread-safe.
 *
 * <pre>{@code
 * try (EventFileWriter w = EventFileWriter.create(Path.of("logs"), "")) {
 *     w.write(Event.newBuilder().setWallTime(EventFileWriter.now()).setStep(1).setSummary(summary).build());
 * }
 * }</pre>
 */
public final class EventFileWriter implements AutoCloseable {
    /** The version string of the first event, which TensorBoard checks. */
    public static final String FILE_VERSION = "brain.Event:2";

    private final Path path;
    private OutputStream out;

    private EventFileWriter(Path path, OutputStream out) {
        this.path = path;
        this.out = out;
    }

    /**
     * Creates {@code logdir} when needed and a new event file in it. When a file of that name already
     * exists (two writers in the same second), {@code .1}, {@code .2}, ... is appended instead of
     * overwriting it.
     */
    public static EventFileWriter create(Path logdir, String filenameSuffix) throws IOException {
        Files.createDirectories(logdir);
        double wallTime = now();
        String base = String.format("events.out.tfevents.%010d.%s%s", (long) wallTime, hostname(),
                filenameSuffix == null ? "" : filenameSuffix);
        Path p = logdir.resolve(base);
        OutputStream raw = null;
        for (int i = 1; raw == null; i++) {
            try {
                raw = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                p = logdir.resolve(base + "." + i);
            }
        }
        EventFileWriter w = new EventFileWriter(p, new BufferedOutputStream(raw, 1 << 16));
        w.write(Event.newBuilder().setWallTime(wallTime).setFileVersion(FILE_VERSION).build());
        return w;
    }

    /** Seconds since the epoch with sub-second precision, as events record wall time. */
    public static double now() {
        java.time.Instant t = java.time.Instant.now();
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

    /** This machine's name as the operating system reports it (Python's {@code socket.gethostname()}). */
    static String hostname() {
        try {
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                String h = Files.readString(kernel, StandardCharsets.UTF_8).trim();
                if (!h.isEmpty()) {
                    return h;
                }
            }
        } catch (IOException | UncheckedIOException | SecurityException e) {
            // fall through
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isEmpty() ? "localhost" : env;
        }
    }

    /** The file written. */
    public Path path() {
        return path;
    }

    /** Appends one event (buffered). */
    public synchronized void write(Event event) throws IOException {
        if (out == null) {
            throw new FailedPreconditionException("event file " + path + " is closed");
        }
        RecordFraming.write(out, event.toByteArray());
    }

    /** Pushes buffered events to the file. */
    public synchronized void flush() throws IOException {
        if (out != null) {
            out.flush();
        }
    }

    /** Flushes and closes the file; later writes fail, a second close does nothing. */
    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            try {
                out.close();
            } finally {
                out = null;
            }
        }
    }
}
