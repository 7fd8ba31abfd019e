package dev.tensorgraph.io;

import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.IoErrors;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.ResourceExhaustedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The limits on what a file from elsewhere may make the runtime allocate, in one place. Every reader checks
 * them before it allocates, and a file beyond one is a {@link ResourceExhaustedException} that names the file
 * or node, the limit and how to raise it.
 *
 * <table>
 *   <caption>Limits</caption>
 *   <tr><th>limit</th><th>default</th><th>system property</th><th>applies to</th></tr>
 *   <tr><td>{@link #maxFileBytes()}</td><td>2 GiB - 9 bytes (the largest Java array), and never more than half
 *       the heap</td><td>{@code tensorgraph.limits.maxFileBytes}</td><td>files read whole: GraphDef, MetaGraph,
 *       checkpoint index and state files, JSON feeds</td></tr>
 *   <tr><td>{@link #maxExpandedBytes()}</td><td>256 MiB, and never more than a quarter of the heap</td>
 *       <td>{@code tensorgraph.limits.maxExpandedBytes}</td><td>what one file expands to beyond its own bytes:
 *       GraphDef constants whose value list is shorter than their shape (TensorFlow repeats the last value),
 *       compressed data inflated (gzip IDX files)</td></tr>
 *   <tr><td>{@link #maxTensorElements()}</td><td>2^31 - 9</td><td>{@code tensorgraph.limits.maxTensorElements}
 *       </td><td>one tensor in a GraphDef or checkpoint</td></tr>
 * </table>
 *
 * Property values are bytes, optionally with a {@code k}, {@code m} or {@code g} suffix
 * ({@code -Dtensorgraph.limits.maxExpandedBytes=1g}); the setters change a limit for the whole process.
 * Checkpoint data files are read tensor by tensor at their offsets, so they are limited only by the size of
 * one tensor, not by the file.
 */
public final class InputLimits {
    public static final String MAX_FILE_BYTES_PROPERTY = "tensorgraph.limits.maxFileBytes";
    public static final String MAX_EXPANDED_BYTES_PROPERTY = "tensorgraph.limits.maxExpandedBytes";
    public static final String MAX_TENSOR_ELEMENTS_PROPERTY = "tensorgraph.limits.maxTensorElements";

    /** The largest Java array: the most bytes one file read whole can give. */
    public static final long DEFAULT_MAX_FILE_BYTES = Integer.MAX_VALUE - 8;
    /** 256 MiB: far beyond what TensorFlow's own writers expand (tf.zeros is a Fill from 1000 elements on). */
    public static final long DEFAULT_MAX_EXPANDED_BYTES = 256L << 20;
    /** The largest Java array: the most elements one tensor can hold. */
    public static final long DEFAULT_MAX_TENSOR_ELEMENTS = Integer.MAX_VALUE - 8;

    /** -1 where the default applies (which depends on the heap). */
    private static volatile long maxFileBytes = property(MAX_FILE_BYTES_PROPERTY, DEFAULT_MAX_FILE_BYTES);
    private static volatile long maxExpandedBytes = property(MAX_EXPANDED_BYTES_PROPERTY, Long.MAX_VALUE);
    private static volatile long maxTensorElements =
            property(MAX_TENSOR_ELEMENTS_PROPERTY, DEFAULT_MAX_TENSOR_ELEMENTS);

    private InputLimits() {}

    /** The most bytes a file read whole may have: the set value, else the default capped at half the heap. */
    public static long maxFileBytes() {
        long v = maxFileBytes;
        return v >= 0 ? v : Math.min(DEFAULT_MAX_FILE_BYTES, Runtime.getRuntime().maxMemory() / 2);
    }

    /** Sets {@link #maxFileBytes()} (at most {@link #DEFAULT_MAX_FILE_BYTES}); -1 restores the default. */
    public static void setMaxFileBytes(long bytes) {
        maxFileBytes = checked(bytes, DEFAULT_MAX_FILE_BYTES, "maxFileBytes");
    }

    /** The most bytes one file may expand to beyond its own: the set value, else the default capped at a quarter of the heap. */
    public static long maxExpandedBytes() {
        long v = maxExpandedBytes;
        return v >= 0 ? v : Math.min(DEFAULT_MAX_EXPANDED_BYTES, Runtime.getRuntime().maxMemory() / 4);
    }

    /** Sets {@link #maxExpandedBytes()}; -1 restores the default. */
    public static void setMaxExpandedBytes(long bytes) {
        maxExpandedBytes = checked(bytes, Long.MAX_VALUE, "maxExpandedBytes");
    }

    /** The most elements one tensor read from a file may have. */
    public static long maxTensorElements() {
        long v = maxTensorElements;
        return v >= 0 ? v : DEFAULT_MAX_TENSOR_ELEMENTS;
    }

    /** Sets {@link #maxTensorElements()} (at most {@link #DEFAULT_MAX_TENSOR_ELEMENTS}); -1 restores the default. */
    public static void setMaxTensorElements(long elements) {
        maxTensorElements = checked(elements, DEFAULT_MAX_TENSOR_ELEMENTS, "maxTensorElements");
    }

    /** A fresh account of what one file expands to; {@code source} names the file in errors. */
    public static Expansion expansion(String source) {
        return new Expansion(source, maxExpandedBytes());
    }

    /**
     * The bytes of {@code file}, read whole after checking its size against {@link #maxFileBytes()}; {@code what}
     * says what the file is ("GraphDef", "checkpoint index"). A missing file is a {@link NotFoundException}.
     */
    public static byte[] readFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new NotFoundException(what + " file not found: " + ErrorText.quote(file));
        }
        // The size comes from the open file, not the path: a file replaced by a rename (a checkpoint state written
        // while it is read) is then read whole as it was when opened.
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             InputStream in = Channels.newInputStream(ch)) {
            long size = ch.size();
            checkFileSize(file, size, what);
            byte[] bytes = in.readNBytes((int) size);
            if (bytes.length != size || in.read() != -1) {
                throw new DataLossException(what + " " + ErrorText.quote(file) + " changed size while it was read");
            }
            return bytes;
        } catch (IOException e) {
            throw IoErrors.of("reading " + what + " " + ErrorText.quote(file), e);
        }
    }

    /** Throws when a file of {@code size} bytes may not be read whole. */
    public static void checkFileSize(Path file, long size, String what) {
        long limit = maxFileBytes();
        if (size > limit) {
            throw new ResourceExhaustedException(what + " " + ErrorText.quote(file) + " is " + size
                    + " bytes, more than the " + limit + " bytes a file read whole may have (the largest Java array,"
                    + " and at most half the heap; raise it with -D" + MAX_FILE_BYTES_PROPERTY
                    + "=BYTES or InputLimits.setMaxFileBytes, with a larger -Xmx)");
        }
    }

    /** Counts what one file expands to and refuses, before anything is allocated, to pass the limit. */
    public static final class Expansion {
        private final String source;
        private final long limit;
        private long used;

        private Expansion(String source, long limit) {
            this.source = source;
            this.limit = limit;
        }

        /**
         * Records that {@code what} (a node, a tensor, "the gzip stream") is about to expand to {@code bytes} more
         * than the file holds for it; throws {@link ResourceExhaustedException} when that passes the limit.
         */
        public void charge(long bytes, String what) {
            if (bytes < 0 || bytes > limit - used) {
                throw new ResourceExhaustedException(source + ": " + what + " expands to "
                        + (bytes < 0 ? "more than 2^63" : Long.toString(bytes)) + " bytes"
                        + (used > 0 ? " after " + used + " expanded before it" : "")
                        + ", more than the " + limit + " bytes one file may expand to (256 MiB by default, at most a"
                        + " quarter of the heap; raise it with -D" + MAX_EXPANDED_BYTES_PROPERTY
                        + "=BYTES or InputLimits.setMaxExpandedBytes)");
            }
            used += bytes;
        }

        /** Bytes charged so far. */
        public long used() {
            return used;
        }

        /** The limit this account was opened with. */
        public long limit() {
            return limit;
        }
    }

    private static long checked(long v, long max, String name) {
        if (v < -1 || v > max) {
            throw new InvalidArgumentException("InputLimits." + name + " must be -1 (the default) or in [0, " + max
                    + "], got " + v);
        }
        return v;
    }

    /** A size from a system property ({@code 512m}); -1 (the default) when unset or malformed. */
    static long property(String name, long max) {
        String s = System.getProperty(name);
        if (s == null || s.isBlank()) {
            return -1;
        }
        try {
            long v = parseSize(s);
            return v < 0 ? -1 : Math.min(v, max);
        } catch (NumberFormatException | ArithmeticException e) {
            org.slf4j.LoggerFactory.getLogger(InputLimits.class)
                    .warn("ignoring -D{}={}: not a size such as 1048576, 512m or 2g", name, s);
            return -1;
        }
    }

    static long parseSize(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = t.charAt(t.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g') {
            unit = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
            t = t.substring(0, t.length() - 1);
        }
        return Math.multiplyExact(Long.parseLong(t), unit);
    }
}
