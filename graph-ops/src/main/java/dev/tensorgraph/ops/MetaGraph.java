package dev.tensorgraph.ops;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.ResourceExhaustedException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.io.InputLimits;
import dev.tensorgraph.ops.state.VariableScopes;
import dev.tensorgraph.proto.CollectionDef;
import dev.tensorgraph.proto.GraphDef;
import dev.tensorgraph.proto.MetaGraphDef;
import java.io.IOException;
import dev.tensorgraph.errors.IoErrors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * TensorFlow's MetaGraphDef ({@code .meta} files): a GraphDef together with the graph's collections and the
 * SaverDef of its {@link Saver}, as {@code tf.train.export_meta_graph} writes and
 * {@code tf.train.import_meta_graph} reads it.
 *
 * <pre>{@code
 * Saver saver = new Saver(g);
 * saver.save(session, Path.of("ckpt/model"));             // also writes ckpt/model.meta
 * Graph g2 = MetaGraph.importMetaGraph(Path.of("ckpt/model.meta"));
 * try (Session s2 = new Session(g2)) {
 *     new Saver(g2).restore(s2, Path.of("ckpt/model"));
 *     Operation train = g2.collectionItem(GraphKeys.TRAIN_OP, 0, Operation.class);
 * }
 * }</pre>
 *
 * <p>To restore through the ops the file's own SaverDef names, as TensorFlow's {@code Saver.restore} on an
 * imported graph does, use {@link SaverDefRestore}: it runs the restore op only if it is one.
 *
 * <p>A MetaGraph from elsewhere is a program: importing it runs nothing, but running its ops may touch files
 * only as the session's {@link dev.tensorgraph.SessionOptions#fileAccess file access} allows.
 *
 * <p>Import rebuilds the collections with Java objects: Variables from VariableDef (also registered for
 * {@code getVariable} reuse under their op names), Operations and Outputs from node names, the cond and while
 * contexts, Longs and Floats; items of other kinds are kept as they were read ({@link CollectionBytes}, protobuf
 * {@code Any}) and written back unchanged. Collections of Java objects with no proto form are not written.
 */
public final class MetaGraph {
    /**
     * The {@code tensorflow_version} written in meta_info_def: the TensorFlow release whose formats the file follows
     * (its GraphDef producer version is that release's). TensorFlow's importer parses this field as a version
     * number, so it names a TensorFlow release; the writer is named in {@link #writerName()}.
     */
    static final String TENSORFLOW_VERSION = "2.18.0";

    /** The {@code tensorflow_git_version} written in meta_info_def: what wrote the file, {@code tensorgraph 0.1.0}. */
    static String writerName() {
        return "tensorgraph " + dev.tensorgraph.TensorgraphVersion.get();
    }

    private MetaGraph() {}

    /** The MetaGraphDef of {@code g}, with the SaverDef of {@code saverOrNull} when given. */
    public static MetaGraphDef toProto(Graph g, Saver saverOrNull) {
        MetaGraphDef.Builder b = MetaGraphDef.newBuilder();
        b.setMetaInfoDef(MetaGraphDef.MetaInfoDef.newBuilder().setTensorflowVersion(TENSORFLOW_VERSION)
                .setTensorflowGitVersion(writerName()));
        try {
            b.setGraphDef(GraphDef.parseFrom(g.toGraphDef()));
        } catch (InvalidProtocolBufferException e) {
            throw new dev.tensorgraph.errors.InternalException("GraphDef written by this graph does not parse: "
                    + e.getMessage(), e);
        }
        if (saverOrNull != null) {
            if (saverOrNull.graph() != g) {
                throw new InvalidArgumentException("the Saver belongs to another graph than the one exported");
            }
            b.setSaverDef(saverOrNull.saverDef());
        }
        for (String key : g.collectionKeys()) {
            CollectionDef def = MetaGraphCollections.toProto(key, g.collection(key));
            if (def != null) {
                b.putCollectionDef(key, def);
            }
        }
        return b.build();
    }

    /**
     * MetaGraphDef bytes of {@code g}, with the SaverDef of {@code saverOrNull} when given; the MetaGraph counterpart
     * of {@code g.toGraphDef()}, read back by {@link #fromMetaGraphDef(byte[])}.
     */
    public static byte[] toMetaGraphDef(Graph g, Saver saverOrNull) {
        return toProto(g, saverOrNull).toByteArray();
    }

