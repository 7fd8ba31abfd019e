package dev.tensorgraph.spark;

import dev.tensorgraph.SessionOptions;
import java.nio.file.Path;

/**
 * How a model's files become a graph and a session. Each format reads its own files; the rest of the Spark
 * integration (shipping, caching, feeding rows, ML persistence) is the same for all of them.
 */
public enum ModelFormat {
    /** A MetaGraphDef ({@code .meta}) with the checkpoint written beside it, as {@code Saver.save} leaves them. */
    META_GRAPH,
    /** A binary GraphDef ({@code .pb}): frozen, or with a checkpoint for its variables. */
    GRAPH_DEF,
    /** A GraphDef in protobuf text form ({@code .pbtxt}). */
    GRAPH_DEF_TEXT;

    /** The graph alone, for schemas and name checks on the driver: nothing is restored. */
    ModelGraph describe(ModelFiles files) {
        return GraphFileModel.describe(files);
    }

    /** The graph in a new session with its variables restored from the staged copy of {@code files}. */
    LoadedModel open(ModelFiles files, Path stagedDir, SessionOptions options) {
        return GraphFileModel.open(files, stagedDir, options);
    }
}
