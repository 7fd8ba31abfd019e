package dev.tensorgraph.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One scratch directory per fuzz test class for readers that take a path: each input is written over the
 * same files, and the directory is removed when the JVM exits. Shared with other modules' fuzz tests through
 * graph-core's test jar.
 */
public final class FuzzFiles {
    private final Path dir;

    /** A new scratch directory whose name holds {@code name}. */
    public FuzzFiles(String name) {
        try {
            dir = Files.createTempDirectory("tg-fuzz-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::delete));
    }

    /** The scratch directory. */
    public Path dir() {
        return dir;
    }

    /** Writes {@code bytes} to {@code name} in the scratch directory and returns its path. */
    public Path write(String name, byte[] bytes, int offset, int length) {
        Path p = dir.resolve(name);
        try {
            Files.write(p, java.util.Arrays.copyOfRange(bytes, offset, offset + length));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private void delete() {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }
}
