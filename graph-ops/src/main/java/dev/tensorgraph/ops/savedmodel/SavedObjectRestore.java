package dev.tensorgraph.ops.savedmodel;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.proto.AttrValue;
import dev.tensorgraph.proto.BundleEntryProto;
import dev.tensorgraph.proto.MetaGraphDef;
import dev.tensorgraph.proto.NodeDef;
import dev.tensorgraph.proto.SavedConcreteFunction;
import dev.tensorgraph.proto.SavedObject;
import dev.tensorgraph.proto.SavedObjectGraph;
import dev.tensorgraph.proto.TrackableObjectGraph;
import dev.tensorgraph.proto.TrackableObjectGraph.TrackableObject;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Restores the variables of a TensorFlow 2 SavedModel from its object-based checkpoint, as
 * {@code tf.saved_model.load} matches them: the MetaGraph's {@code SavedObjectGraph} and the checkpoint's
 * {@code _CHECKPOINTABLE_OBJECT_GRAPH} are walked together from their roots by child name, so each saved
 * variable finds its {@code VARIABLE_VALUE} checkpoint key; each function call of the graph names, through its
 * concrete function's {@code bound_inputs}, which saved object each captured {@code VarHandleOp} input stands
 * for. Every entry is checked (present, dtype, shape) before any variable is set.
 */
final class SavedObjectRestore {
    /** The checkpoint key under which TensorFlow 2 stores the checkpoint's object graph. */
    static final String OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH";
    private static final String VARIABLE_VALUE = "VARIABLE_VALUE";
    private static final Set<String> CALL_OPS = Set.of("StatefulPartitionedCall", "PartitionedCall");

    private SavedObjectRestore() {}

    /** Whether the MetaGraph describes its objects (TensorFlow 2) and the checkpoint holds their graph. */
    static boolean applies(MetaGraphDef meta, Map<String, BundleEntryProto> entries) {
        return meta.hasObjectGraphDef() && meta.getObjectGraphDef().getNodesCount() > 0
                && entries.containsKey(OBJECT_GRAPH_KEY);
    }

