package dev.tensorgraph.ops.savedmodel;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.ops.MetaGraph;
import dev.tensorgraph.proto.FunctionDef;
import dev.tensorgraph.proto.MetaGraphDef;
import dev.tensorgraph.proto.NodeDef;
import dev.tensorgraph.proto.SignatureDef;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A SavedModel loaded for serving, as TensorFlow's {@code SavedModelBundle.load} and
 * {@code tf.compat.v1.saved_model.load} do it: the MetaGraph whose tags are exactly the ones asked for is
 * imported into a new graph, its variables are restored from {@code variables/}, its init op runs (assets fed),
 * and its signatures are served by key:
 *
 * <pre>{@code
 * try (SavedModel model = SavedModel.load(dir, SavedModel.SERVE)) {
 *     Map<String, Tensor> out = model.signature("serving_default").call(Map.of("x", input));
 * }
 * }</pre>
 *
 * The session is the model's own; closing the model closes it.
 */
public final class SavedModel implements AutoCloseable {
    /** The tag of serving MetaGraphs. */
    public static final String SERVE = "serve";
    /** The tag of training MetaGraphs. */
    public static final String TRAIN = "train";

    private final Path dir;
    private final Set<String> tags;
    private final MetaGraphDef metaGraph;
    private final Graph graph;
    private final Session session;
    private final Map<String, Signature> signatures;

    private SavedModel(Path dir, Set<String> tags, MetaGraphDef metaGraph, Graph graph, Session session,
                       Map<String, Signature> signatures) {
        this.dir = dir;
        this.tags = tags;
        this.metaGraph = metaGraph;
        this.graph = graph;
        this.session = session;
        this.signatures = signatures;
    }

    /** Loads the MetaGraph tagged {@code tags} (at least one) of the SavedModel in {@code dir} on the CPU. */
    public static SavedModel load(Path dir, String... tags) {
        return load(dir, SessionOptions.defaults(), tags);
    }

    /**
     * As {@link #load(Path, String...)} with a session made with {@code options}. Reading the variables and the
     * assets is allowed for the load alone; the signatures' runs get {@code options}' file access.
     */
    public static SavedModel load(Path dir, SessionOptions options, String... tags) {
        if (dir == null || options == null || tags == null) {
            throw new InvalidArgumentException("SavedModel.load: the directory, options and tags must not be null");
        }
        if (tags.length == 0) {
            throw new InvalidArgumentException("SavedModel.load: name at least one tag (such as \"serve\")");
        }
        Set<String> tagSet = new LinkedHashSet<>(java.util.List.of(tags));
        var model = SavedModelFile.read(dir);
        MetaGraphDef meta = SavedModelFile.metaGraph(model, tagSet, dir);
        requireSupportedOps(meta, dir);
        Graph g = new Graph();
        MetaGraph.importMetaGraph(g, meta.toByteArray(), "", dir.resolve(SavedModelFile.PB).toString());
        Session s = new Session(g, options);
        try {
            SavedModelInit.restoreVariables(s, meta, dir);
            SavedModelInit.runInitOp(s, meta, dir);
            Map<String, Signature> sigs = new TreeMap<>();
            for (Map.Entry<String, SignatureDef> e : meta.getSignatureDefMap().entrySet()) {
                if (!e.getKey().equals(SavedModelInit.INIT_OP_SIGNATURE)) {
                    sigs.put(e.getKey(), new Signature(e.getKey(), e.getValue(), s));
                }
            }
            return new SavedModel(dir, Collections.unmodifiableSet(tagSet), meta, g, s,
                    Collections.unmodifiableMap(sigs));
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Refuses, before anything is built, a MetaGraph whose graph or function library uses op types not registered
     * here, naming them all at once (the import would stop at the first).
     */
    private static void requireSupportedOps(MetaGraphDef meta, Path dir) {
        Set<String> missing = new TreeSet<>();
        for (NodeDef n : meta.getGraphDef().getNodeList()) {
            if (!OpRegistry.global().contains(n.getOp())) {
                missing.add(n.getOp());
            }
        }
        Set<String> functions = new TreeSet<>();
        for (FunctionDef f : meta.getGraphDef().getLibrary().getFunctionList()) {
            functions.add(f.getSignature().getName());
        }
        for (FunctionDef f : meta.getGraphDef().getLibrary().getFunctionList()) {
            for (NodeDef n : f.getNodeDefList()) {
                if (!OpRegistry.global().contains(n.getOp()) && !functions.contains(n.getOp())) {
                    missing.add(n.getOp());
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new UnimplementedException("the SavedModel in " + ErrorText.quote(dir) + " uses op types this runtime"
                    + " does not have: " + missing);
        }
    }

    /** The signature {@code key}; a {@link NotFoundException} listing the model's signatures when it has none such. */
    public Signature signature(String key) {
        Signature s = signatures.get(key);
        if (s == null) {
            throw new NotFoundException("the SavedModel in " + ErrorText.quote(dir) + " (tags " + tags
                    + ") has no signature " + ErrorText.quote(key) + "; its signatures are " + signatures.keySet());
        }
        return s;
    }

    /** Every signature by key (sorted), the init op's left out. */
    public Map<String, Signature> signatures() {
        return signatures;
    }

    public Set<String> tags() {
        return tags;
    }

    public Path directory() {
        return dir;
    }

    public Graph graph() {
        return graph;
    }

    /** The session holding the restored variables; it belongs to the model. */
    public Session session() {
        return session;
    }

    /** The MetaGraph that was loaded, as the file holds it. */
    public MetaGraphDef metaGraphDef() {
        return metaGraph;
    }

    @Override
    public void close() {
        session.close();
    }
}
