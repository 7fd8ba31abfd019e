package dev.tensorgraph.ops;

import dev.tensorgraph.DType;
import dev.tensorgraph.FileAccessPolicy;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.kernel.VariableSlot;
import dev.tensorgraph.proto.BundleEntryProto;
import dev.tensorgraph.proto.SaverDef;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Restores a checkpoint through the ops a MetaGraph's {@link SaverDef} names, as TensorFlow's
 * {@code Saver.restore} does for an imported graph, but only when they are what the SaverDef says they are.
 * Before anything runs it checks that
 *
 * <ul>
 *   <li>{@code filename_tensor_name} and {@code restore_op_name} name a tensor and an op of the graph;</li>
 *   <li>the restore op and everything it would run are of the types a restore is made of ({@code RestoreV2},
 *       assignments, {@code Identity}, {@code NoOp}, constants, variables), with at least one {@code RestoreV2}:
 *       never a {@code SaveV2} or any other op that writes;</li>
 *   <li>every variable it assigns from the checkpoint has the dtype and shape of the checkpoint's entry, so a
 *       mismatched checkpoint changes no variable.</li>
 * </ul>
 *
 * Then it runs the restore op with the prefix fed, allowing its ops to read that checkpoint (beyond the
 * session's own {@link dev.tensorgraph.SessionOptions#fileAccess file access}) for this run only.
 *
 * <pre>{@code
 * MetaGraphDef def = MetaGraph.parse(bytes, "model.meta");
 * Graph g = MetaGraph.importMetaGraph(bytes);
 * try (Session s = new Session(g)) {
 *     SaverDefRestore.Result r = SaverDefRestore.restore(s, def.getSaverDef(), Path.of("model"));
 * }
 * }</pre>
 */
public final class SaverDefRestore {
    /** Op types a restore op may run: the checkpoint read, assignments and the plumbing between them. */
    static final Set<String> RESTORE_OP_TYPES = Set.of("RestoreV2", "Assign", "AssignVariableOp", "Identity", "NoOp",
            "Const", "Placeholder", "PlaceholderWithDefault", "VariableV2", "Variable", "VarHandleOp");
    /** Types the op named by {@code restore_op_name} itself may have. */
    static final Set<String> RESTORE_ROOT_TYPES = Set.of("NoOp", "RestoreV2", "Assign", "AssignVariableOp");

    /** What was run: the restore op and how many variables it assigns. */
    public record Result(String restoreOp, String restoreOpType, int variables) {
        /** A line for users, such as "ran save/restore_all (NoOp), which assigns 3 variables". */
        public String describe() {
            return "ran " + ErrorText.quote(restoreOp) + " (" + restoreOpType + "), which assigns " + variables
                    + (variables == 1 ? " variable" : " variables");
        }
    }

    private SaverDefRestore() {}

    /** Checks the SaverDef's ops against the graph and the checkpoint at {@code prefix}, then runs the restore. */
    public static Result restore(Session session, SaverDef saverDef, Path prefix) {
        Graph g = session.graph();
        Operation restoreOp = g.operation(saverDef.getRestoreOpName());
        if (restoreOp == null) {
            throw new NotFoundException("SaverDef.restore_op_name " + ErrorText.quote(saverDef.getRestoreOpName())
                    + " names no op of the graph");
        }
        Output filename = filenameTensor(g, saverDef.getFilenameTensorName());
        if (!CheckpointFiles.exists(prefix)) {
            throw new NotFoundException("checkpoint not found: " + ErrorText.quote(prefix) + " (expected "
                    + CheckpointFiles.indexFile(prefix) + " and " + CheckpointFiles.dataFile(prefix) + ")");
        }
        List<Operation> assigns = checkRestoreOp(restoreOp, filename.op());
        checkAgainstCheckpoint(assigns, prefix);
        session.runner().feed(filename, Tensor.ofString(prefix.toString())).target(restoreOp)
                .fileAccess(FileAccessPolicy.none().allowFile(prefix, FileAccessPolicy.Access.READ)).run();
        return new Result(restoreOp.name(), restoreOp.type(), assigns.size());
    }

    private static Output filenameTensor(Graph g, String name) {
        String opName = name.replaceFirst(":\\d+$", "");
        if (name.isEmpty() || g.operation(opName) == null) {
            throw new NotFoundException("SaverDef.filename_tensor_name " + ErrorText.quote(name)
                    + " names no tensor of the graph");
        }
        Output t = g.output(name);
        if (t.dtype() != DType.STRING) {
            throw new InvalidArgumentException("SaverDef.filename_tensor_name " + ErrorText.quote(name) + " is a "
                    + t.dtype() + " tensor, not a string");
        }
        return t;
    }

    /**
     * Walks everything {@code root} would run (stopping at the fed filename op) and returns its assignments;
     * refuses an op of a type a restore does not use.
     */
    private static List<Operation> checkRestoreOp(Operation root, Operation filenameOp) {
        if (!RESTORE_ROOT_TYPES.contains(root.type())) {
            throw new InvalidArgumentException("SaverDef.restore_op_name names " + ErrorText.quote(root.name()) + " ("
                    + root.type() + "), not a restore (a NoOp grouping assignments from RestoreV2); it is not run");
        }
        List<Operation> assigns = new ArrayList<>();
        boolean reads = false;
        Set<Operation> seen = new HashSet<>();
        Deque<Operation> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            Operation op = todo.pop();
            if (!seen.add(op)) {
                continue;
            }
            if (!RESTORE_OP_TYPES.contains(op.type())) {
                throw new InvalidArgumentException("SaverDef.restore_op_name names " + ErrorText.quote(root.name())
                        + ", which would run " + ErrorText.quote(op.name()) + " (" + op.type() + "), which a restore does"
                        + " not use; it is not run");
            }
            reads |= op.type().equals("RestoreV2");
            if (op.type().equals("Assign") || op.type().equals("AssignVariableOp")) {
                assigns.add(op);
            }
            if (op == filenameOp) {
                continue;  // fed: what computes its default does not run
            }
            for (Output in : op.inputs()) {
                todo.push(in.op());
            }
            for (Operation c : op.controlInputs()) {
                todo.push(c);
            }
        }
        if (!reads) {
            throw new InvalidArgumentException("SaverDef.restore_op_name names " + ErrorText.quote(root.name())
                    + ", which reads no checkpoint (it runs no RestoreV2); it is not run");
        }
        return assigns;
    }

    /** Checks every Assign fed from a RestoreV2 against its checkpoint entry, before any runs. */
    private static void checkAgainstCheckpoint(List<Operation> assigns, Path prefix) {
        Map<String, BundleEntryProto> entries = CheckpointFiles.entries(prefix);
        for (Operation assign : assigns) {
            if (!assign.type().equals("Assign") || assign.numInputs() < 2) {
                continue;
            }
            String key = checkpointKey(assign.input(1));
            if (key == null) {
                continue;  // a computed name: the kernels check what they read
            }
            Output variable = assign.input(0);
            BundleEntryProto entry = entries.get(key);
            if (entry == null) {
                throw new NotFoundException("Key " + key + " not found in checkpoint " + prefix + " (restored into "
                        + variable.op().name() + " by " + assign.name() + ")");
            }
            if (entry.getDtypeValue() != variable.dtype().code()) {
                throw new InvalidArgumentException("checkpoint tensor " + key + " in " + prefix + " has dtype code "
                        + entry.getDtypeValue() + " but variable " + variable.op().name() + " is " + variable.dtype());
            }
            Shape shape = CheckpointFiles.shapeOf(key, entry);
            if (Boolean.TRUE.equals(assign.attrs().get("validate_shape"))) {
                try {
                    VariableSlot.checkAssignShape(variable.op().name(), variable.shape(), shape);
                } catch (InvalidArgumentException e) {
                    throw new InvalidArgumentException("Restoring checkpoint tensor " + key + " from " + prefix
                            + ": " + e.getMessage() + "; no variable was changed", e);
                }
            }
        }
    }

    /**
     * The checkpoint name an assigned value reads, when it comes (through Identity ops) from a RestoreV2 whose
     * names are a constant; null otherwise.
     */
    private static String checkpointKey(Output value) {
        Output v = value;
        while (v.op().type().equals("Identity")) {
            v = v.op().input(0);
        }
        Operation restore = v.op();
        if (!restore.type().equals("RestoreV2")) {
            return null;
        }
        Operation names = restore.input(1).op();
        if (!names.type().equals("Const") || !(names.attrs().get("value") instanceof Tensor t)
                || t.dtype() != DType.STRING || v.index() >= t.numElements()) {
            return null;
        }
        return t.strings()[v.index()];
    }
}
