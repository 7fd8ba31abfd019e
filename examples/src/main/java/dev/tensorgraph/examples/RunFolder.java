package dev.tensorgraph.examples;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The output folders of training runs: each run writes into a folder of its own under a parent,
 * {@code PARENT/<name>-<yyyyMMdd-HHmmss>} ({@code -2}, {@code -3}, ... when two runs start in the same second),
 * so a run's graph, checkpoints, charts and TensorBoard events never mix with another run's. When a run has
 * finished, {@code PARENT/latest} becomes a relative symbolic link to its folder.
 */
final class RunFolder {
    /** The name of the link to the last finished run. */
    static final String LATEST = "latest";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private RunFolder() {}

    /** Creates and returns a new, empty folder for a run called {@code name} that starts at {@code start}. */
    static Path create(Path parent, String name, LocalDateTime start) throws IOException {
        Files.createDirectories(parent);
        String base = name + "-" + STAMP.format(start);
        for (int n = 1; ; n++) {
            Path dir = parent.resolve(n == 1 ? base : base + "-" + n);
            try {
                // createDirectory, not createDirectories: it fails when the folder exists, so two runs never share one.
                return Files.createDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                // taken by a run that started in the same second: try the next suffix
            }
        }
    }

    /**
     * Points {@code PARENT/latest} at {@code run} (a folder directly under {@code parent}), replacing the link in one
     * rename so that readers never see it missing. Returns false, leaving things as they were, where the file system
     * has no symbolic links or a non-link file is in the way.
     */
    static boolean markLatest(Path parent, Path run) throws IOException {
        Path latest = parent.resolve(LATEST);
        if (Files.exists(latest, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(latest)) {
            return false;
        }
        Path tmp = parent.resolve("." + LATEST + "-" + ProcessHandle.current().pid());
        try {
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, run.getFileName());
            // A rename within one folder: atomic wherever links exist.
            Files.move(tmp, latest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (UnsupportedOperationException | IOException e) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