    /** A new graph with the ops and collections of MetaGraphDef bytes, as {@code Graph.fromGraphDef} for GraphDefs. */
    public static Graph fromMetaGraphDef(byte[] bytes) {
        Graph g = new Graph();
        importMetaGraph(g, bytes, "", "MetaGraphDef");
        return g;
    }

    /** @deprecated use {@link #toMetaGraphDef(Graph, Saver)}. */
    @Deprecated
    public static byte[] export(Graph g, Saver saverOrNull) {
        return toMetaGraphDef(g, saverOrNull);
    }

    /** Writes the MetaGraphDef of {@code g} (without a SaverDef) to {@code path}. */
    public static void exportMetaGraph(Graph g, Path path) {
        exportMetaGraph(g, path, null);
    }

    /** Writes the MetaGraphDef of {@code g} with the SaverDef of {@code saverOrNull} to {@code path}, atomically. */
    public static void exportMetaGraph(Graph g, Path path, Saver saverOrNull) {
        byte[] bytes = toMetaGraphDef(g, saverOrNull);
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            CheckpointFiles.writeAtomically(path, bytes);
        } catch (IOException e) {
            throw IoErrors.of("writing meta graph " + path, e);
        }
    }

    /** A new graph with the ops and collections of the MetaGraphDef file at {@code path}. */
    public static Graph importMetaGraph(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new NotFoundException("meta graph file not found: " + path);
        }
        byte[] bytes = InputLimits.readFile(path, "meta graph");
        Graph g = new Graph();
        importMetaGraph(g, bytes, "", path.toString());
        return g;
    }

    /** @deprecated use {@link #fromMetaGraphDef(byte[])}; {@code importMetaGraph} reads files. */
    @Deprecated
    public static Graph importMetaGraph(byte[] bytes) {
        return fromMetaGraphDef(bytes);
    }

    /** Parses a MetaGraphDef; {@code source} names the file in the error. */
    public static MetaGraphDef parse(byte[] bytes, String source) {
        if (bytes == null) {
            throw new InvalidArgumentException(source + ": MetaGraphDef bytes must not be null");
        }
        MetaGraphDef def;
        try {
            def = MetaGraphDef.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidArgumentException("Invalid MetaGraphDef in " + source + ": the " + bytes.length
                    + " bytes are not a MetaGraphDef protocol buffer (" + e.getMessage() + ")", e);
        }
        if (!def.hasGraphDef()) {
            throw new InvalidArgumentException("Invalid MetaGraphDef in " + source + ": it holds no graph_def");
        }
        return def;
    }

    /**
     * Adds the ops of a MetaGraphDef to {@code g} under {@code importScope} (empty for none) and appends its
     * collections to {@code g}'s, as {@code tf.train.import_meta_graph(..., import_scope=...)}. A failure leaves
     * {@code g} unchanged.
     */
    public static void importMetaGraph(Graph g, byte[] bytes, String importScope, String source) {
        MetaGraphDef def = parse(bytes, source);
        String prefix = importScope == null || importScope.isEmpty() ? ""
                : importScope.endsWith("/") ? importScope : importScope + "/";
        checkCollections(def, source);
        importGraph(g, def, prefix, source);
        Map<String, List<Object>> collections = MetaGraphCollections.fromProto(g, def.getCollectionDefMap(), prefix,
                source);
        VariableScopes store = VariableScopes.of(g);
        for (Map.Entry<String, List<Object>> e : collections.entrySet()) {
            for (Object o : e.getValue()) {
                g.addToCollection(e.getKey(), o);
                if (o instanceof Variable v && store.find(v.opName()) == null) {
                    store.put(v.opName(), v);
                }
            }
        }
    }

    /**
     * Rebuilds the collections in a scratch graph, so that a bad collection fails before {@code g} changes; the
     * scratch graph (and the constants it holds) is garbage once this returns.
     */
    private static void checkCollections(MetaGraphDef def, String source) {
        Graph scratch = new Graph();
        importGraph(scratch, def, "", source);
        MetaGraphCollections.fromProto(scratch, def.getCollectionDefMap(), "", source);
    }

    private static void importGraph(Graph g, MetaGraphDef def, String prefix, String source) {
        try {
            g.importGraphDef(def.getGraphDef().toByteArray(), prefix);
        } catch (NotFoundException e) {
            throw new NotFoundException(source + ": " + e.getMessage(), e);
        } catch (ResourceExhaustedException e) {
            throw new ResourceExhaustedException(source + ": " + e.getMessage(), e);
        } catch (TensorgraphException e) {
            throw new InvalidArgumentException("Invalid MetaGraphDef in " + source + ": " + e.getMessage(), e);
        }
    }
}
