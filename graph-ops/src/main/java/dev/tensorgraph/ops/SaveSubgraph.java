package dev.tensorgraph.ops;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.ops.io.CheckpointOps;
import dev.tensorgraph.ops.state.VariableOps;
import dev.tensorgraph.proto.SaverDef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The save and restore ops that TensorFlow 1.x's {@code tf.train.Saver} adds to a graph (non-sharded, V2
 * format), so that a saved MetaGraph carries a truthful {@link SaverDef}:
 *
 * <pre>
 * save/filename/input  Const "model"
 * save/filename        PlaceholderWithDefault
 * save/Const           PlaceholderWithDefault      (feed the checkpoint prefix here)
 * save/SaveV2          SaveV2(save/Const, save/SaveV2/tensor_names, save/SaveV2/shape_and_slices, vars...)
 * save/control_dependency  Identity(save/Const) after save/SaveV2   (fetch to save)
 * save/RestoreV2       RestoreV2(save/Const, save/RestoreV2/tensor_names, save/RestoreV2/shape_and_slices)
 * save/Assign, save/Assign_1, ...                  Assign(var, save/RestoreV2:i)   (reference variables)
 * save/Identity, save/AssignVariableOp, ...        AssignVariableOp(var, Identity(save/RestoreV2:i))   (resource)
 * save/restore_all     NoOp after every Assign     (run to restore)
 * </pre>
 *
 * Variables are listed sorted by checkpoint name. A second Saver in a graph uses {@code save_1/}.
 */
record SaveSubgraph(String filenameTensorName, String saveTensorName, String restoreOpName) {

    static SaveSubgraph build(Graph g, Map<String, Variable> variables) {
        TreeMap<String, Variable> sorted = new TreeMap<>(variables);
        int n = sorted.size();
        byte[][] names = new byte[n][];
        byte[][] slices = new byte[n][];
        DType[] dtypes = new DType[n];
        List<Variable> vars = new ArrayList<>(sorted.values());
        int i = 0;
        for (Map.Entry<String, Variable> e : sorted.entrySet()) {
            names[i] = e.getKey().getBytes(StandardCharsets.UTF_8);
            slices[i] = new byte[0];
            dtypes[i] = e.getValue().dtype();
            i++;
        }
        try (var noDeps = g.controlDependencies(null); var scope = freeScope(g)) {
            String s = scope.name();
            Output input = constant(g, s + "filename/input", Tensor.ofString("model"));
            Output filename = ConstantOps.placeholderWithDefault(g, input, Shape.scalar(), s + "filename/");
            Output prefix = ConstantOps.placeholderWithDefault(g, filename, Shape.scalar(), s + "Const/");

            Operation save = CheckpointOps.saveV2(g, prefix, constant(g, s + "SaveV2/tensor_names", strings(names)),
                    constant(g, s + "SaveV2/shape_and_slices", strings(slices)), new ArrayList<Output>(vars), s + "SaveV2/");
            Output saveTensor;
            try (var afterSave = g.controlDependencies(List.of(save))) {
                saveTensor = ControlOps.identity(g, prefix, s + "control_dependency/");
            }

            List<Output> restored = CheckpointOps.restoreV2(g, prefix,
                    constant(g, s + "RestoreV2/tensor_names", strings(names)),
                    constant(g, s + "RestoreV2/shape_and_slices", strings(slices)), dtypes, s + "RestoreV2/");
            List<Operation> assigns = new ArrayList<>();
            int refs = 0;
            int resources = 0;
            for (int k = 0; k < n; k++) {
                Variable v = vars.get(k);
                if (v.isResource()) {
                    // TensorFlow's form for resource variables: Identity(RestoreV2:k) into AssignVariableOp
                    String suffix = resources == 0 ? "" : "_" + resources;
                    Output value = ControlOps.identity(g, restored.get(k), s + "Identity" + suffix + "/");
                    assigns.add(dev.tensorgraph.ops.state.ResourceVariableOps.assignVariableOp(g, v, value, false,
                            s + "AssignVariableOp" + suffix + "/"));
                    resources++;
                } else {
                    assigns.add(VariableOps.assign(g, v, restored.get(k), true, true,
                            s + (refs == 0 ? "Assign" : "Assign_" + refs) + "/"));
                    refs++;
                }
            }
            Operation restoreOp = ControlOps.group(g, assigns, s + "restore_all/");
            return new SaveSubgraph(prefix.name(), saveTensor.name(), restoreOp.name());
        }
    }

    /**
     * Opens {@code save}, {@code save_1}, ... until one holds no op yet: ops imported from a GraphDef keep their
     * names without reserving their scopes, so a graph imported with a saver already has {@code save/...}.
     */
    private static Graph.Scope freeScope(Graph g) {
        while (true) {
            Graph.Scope scope = g.nameScope("save");
            boolean used = false;
            for (Operation op : g.operations()) {
                if (op.name().startsWith(scope.name())) {
                    used = true;
                    break;
                }
            }
            if (!used) {
                return scope;
            }
            scope.close();
        }
    }

    SaverDef toProto(int maxToKeep) {
        return SaverDef.newBuilder().setFilenameTensorName(filenameTensorName).setSaveTensorName(saveTensorName)
                .setRestoreOpName(restoreOpName).setMaxToKeep(maxToKeep).setSharded(false)
                .setKeepCheckpointEveryNHours(10000f).setVersion(SaverDef.CheckpointFormatVersion.V2).build();
    }

    private static Tensor strings(byte[][] values) {
        return Tensor.of(DType.STRING, Shape.of(values.length), values);
    }

    private static Output constant(Graph g, String exactName, Tensor value) {
        return ConstantOps.constant(g, value, exactName + "/");
    }
}
