package dev.tensorgraph.spark;

import dev.tensorgraph.SessionOptions;
import java.nio.file.Path;

/**
 * One kind of model on disk, from the path a user gives to the graph and session an executor runs. The driver
 * asks each source whether it {@link #recognizes} the path and lets the first that does {@link #read} the files;
 * the files travel to the executors, which {@link #open} them with the source of the same {@link #name}.
 * Everything else (shipping, caching one session per executor JVM, feeding rows, ML persistence) is the same for
 * every source.
 *
 * <p>The built-in sources read SavedModel directories ({@link SavedModelSource}), MetaGraphs with their
 * checkpoints, training's checkpoint directories and GraphDefs, frozen or with a checkpoint ({@link GraphFileSource}).
 * Others are found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.tensorgraph.spark.ModelSource}) on the driver and
 * on every executor, and are asked before the built-in ones.
 */
public interface ModelSource {
    /** A stable name, kept in the files read and in saved transformers; also how executors find this source. */
    String name();

    /** Whether {@code model}, an existing file or directory, is a model of this kind; cheap, by names and files. */
    boolean recognizes(Path model);

    /**
     * Reads the model at {@code model}, with its variables from {@code checkpoint} when that is not null (a
     * checkpoint prefix, or a directory whose state file names one). Missing files are NotFoundExceptions naming
     * them.
     */
    ModelFiles read(Path model, Path checkpoint);

    /** The graph alone, for schemas and name checks on the driver: no session, nothing restored. */
    ModelGraph describe(ModelFiles files);

    /** The graph in a new session with its variables restored from {@code stagedDir}, the files written out. */
    LoadedModel open(ModelFiles files, Path stagedDir, SessionOptions options);
}
