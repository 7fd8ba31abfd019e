package dev.tensorgraph.ops;

import com.google.protobuf.TextFormat;
import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.IoErrors;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.io.InputLimits;
import dev.tensorgraph.kernel.VariableSlot;
import dev.tensorgraph.proto.BundleEntryProto;
import dev.tensorgraph.proto.CheckpointState;
import dev.tensorgraph.proto.SaverDef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves and restores variables in TensorFlow's V2 checkpoint format, and keeps the {@code checkpoint}
 * state file that {@link #latestCheckpoint} reads, as {@code tf.train.Saver} does.
 *
 * <pre>{@code
 * Saver saver = new Saver(g);
 * Path p = saver.save(session, Path.of("ckpt/model"), step);   // ckpt/model-<step>.index, .data-00000-of-00001
 * saver.restore(session, Saver.latestCheckpoint(Path.of("ckpt")));
 * }</pre>
 *
 * <p>Like {@code tf.train.Saver}, the constructor adds the save and restore ops to the graph ({@code save/...},
 * see {@link #saverDef()}), and each save also writes {@code prefix.meta} unless {@link #writeMetaGraph} is
 * turned off.
 */
public final class Saver {
    private final Map<String, Variable> variables;
    private final Graph graph;
    private final SaveSubgraph subgraph;
    private int maxToKeep = 5;
    private boolean writeMetaGraph = true;
    private final Deque<Path> kept = new ArrayDeque<>();

    /** All global variables, saved under their op names. */
    public Saver(Graph g) {
        this(byOpName(g.collection(GraphKeys.GLOBAL_VARIABLES, Variable.class)));
    }

    /** The given variables under their op names. */
    public Saver(List<Variable> vars) {
        this(byOpName(vars));
    }

    /** Variables under chosen checkpoint names (TensorFlow's {@code var_list} dict). */
    public Saver(Map<String, Variable> nameToVariable) {
        if (nameToVariable.isEmpty()) {
            throw new InvalidArgumentException("a Saver needs at least one variable");
        }
        this.variables = new LinkedHashMap<>(nameToVariable);
        this.graph = variables.values().iterator().next().graph();
        for (Variable v : variables.values()) {
            if (v.graph() != graph) {
                throw new InvalidArgumentException("variable " + v.opName() + " belongs to another graph than the other variables");
            }
        }
        this.subgraph = SaveSubgraph.build(graph, variables);
    }

    private static Map<String, Variable> byOpName(List<Variable> vars) {
        Map<String, Variable> m = new LinkedHashMap<>();
        for (Variable v : vars) {
            if (m.put(v.opName(), v) != null) {
                throw new InvalidArgumentException("variable " + v.opName() + " is listed twice");
            }
        }
        return m;
    }

    /** How many recent checkpoints to keep on disk (0 or less keeps all). */
    public Saver maxToKeep(int n) {
        this.maxToKeep = n;
        return this;
    }

    /** Whether {@link #save} also writes the graph as {@code prefix.meta} (a MetaGraphDef); true by default. */
    public Saver writeMetaGraph(boolean write) {
        this.writeMetaGraph = write;
        return this;
    }

    /** The graph whose variables this saver saves. */
    public Graph graph() {
        return graph;
    }

    /**
     * TensorFlow's SaverDef of the save and restore ops this saver added to the graph: feed the checkpoint
     * prefix to {@code filename_tensor_name}, then fetch {@code save_tensor_name} to save or run
     * {@code restore_op_name} to restore.
     */
    public SaverDef saverDef() {
        return subgraph.toProto(maxToKeep);
    }

    /** Saves to exactly {@code prefix}. */
    public Path save(Session session, Path prefix) {
        return saveTo(session, prefix);
    }

    /** Saves to {@code prefix-<globalStep>}. */
    public Path save(Session session, Path prefix, long globalStep) {
        return saveTo(session, Path.of(prefix + "-" + globalStep));
    }

    /**
     * Writes the variables' checkpoint at exactly {@code prefix} and nothing else: no {@code checkpoint} state file,
     * no MetaGraph, no older checkpoint removed (a SavedModel's {@code variables/} holds just the checkpoint).
     */
    public void writeCheckpoint(Session session, Path prefix) {
        try {
            CheckpointFiles.write(prefix, values(session));
        } catch (IOException e) {
            throw IoErrors.of("saving checkpoint " + prefix, e);
        }
    }

    private Map<String, Tensor> values(Session session) {
        Map<String, Tensor> values = new LinkedHashMap<>();
        for (Map.Entry<String, Variable> e : variables.entrySet()) {
            Tensor t = session.variableValue(e.getValue());
            if (t == null) {
                throw new FailedPreconditionException("Attempting to save uninitialized value " + e.getValue().opName());
            }
            values.put(e.getKey(), t);
        }
        return values;
    }

    private Path saveTo(Session session, Path prefix) {
        Map<String, Tensor> values = values(session);
        try {
            CheckpointFiles.write(prefix, values);
            if (writeMetaGraph) {
                MetaGraph.exportMetaGraph(graph, Path.of(prefix + ".meta"), this);
            }
            kept.remove(prefix);
            kept.addLast(prefix);
            List<Path> expired = new ArrayList<>();
            while (maxToKeep > 0 && kept.size() > maxToKeep) {
                expired.add(kept.removeFirst());
            }
            // The state file moves to the new checkpoint before old ones go, so a crash in between never
            // leaves it naming a deleted checkpoint.
            writeState(prefix);
            for (Path old : expired) {
                Files.deleteIfExists(CheckpointFiles.indexFile(old));
                Files.deleteIfExists(CheckpointFiles.dataFile(old));
                Files.deleteIfExists(Path.of(old + ".meta"));
            }
        } catch (IOException e) {
            throw IoErrors.of("saving checkpoint " + prefix, e);
        }
        return prefix;
    }

    private void writeState(Path prefix) throws IOException {
        Path dir = prefix.toAbsolutePath().getParent();
        CheckpointState.Builder b = CheckpointState.newBuilder()
                .setModelCheckpointPath(dir.relativize(prefix.toAbsolutePath()).toString());
        for (Path p : kept) {
            b.addAllModelCheckpointPaths(dir.relativize(p.toAbsolutePath()).toString());
        }
        CheckpointFiles.writeAtomically(dir.resolve("checkpoint"),
                TextFormat.printer().printToString(b.build()).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Restores every variable from {@code prefix}. Every variable's dtype and shape is checked against its
     * checkpoint entry, then every tensor is read and checked, before any variable changes, so a bad or
     * mismatched checkpoint leaves the session as it was. A shape that differs is refused as TensorFlow's
     * Saver refuses it ("Assign requires shapes of both tensors to match"), naming the variable and both shapes.
     */
    public void restore(Session session, Path prefix) {
        if (prefix == null) {
            throw new NotFoundException("no checkpoint to restore (prefix is null)");
        }
        if (!CheckpointFiles.exists(prefix)) {
            throw new NotFoundException("checkpoint not found: " + prefix + " (expected " + CheckpointFiles.indexFile(prefix)
                    + " and " + CheckpointFiles.dataFile(prefix) + ")");
        }
        Map<String, BundleEntryProto> entries = CheckpointFiles.entries(prefix);
        for (Map.Entry<String, Variable> e : variables.entrySet()) {
            BundleEntryProto entry = entries.get(e.getKey());
            if (entry == null) {
                throw new NotFoundException("Key " + e.getKey() + " not found in checkpoint " + prefix + " (variable "
                        + e.getValue().opName() + ")");
            }
            checkRestorable(prefix, e.getKey(), e.getValue(), entry.getDtypeValue(), CheckpointFiles.shapeOf(e.getKey(), entry));
        }
        Map<String, Tensor> values = CheckpointFiles.read(prefix, variables.keySet());
        for (Map.Entry<String, Variable> e : variables.entrySet()) {
            Tensor t = values.get(e.getKey());
            checkRestorable(prefix, e.getKey(), e.getValue(), t.dtype().code(), t.shape());
        }
        for (Map.Entry<String, Variable> e : variables.entrySet()) {
            session.setVariableValue(e.getValue(), values.get(e.getKey()));
        }
    }

    private static void checkRestorable(Path prefix, String key, Variable v, int dtypeCode, Shape shape) {
        if (dtypeCode != v.dtype().code()) {
            throw new InvalidArgumentException("checkpoint tensor " + key + " in " + prefix + " has dtype "
                    + dtypeName(dtypeCode) + " but variable " + v.opName() + " is " + v.dtype());
        }
        try {
            VariableSlot.checkAssignShape(v.opName(), v.shape(), shape);
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException("Restoring checkpoint tensor " + key + " from " + prefix + ": "
                    + e.getMessage(), e);
        }
    }

    private static String dtypeName(int code) {
        try {
            return DType.fromCode(code).toString();
        } catch (RuntimeException e) {
            return "DataType(" + code + ")";
        }
    }

    /** The newest checkpoint prefix recorded in {@code dir/checkpoint}, or null when there is none. */
    public static Path latestCheckpoint(Path dir) {
        Path state = dir.resolve("checkpoint");
        if (!Files.isRegularFile(state)) {
            return null;
        }
        try {
            CheckpointState.Builder b = CheckpointState.newBuilder();
            TextFormat.merge(new String(InputLimits.readFile(state, "checkpoint state"), StandardCharsets.UTF_8), b);
            String p = b.getModelCheckpointPath();
            if (p.isEmpty()) {
                return null;
            }
            Path prefix = Path.of(p).isAbsolute() ? Path.of(p) : dir.resolve(p);
            return CheckpointFiles.exists(prefix) ? prefix : null;
        } catch (TextFormat.ParseException e) {
            throw new DataLossException("cannot read checkpoint state " + state + ": " + e.getMessage(), e);
        }
    }
}
