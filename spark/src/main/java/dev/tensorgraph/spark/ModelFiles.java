package dev.tensorgraph.spark;

import dev.tensorgraph.errors.IoErrors;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bytes of a model, as the driver read them, ready to travel to executors (in a broadcast) and to be
 * written out by an ML writer: the source that read them, the files by relative name, and which of them is the checkpoint
 * to restore. Two snapshots with the same content have the same {@link #fingerprint()}, which keys the
 * executors' model cache.
 *
 * <p>Executors {@link #stage stage} the files into a local directory once, because checkpoints are restored
 * from files.
 */
public final class ModelFiles implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String sourceName;
    private final String graphFile;
    private final LinkedHashMap<String, byte[]> files;
    private final String checkpointPrefix;
    private final String location;
    private final String fingerprint;

    /**
     * @param source how the files become a graph and a session
     * @param graphFile the relative name of the file holding the graph ({@code model.meta}, {@code saved_model.pb})
     * @param files the files by relative name ({@code model.meta}, {@code variables/variables.index}, ...)
     * @param checkpointPrefix the relative checkpoint prefix among {@code files} to restore, or null
     * @param location where the files were read from, for messages
     */
    public ModelFiles(ModelSource source, String graphFile, Map<String, byte[]> files, String checkpointPrefix,
                      String location) {
        if (source == null || files == null || !files.containsKey(graphFile)) {
            throw new InvalidArgumentException("a model needs a source and its graph file " + graphFile + " ("
                    + location + ")");
        }
        for (String name : files.keySet()) {
            checkRelative(name, location);
        }
        this.sourceName = source.name();
        this.graphFile = graphFile;
        this.files = new LinkedHashMap<>(files);
        this.checkpointPrefix = checkpointPrefix;
        this.location = location;
        this.fingerprint = digest(sourceName, graphFile, this.files, checkpointPrefix);
    }

    /** The source that read the files and opens them, looked up by name in the JVM asking. */
    public ModelSource source() {
        return ModelSources.named(sourceName, location);
    }

    /** The name of the source that read the files. */
    public String sourceName() {
        return sourceName;
    }

    /** The relative name of the file that holds the graph. */
    public String graphFile() {
        return graphFile;
    }

    /** The bytes of the graph file. */
    public byte[] graphBytes() {
        return files.get(graphFile);
    }

    /** The files by relative name, in the order they were read. */
    public Map<String, byte[]> files() {
        return Collections.unmodifiableMap(files);
    }

    /** The relative prefix of the checkpoint to restore, or null when the graph holds its values itself. */
    public String checkpointPrefix() {
        return checkpointPrefix;
    }

    /** Where the files came from, for messages. */
    public String location() {
        return location;
    }

    /** SHA-256 of the source's name, the graph file's name, names, contents and checkpoint prefix, in hex. */
    public String fingerprint() {
        return fingerprint;
    }

    /** Total size of the files in bytes. */
    public long size() {
        long n = 0;
        for (byte[] b : files.values()) {
            n += b.length;
        }
        return n;
    }

    /**
     * Writes the files under {@code parent/tensorgraph-model-<fingerprint>} unless a complete copy is already
     * there, and returns that directory. Concurrent callers (tasks of one executor, or executors sharing a
     * disk) each write a private directory and move it into place; the first move wins.
     */
    public Path stage(Path parent) {
        Path dir = parent.resolve("tensorgraph-model-" + fingerprint.substring(0, 32));
        if (Files.isRegularFile(dir.resolve(COMPLETE_MARKER))) {
            return dir;
        }
        try {
            Files.createDirectories(parent);
            Path partial = Files.createTempDirectory(parent, "tensorgraph-model-partial-");
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Path target = partial.resolve(e.getKey());
                Files.createDirectories(target.getParent());
                Files.write(target, e.getValue());
            }
            Files.write(partial.resolve(COMPLETE_MARKER), fingerprint.getBytes(StandardCharsets.US_ASCII));
            try {
                Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file.DirectoryNotEmptyException e) {
                StagedDirectories.delete(partial);
                if (!Files.isRegularFile(dir.resolve(COMPLETE_MARKER))) {
                    throw new IOException("another process left an incomplete copy in " + dir, e);
                }
            }
            return dir;
        } catch (IOException e) {
            throw IoErrors.of("staging model " + location + " in " + parent, e);
        }
    }

    /** Written last into a staged directory, so a directory holding it is complete. */
    static final String COMPLETE_MARKER = ".tensorgraph-complete";

    private static void checkRelative(String name, String location) {
        Path p = Path.of(name).normalize();
        if (name.isEmpty() || p.isAbsolute() || p.startsWith("..") || !p.toString().equals(name.replace('\\', '/'))) {
            throw new InvalidArgumentException("model " + location + ": file name " + name
                    + " is not a plain relative path inside the model");
        }
    }

    private static String digest(String sourceName, String graphFile, Map<String, byte[]> files,
                                 String checkpointPrefix) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(sourceName.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(graphFile.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(String.valueOf(checkpointPrefix).getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                md.update((byte) 0);
                md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(Long.toString(e.getValue().length).getBytes(StandardCharsets.US_ASCII));
                md.update((byte) 0);
                md.update(e.getValue());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
