package dev.tensorgraph.spark;

import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.IoErrors;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.io.InputLimits;
import dev.tensorgraph.ops.Saver;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a model from where the driver finds it into {@link ModelFiles}. A model is named by one path:
 *
 * <ul>
 *   <li>a MetaGraph file {@code model-9380.meta}, restored from the checkpoint beside it ({@code model-9380.index}
 *       and its data files) or from the one given;</li>
 *   <li>a directory holding a {@code checkpoint} state file, as training leaves it
 *       ({@code runs/fashion-mnist/latest}): its newest checkpoint and that checkpoint's {@code .meta};</li>
 *   <li>a GraphDef {@code .pb} (or text {@code .pbtxt}), frozen or with a checkpoint given.</li>
 * </ul>
 *
 * A path that does not exist or holds no model is a {@link NotFoundException} naming it.
 */
public final class ModelSource {
    static final String CHECKPOINT_DIR = "checkpoint";

    private ModelSource() {}

    /**
     * The model at {@code model}, with its variables from {@code checkpoint} (a prefix, or a directory whose
     * {@code checkpoint} file names one) when that is not null.
     */
    public static ModelFiles read(Path model, Path checkpoint) {
        if (model == null) {
            throw new NotFoundException("no model path given");
        }
        if (Files.isDirectory(model)) {
            if (Files.isRegularFile(model.resolve("saved_model.pb"))) {
                throw new UnimplementedException("model " + ErrorText.quote(model) + " is a SavedModel directory, which"
                        + " this version does not load yet: give its MetaGraph and checkpoint, or a frozen GraphDef");
            }
            Path latest = Saver.latestCheckpoint(model);
            if (latest == null) {
                throw new NotFoundException("model directory " + ErrorText.quote(model) + " holds neither a SavedModel"
                        + " (saved_model.pb) nor a checkpoint state file naming an existing checkpoint");
            }
            Path meta = Path.of(latest + ".meta");
            if (!Files.isRegularFile(meta)) {
                throw new NotFoundException("model directory " + ErrorText.quote(model) + ": its newest checkpoint "
                        + latest.getFileName() + " has no MetaGraph " + meta.getFileName() + " beside it");
            }
            return read(meta, checkpoint == null ? latest : checkpoint);
        }
        if (!Files.isRegularFile(model)) {
            throw new NotFoundException("model not found: " + ErrorText.quote(model));
        }
        String name = model.getFileName().toString();
        ModelFormat format = name.endsWith(".meta") ? ModelFormat.META_GRAPH
                : name.endsWith(".pbtxt") || name.endsWith(".txt") ? ModelFormat.GRAPH_DEF_TEXT : ModelFormat.GRAPH_DEF;
        Path prefix = checkpoint != null ? checkpointPrefix(checkpoint) : besideMeta(model, format);
        Map<String, byte[]> files = new LinkedHashMap<>();
        String graphFile = "graph" + name.substring(name.lastIndexOf('.') < 0 ? name.length() : name.lastIndexOf('.'));
        files.put(graphFile, InputLimits.readFile(model, format == ModelFormat.META_GRAPH ? "MetaGraphDef" : "GraphDef"));
        String relativePrefix = null;
        if (prefix != null) {
            relativePrefix = CHECKPOINT_DIR + "/" + prefix.getFileName();
            readCheckpoint(prefix, relativePrefix, files);
        }
        return new ModelFiles(format, graphFile, files, relativePrefix, model.toString());
    }

    /** A checkpoint given by prefix or by the directory whose state file names it. */
    private static Path checkpointPrefix(Path checkpoint) {
        if (Files.isDirectory(checkpoint)) {
            Path latest = Saver.latestCheckpoint(checkpoint);
            if (latest == null) {
                throw new NotFoundException("no checkpoint recorded in " + ErrorText.quote(checkpoint.resolve("checkpoint")));
            }
            return latest;
        }
        if (!CheckpointFiles.exists(checkpoint)) {
            throw new NotFoundException("checkpoint not found: " + ErrorText.quote(checkpoint) + " (expected "
                    + CheckpointFiles.indexFile(checkpoint).getFileName() + " and its data file)");
        }
        return checkpoint;
    }

    private static Path besideMeta(Path model, ModelFormat format) {
        String name = model.toString();
        if (format != ModelFormat.META_GRAPH) {
            return null;
        }
        Path beside = Path.of(name.substring(0, name.length() - ".meta".length()));
        return CheckpointFiles.exists(beside) ? beside : null;
    }

    /** The index and every data shard of the checkpoint at {@code prefix}, under {@code relativePrefix}. */
    private static void readCheckpoint(Path prefix, String relativePrefix, Map<String, byte[]> files) {
        String base = prefix.getFileName().toString();
        files.put(relativePrefix + ".index", InputLimits.readFile(CheckpointFiles.indexFile(prefix), "checkpoint index"));
        Path dir = prefix.toAbsolutePath().getParent();
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(dir, glob(base) + ".data-*-of-*")) {
            for (Path shard : shards) {
                String suffix = shard.getFileName().toString().substring(base.length());
                files.put(relativePrefix + suffix, InputLimits.readFile(shard, "checkpoint data"));
            }
        } catch (IOException e) {
            throw IoErrors.of("reading checkpoint " + prefix, e);
        }
    }

    /** {@code name} as a glob matching only itself. */
    private static String glob(String name) {
        return name.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
    }
}
