package dev.tensorgraph.cpu;

import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.IoErrors;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.kernel.KernelContext;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MergeV2Checkpoints: the checkpoints a sharded save wrote (one per device) become one checkpoint at the
 * destination prefix. One shard, the case on a single device, is moved into place as it is (its index does not
 * name its data file); several are read and written again as one single-shard checkpoint, which TensorFlow reads
 * as well. Every file is checked against the run's file access before any is touched.
 */
final class CheckpointMerge {
    private CheckpointMerge() {}

    static void merge(KernelContext ctx, List<Path> sources, Path destination, boolean deleteOldDirs,
                      boolean allowMissingFiles) {
        var access = ctx.fileAccess();
        List<Path> present = new ArrayList<>();
        for (Path src : sources) {
            for (Path f : List.of(CheckpointFiles.indexFile(src), CheckpointFiles.dataFile(src))) {
                access.checkRead(ctx.op(), f);
                access.checkWrite(ctx.op(), f);
            }
            if (CheckpointFiles.exists(src)) {
                present.add(src);
            } else if (!allowMissingFiles) {
                throw new NotFoundException("MergeV2Checkpoints " + ctx.op().name() + ": checkpoint "
                        + ErrorText.quote(src) + " not found");
            }
        }
        access.checkWrite(ctx.op(), CheckpointFiles.indexFile(destination));
        access.checkWrite(ctx.op(), CheckpointFiles.dataFile(destination));
        if (deleteOldDirs) {
            for (Path src : present) {
                Path dir = src.toAbsolutePath().getParent();
                if (dir != null && !dir.equals(destination.toAbsolutePath().getParent())) {
                    access.checkWrite(ctx.op(), dir);
                }
            }
        }
        try {
            if (present.size() == 1 && !present.get(0).equals(destination)) {
                Path src = present.get(0);
                move(CheckpointFiles.dataFile(src), CheckpointFiles.dataFile(destination));
                move(CheckpointFiles.indexFile(src), CheckpointFiles.indexFile(destination));
            } else if (present.size() > 1) {
                Map<String, Tensor> all = new LinkedHashMap<>();
                for (Path src : present) {
                    for (Map.Entry<String, Tensor> e : CheckpointFiles.read(src, null).entrySet()) {
                        if (all.put(e.getKey(), e.getValue()) != null) {
                            throw new InvalidArgumentException("MergeV2Checkpoints " + ctx.op().name() + ": tensor "
                                    + ErrorText.quote(e.getKey()) + " is in more than one of the checkpoints");
                        }
                    }
                }
                CheckpointFiles.write(destination, all);
                for (Path src : present) {
                    Files.deleteIfExists(CheckpointFiles.dataFile(src));
                    Files.deleteIfExists(CheckpointFiles.indexFile(src));
                }
            }
            if (deleteOldDirs) {
                for (Path src : present) {
                    deleteIfEmpty(src.toAbsolutePath().getParent(), destination.toAbsolutePath().getParent());
                }
            }
        } catch (IOException e) {
            throw IoErrors.of("merging checkpoints into " + ErrorText.quote(destination), e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        Path parent = to.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Removes a shard's folder once it is empty, never the destination's own folder. */
    private static void deleteIfEmpty(Path dir, Path keep) throws IOException {
        if (dir == null || dir.equals(keep)) {
            return;
        }
        try {
            Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException e) {
            // other files live there: TensorFlow leaves such a folder too
        }
    }
}