    /** Sets every captured variable of the session's graph from the checkpoint at {@code prefix}; returns how many. */
    static int restore(Session session, MetaGraphDef meta, Path prefix, Map<String, BundleEntryProto> entries) {
        SavedObjectGraph saved = meta.getObjectGraphDef();
        TrackableObjectGraph checkpoint = checkpointObjectGraph(prefix);
        int[] checkpointNode = matchNodes(saved, checkpoint);
        Map<Operation, String> keyOf = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : capturedVariables(meta).entrySet()) {
            Operation handle = session.graph().operation(e.getKey());
            if (handle == null || !handle.type().equals("VarHandleOp")) {
                continue;  // a captured tensor of another kind: nothing to restore
            }
            String key = variableKey(saved, checkpoint, checkpointNode, e.getValue(), handle);
            checkEntry(key, entries.get(key), handle, prefix);
            keyOf.put(handle, key);
        }
        Map<String, Tensor> values = CheckpointFiles.read(prefix, new ArrayList<>(keyOf.values()));
        for (Map.Entry<Operation, String> e : keyOf.entrySet()) {
            session.setVariableValue(new Variable(e.getKey(), null, null, null, false), values.get(e.getValue()));
        }
        return keyOf.size();
    }

    private static TrackableObjectGraph checkpointObjectGraph(Path prefix) {
        Tensor t = CheckpointFiles.read(prefix, List.of(OBJECT_GRAPH_KEY)).get(OBJECT_GRAPH_KEY);
        if (t.dtype() != DType.STRING || t.numElements() != 1) {
            throw new InvalidArgumentException("checkpoint " + ErrorText.quote(prefix) + ": " + OBJECT_GRAPH_KEY
                    + " is a " + t.dtype() + " tensor of shape " + t.shape() + ", not one string");
        }
        try {
            return TrackableObjectGraph.parseFrom(((byte[][]) t.array())[0]);
        } catch (InvalidProtocolBufferException e) {
            throw new DataLossException("checkpoint " + ErrorText.quote(prefix) + ": " + OBJECT_GRAPH_KEY
                    + " is not a TrackableObjectGraph: " + e.getMessage(), e);
        }
    }

    /**
     * For each saved object, the checkpoint object reached by the same path of child names from the root, or -1.
     */
    private static int[] matchNodes(SavedObjectGraph saved, TrackableObjectGraph checkpoint) {
        int[] match = new int[saved.getNodesCount()];
        Arrays.fill(match, -1);
        if (checkpoint.getNodesCount() == 0) {
            return match;
        }
        match[0] = 0;
        Deque<Integer> todo = new ArrayDeque<>(List.of(0));
        while (!todo.isEmpty()) {
            int s = todo.pop();
            TrackableObject c = checkpoint.getNodes(match[s]);
            for (var child : saved.getNodes(s).getChildrenList()) {
                int sc = child.getNodeId();
                if (sc < 0 || sc >= match.length || match[sc] >= 0) {
                    continue;
                }
                for (var cc : c.getChildrenList()) {
                    if (cc.getLocalName().equals(child.getLocalName()) && cc.getNodeId() >= 0
                            && cc.getNodeId() < checkpoint.getNodesCount()) {
                        match[sc] = cc.getNodeId();
                        todo.push(sc);
                        break;
                    }
                }
            }
        }
        return match;
    }

    /**
     * Each graph op passed as a captured input to a call of a concrete function, with the saved object it stands
     * for: a call's last {@code bound_inputs.size()} inputs are its captures, in that order.
     */
    private static Map<String, Integer> capturedVariables(MetaGraphDef meta) {
        Map<String, SavedConcreteFunction> functions = meta.getObjectGraphDef().getConcreteFunctionsMap();
        Map<String, Integer> out = new LinkedHashMap<>();
        for (NodeDef n : meta.getGraphDef().getNodeList()) {
            AttrValue f = n.getAttrMap().get("f");
            if (!CALL_OPS.contains(n.getOp()) || f == null || !functions.containsKey(f.getFunc().getName())) {
                continue;
            }
            List<Integer> bound = functions.get(f.getFunc().getName()).getBoundInputsList();
            List<String> inputs = n.getInputList().stream().filter(i -> !i.startsWith("^")).toList();
            if (bound.size() > inputs.size()) {
                throw new InvalidArgumentException("call " + ErrorText.quote(n.getName()) + " of "
                        + ErrorText.quote(f.getFunc().getName()) + " has " + inputs.size() + " inputs, fewer than its "
                        + bound.size() + " captured objects");
            }
            for (int i = 0; i < bound.size(); i++) {
                String op = inputs.get(inputs.size() - bound.size() + i).replaceFirst(":\\d+$", "");
                Integer before = out.putIfAbsent(op, bound.get(i));
                if (before != null && !before.equals(bound.get(i))) {
                    throw new InvalidArgumentException("graph op " + ErrorText.quote(op) + " is captured as saved"
                            + " object " + before + " and as saved object " + bound.get(i));
                }
            }
        }
        return out;
    }

    private static String variableKey(SavedObjectGraph saved, TrackableObjectGraph checkpoint, int[] checkpointNode,
                                      int savedId, Operation handle) {
        if (savedId < 0 || savedId >= saved.getNodesCount()
                || saved.getNodes(savedId).getKindCase() != SavedObject.KindCase.VARIABLE) {
            throw new InvalidArgumentException("graph op " + ErrorText.quote(handle.name()) + " is captured as saved"
                    + " object " + savedId + ", which is not a variable of the object graph");
        }
        String name = saved.getNodes(savedId).getVariable().getName();
        int c = checkpointNode[savedId];
        if (c >= 0) {
            for (var attribute : checkpoint.getNodes(c).getAttributesList()) {
                if (attribute.getName().equals(VARIABLE_VALUE)) {
                    return attribute.getCheckpointKey();
                }
            }
        }
        throw new NotFoundException("variable " + ErrorText.quote(name) + " (graph op " + ErrorText.quote(handle.name())
                + ") has no value in the checkpoint's object graph");
    }

    private static void checkEntry(String key, BundleEntryProto entry, Operation handle, Path prefix) {
        if (entry == null) {
            throw new NotFoundException("Key " + key + " not found in checkpoint " + prefix + " (restored into "
                    + handle.name() + ")");
        }
        DType dtype = handle.attrType("dtype");
        if (entry.getDtypeValue() != dtype.code()) {
            throw new InvalidArgumentException("checkpoint tensor " + key + " in " + prefix + " has dtype code "
                    + entry.getDtypeValue() + " but variable " + handle.name() + " is " + dtype);
        }
        Shape shape = CheckpointFiles.shapeOf(key, entry);
        if (!handle.attrShape("shape").isCompatibleWith(shape)) {
            throw new InvalidArgumentException("checkpoint tensor " + key + " in " + prefix + " has shape " + shape
                    + " but variable " + handle.name() + " has shape " + handle.attrShape("shape"));
        }
    }
}
