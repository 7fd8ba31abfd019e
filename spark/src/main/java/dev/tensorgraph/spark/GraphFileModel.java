package dev.tensorgraph.spark;

import dev.tensorgraph.FileAccessPolicy;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphDefText;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.ops.MetaGraph;
import dev.tensorgraph.ops.Saver;
import dev.tensorgraph.ops.SaverDefRestore;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.proto.MetaGraphDef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model given as a graph file (MetaGraphDef, binary or text GraphDef) and, optionally, a checkpoint. Inputs
 * and outputs are named as TensorFlow names tensors: {@code images:0}, or {@code images} for output 0.
 */
final class GraphFileModel implements LoadedModel {
    private final Graph graph;
    private final Session session;
    private final String location;

    private GraphFileModel(Graph graph, Session session, String location) {
        this.graph = graph;
        this.session = session;
        this.location = location;
    }

    static GraphFileModel describe(GraphFileSource kind, ModelFiles files) {
        return new GraphFileModel(importGraph(kind, files), null, files.location());
    }

    /**
     * Imports the graph and restores its checkpoint: through the MetaGraph's SaverDef when it has one (after
     * {@link SaverDefRestore}'s checks), else variable by variable. The session may read the checkpoint it
     * restores and no other file.
     */
    static GraphFileModel open(GraphFileSource kind, ModelFiles files, Path stagedDir, SessionOptions options) {
        Graph g = importGraph(kind, files);
        Path prefix = files.checkpointPrefix() == null ? null : stagedDir.resolve(files.checkpointPrefix());
        FileAccessPolicy access = prefix == null ? FileAccessPolicy.none()
                : FileAccessPolicy.none().allowFile(prefix, FileAccessPolicy.Access.READ);
        Session s = new Session(g, options.fileAccess(access));
        try {
            if (prefix != null) {
                restore(kind, files, g, s, prefix);
            }
            return new GraphFileModel(g, s, files.location());
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static Graph importGraph(GraphFileSource kind, ModelFiles files) {
        byte[] bytes = files.graphBytes();
        return switch (kind) {
            case META_GRAPH -> {
                Graph g = new Graph();
                MetaGraph.importMetaGraph(g, bytes, "", files.location());
                yield g;
            }
            case GRAPH_DEF -> Graph.fromGraphDef(bytes);
            case GRAPH_DEF_TEXT -> GraphDefText.fromText(new String(bytes, StandardCharsets.UTF_8));
        };
    }

    private static void restore(GraphFileSource kind, ModelFiles files, Graph g, Session s, Path prefix) {
        if (kind == GraphFileSource.META_GRAPH) {
            MetaGraphDef def = MetaGraph.parse(files.graphBytes(), files.location());
            if (def.hasSaverDef()) {
                SaverDefRestore.restore(s, def.getSaverDef(), prefix);
                return;
            }
        }
        List<Variable> vars = Tf.of(g).globalVariables();
        if (vars.isEmpty()) {
            for (Operation op : g.operations()) {
                if (op.type().equals("VariableV2")) {
                    vars.add(new Variable(op, null, null, null, true));
                }
            }
        }
        if (vars.isEmpty()) {
            throw new InvalidArgumentException("model " + files.location() + " has a checkpoint but its graph has no"
                    + " variables to restore");
        }
        new Saver(vars).restore(s, prefix);
    }

    @Override
    public Graph graph() {
        return graph;
    }

    @Override
    public Session session() {
        return session;
    }

    @Override
    public Output input(String name) {
        return tensor(name, "input");
    }

    @Override
    public Output output(String name) {
        return tensor(name, "output");
    }

    private Output tensor(String name, String role) {
        try {
            return graph.output(name);
        } catch (TensorgraphException e) {
            List<String> placeholders = new ArrayList<>();
            for (Operation op : graph.operations()) {
                if (op.type().equals("Placeholder") || op.type().equals("PlaceholderWithDefault")) {
                    placeholders.add(op.name() + " (" + op.output(0).dtype() + op.output(0).shape() + ")");
                }
            }
            throw new NotFoundException("model " + location + " has no tensor " + ErrorText.quote(name) + " for the "
                    + role + ": " + e.getMessage() + " Its placeholders: "
                    + (placeholders.isEmpty() ? "none" : String.join(", ", placeholders)), e);
        }
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
    }
}
