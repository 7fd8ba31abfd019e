package dev.tensorgraph.spark;

import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.IoErrors;
import dev.tensorgraph.errors.NotFoundException;
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
 * The built-in model sources: a graph file and, optionally, a checkpoint.
 *
 * <ul>
 *   <li>{@link #META_GRAPH}: a MetaGraph file {@code model-9380.meta}, restored from the checkpoint beside it
 *       ({@code model-9380.index} and its data files) or from the one given; or a directory holding a
 *       {@code checkpoint} state file, as training leaves it ({@code runs/fashion-mnist/latest}): its newest
 *       checkpoint and that checkpoint's {@code .meta};</li>
 *   <li>{@link #GRAPH_DEF}, {@link #GRAPH_DEF_TEXT}: a GraphDef {@code .pb} (or text {@code .pbtxt}), frozen or
 *       with a checkpoint given.</li>
 * </ul>
 */
enum GraphFileSource implements ModelSource {
    META_GRAPH {
        @Override
        public boolean recognizes(Path model) {
            return Files.isDirectory(model) ? Files.isRegularFile(model.resolve("checkpoint"))
                    : model.getFileName().toString().endsWith(".meta");
        }
    },
    GRAPH_DEF {
        @Override
        public boolean recognizes(Path model) {
            return Files.isRegularFile(model) && model.getFileName().toString().endsWith(".pb");
        }
    },
    GRAPH_DEF_TEXT {
        @Override
        public boolean recognizes(Path model) {
            String name = model.getFileName().toString();
            return Files.isRegularFile(model) && (name.endsWith(".pbtxt") || name.endsWith(".txt"));
        }
    };

    static final String CHECKPOINT_DIR = "checkpoint";

    @Override
    public ModelFiles read(Path model, Path checkpoint) {
        if (Files.isDirectory(model)) {
            return readCheckpointDirectory(model, checkpoint);
        }
        if (!Files.isRegularFile(model)) {
            throw new NotFoundException("model not found: " + ErrorText.quote(model));
        }
        String name = model.getFileName().toString();
        Path prefix = checkpoint != null ? checkpointPrefix(checkpoint) : besideMeta(model);
        Map<String, byte[]> files = new LinkedHashMap<>();
        String graphFile = "graph" + name.substring(name.lastIndexOf('.') < 0 ? name.length() : name.lastIndexOf('.'));
        files.put(graphFile, InputLimits.readFile(model, this == META_GRAPH ? "MetaGraphDef" : "GraphDef"));
        String relativePrefix = null;
        if (prefix != null) {
            relativePrefix = CHECKPOINT_DIR + "/" + prefix.getFileName();
            readCheckpoint(prefix, relativePrefix, files);
        }
        return new ModelFiles(this, graphFile, files, relativePrefix, model.toString());
    }

    @Override
    public ModelGraph describe(ModelFiles files) {
        return GraphFileModel.describe(this, files);
    }

    @Override
    public LoadedModel open(ModelFiles files, Path stagedDir, SessionOptions options) {
        return GraphFileModel.open(this, files, stagedDir, options);
    }

    /** The newest checkpoint of a training directory, with the MetaGraph written beside it. */
    private ModelFiles readCheckpointDirectory(Path model, Path checkpoint) {
        Path latest = Saver.latestCheckpoint(model);
        if (latest == null) {
            throw new NotFoundException("model directory " + ErrorText.quote(model) + ": its checkpoint state file"
                    + " names no existing checkpoint");
        }
        Path meta = Path.of(latest + ".meta");
        if (!Files.isRegularFile(meta)) {
            throw new NotFoundException("model directory " + ErrorText.quote(model) + ": its newest checkpoint "
                    + latest.getFileName() + " has no MetaGraph " + meta.getFileName() + " beside it");
        }
        return read(meta, checkpoint == null ? latest : checkpoint);
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

    private Path besideMeta(Path model) {
        if (this != META_GRAPH) {
            return null;
        }
        String name = model.toString();
        Path beside = Path.of(name.substring(0, name.length() - ".meta".length()));
        return CheckpointFiles.exists(beside) ? beside : null;
    }

    /** The index and every data shard of the checkpoint at {@code prefix}, under {@code relativePrefix}. */
    static void readCheckpoint(Path prefix, String relativePrefix, Map<String, byte[]> files) {
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
