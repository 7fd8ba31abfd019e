package dev.tensorgraph.ops;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.ops.control.ControlFlowContext;
import dev.tensorgraph.ops.control.ImportedContext;
import dev.tensorgraph.ops.control.WhileContextWriter;
import dev.tensorgraph.proto.CollectionDef;
import dev.tensorgraph.proto.VariableDef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts graph collections to and from MetaGraphDef {@code collection_def} entries, as TensorFlow 1.x does:
 *
 * <ul>
 *   <li>the variable collections ({@link #VARIABLE_KEYS}: {@code variables}, {@code trainable_variables}, ...)
 *       as {@code bytes_list} of serialized VariableDef;</li>
 *   <li>{@code cond_context} and {@code while_context} as {@code bytes_list} of serialized CondContextDef and
 *       WhileContextDef ({@link ControlFlowContext}s: the conds built here, or the contexts read from a file,
 *       written back with the bytes they were read from);</li>
 *   <li>Operations and Outputs (other Variables included) as {@code node_list} of op names ({@code "train"})
 *       and tensor names ({@code "x:0"});</li>
 *   <li>any other {@code bytes_list} as {@link CollectionBytes}, byte for byte (never decoded); Strings added
 *       here as their UTF-8 bytes; {@code any_list} items as protobuf {@link Any}s, unchanged;</li>
 *   <li>Long/Integer as {@code int64_list}, Float/Double as {@code float_list}.</li>
 * </ul>
 *
 * A collection holding anything else (a Java object without a proto form, or a mix of kinds) is left out, as
 * TensorFlow leaves out collections it cannot serialize.
 */
final class MetaGraphCollections {
    /** Collections whose items are Variables saved as VariableDef (TensorFlow's registered proto functions). */
    static final Set<String> VARIABLE_KEYS = Set.of(GraphKeys.GLOBAL_VARIABLES, GraphKeys.TRAINABLE_VARIABLES,
            GraphKeys.LOCAL_VARIABLES, GraphKeys.MODEL_VARIABLES, GraphKeys.MOVING_AVERAGE_VARIABLES,
            GraphKeys.GLOBAL_STEP, "metric_variables");

    /** The op types a VariableDef may name as its variable: reference variables' and resource variables' handles. */
    static final Set<String> VARIABLE_OP_TYPES = Set.of("VariableV2", "Variable", "VarHandleOp");

    /** Collections of control-flow contexts: key to whether its entries are WhileContextDefs. */
    static final Map<String, Boolean> CONTEXT_KEYS = Map.of(GraphKeys.COND_CONTEXT, false,
            WhileContextWriter.COLLECTION, true);

    private MetaGraphCollections() {}

    /** The CollectionDef of {@code items}, or null when the collection cannot be written. */
    static CollectionDef toProto(String key, List<Object> items) {
        if (items.isEmpty()) {
            return null;
        }
        if (VARIABLE_KEYS.contains(key) && allOf(items, Variable.class)) {
            CollectionDef.BytesList.Builder b = CollectionDef.BytesList.newBuilder();
            for (Object o : items) {
                b.addValue(variableDef((Variable) o).toByteString());
            }
            return CollectionDef.newBuilder().setBytesList(b).build();
        }
        if (allOf(items, ControlFlowContext.class)) {
            CollectionDef.BytesList.Builder b = CollectionDef.BytesList.newBuilder();
            for (Object o : items) {
                b.addValue(((ControlFlowContext) o).entryBytes());
            }
            return CollectionDef.newBuilder().setBytesList(b).build();
        }
        if (allOf(items, Any.class)) {
            return CollectionDef.newBuilder().setAnyList(CollectionDef.AnyList.newBuilder()
                    .addAllValue(items.stream().map(Any.class::cast).toList())).build();
        }
        if (allNodes(items)) {
            CollectionDef.NodeList.Builder b = CollectionDef.NodeList.newBuilder();
            for (Object o : items) {
                b.addValue(o instanceof Operation op ? op.name() : ((Output) o).name());
            }
            return CollectionDef.newBuilder().setNodeList(b).build();
        }
        if (allBytes(items)) {
            CollectionDef.BytesList.Builder b = CollectionDef.BytesList.newBuilder();
            for (Object o : items) {
                b.addValue(o instanceof CollectionBytes c ? c.byteString() : ByteString.copyFromUtf8((String) o));
            }
            return CollectionDef.newBuilder().setBytesList(b).build();
        }
        if (allIntegral(items)) {
            CollectionDef.Int64List.Builder b = CollectionDef.Int64List.newBuilder();
            for (Object o : items) {
                b.addValue(((Number) o).longValue());
            }
            return CollectionDef.newBuilder().setInt64List(b).build();
        }
        if (allFloating(items)) {
            CollectionDef.FloatList.Builder b = CollectionDef.FloatList.newBuilder();
            for (Object o : items) {
                b.addValue(((Number) o).floatValue());
            }
            return CollectionDef.newBuilder().setFloatList(b).build();
        }
        return null;
    }

    static VariableDef variableDef(Variable v) {
        VariableDef.Builder b = VariableDef.newBuilder().setVariableName(v.name()).setTrainable(v.trainable());
        if (v.initializer() != null) {
            b.setInitializerName(v.initializer().name());
        }
        if (v.initialValue() != null) {
            b.setInitialValueName(v.initialValue().name());
        }
        Output snapshot = v.isResource() ? v.snapshot() : v.value();
        if (snapshot != null) {
            b.setSnapshotName(snapshot.name());
        }
        return b.setIsResource(v.isResource()).build();
    }

    /**
     * Rebuilds the collections of an imported graph. Variables are made once per variable op and shared by
     * every collection that lists them; a node-list tensor name of a variable yields that Variable.
     * {@code source} names the file in errors.
     */
    static Map<String, List<Object>> fromProto(Graph g, Map<String, CollectionDef> defs, String prefix, String source) {
        Map<String, Variable> variables = new HashMap<>();
        Map<String, List<Object>> out = new java.util.LinkedHashMap<>();
        // Variable collections first, so that node lists naming a variable find its Variable object.
        for (boolean varPass : new boolean[] {true, false}) {
            for (Map.Entry<String, CollectionDef> e : defs.entrySet()) {
                String key = e.getKey();
                boolean isVarKey = VARIABLE_KEYS.contains(key) && e.getValue().hasBytesList();
                if (isVarKey != varPass) {
                    continue;
                }
                try {
                    Boolean whileLoops = CONTEXT_KEYS.get(key);
                    List<Object> items = isVarKey ? variables(g, e.getValue().getBytesList(), prefix, variables)
                            : whileLoops != null && e.getValue().hasBytesList()
                            ? contexts(g, e.getValue().getBytesList(), whileLoops, prefix)
                            : items(g, e.getValue(), prefix, variables);
                    if (items != null) {
                        out.put(key, items);
                    }
                } catch (TensorgraphException | IllegalArgumentException ex) {
                    throw new InvalidArgumentException(source + ": collection '" + key + "' cannot be restored: "
                            + ex.getMessage(), ex);
                }
            }
        }
        // Keep the file's order of collections.
        Map<String, List<Object>> ordered = new java.util.LinkedHashMap<>();
        for (String key : defs.keySet()) {
            if (out.containsKey(key)) {
                ordered.put(key, out.get(key));
            }
        }
        return ordered;
    }

    private static List<Object> variables(Graph g, CollectionDef.BytesList list, String prefix,
                                          Map<String, Variable> cache) {
        List<Object> r = new ArrayList<>();
        for (ByteString bytes : list.getValueList()) {
            VariableDef def;
            try {
                def = VariableDef.parseFrom(bytes);
            } catch (InvalidProtocolBufferException ex) {
                throw new InvalidArgumentException("an item is not a VariableDef: " + ex.getMessage());
            }
            Output varOut = g.output(prefix + def.getVariableName());
            if (!VARIABLE_OP_TYPES.contains(varOut.op().type()) || varOut.index() != 0) {
                throw new InvalidArgumentException("VariableDef variable_name " + ErrorText.quote(def.getVariableName())
                        + " names output " + varOut.index() + " of a " + varOut.op().type() + " op, not a variable");
            }
            if (varOut.op().type().equals("VarHandleOp") != def.getIsResource()) {
                throw new InvalidArgumentException("VariableDef " + ErrorText.quote(def.getVariableName())
                        + " says is_resource " + def.getIsResource() + " but names a " + varOut.op().type() + " op");
            }
            Variable v = cache.get(varOut.op().name());
            if (v == null) {
                Operation init = def.getInitializerName().isEmpty() ? null
                        : g.requireOperation(prefix + def.getInitializerName());
                Output initial = def.getInitialValueName().isEmpty() ? null
                        : g.output(prefix + def.getInitialValueName());
                Output snapshot = def.getSnapshotName().isEmpty() ? null : g.output(prefix + def.getSnapshotName());
                v = new Variable(varOut.op(), init, initial, snapshot, def.getTrainable());
                cache.put(varOut.op().name(), v);
            }
            r.add(v);
        }
        return r;
    }

    private static List<Object> contexts(Graph g, CollectionDef.BytesList list, boolean whileLoops, String prefix) {
        List<Object> r = new ArrayList<>();
        for (ByteString bytes : list.getValueList()) {
            r.add(ImportedContext.parse(g, bytes, whileLoops, prefix));
        }
        return r;
    }

    private static List<Object> items(Graph g, CollectionDef def, String prefix, Map<String, Variable> variables) {
        List<Object> r = new ArrayList<>();
        switch (def.getKindCase()) {
            case NODE_LIST -> {
                for (String name : def.getNodeList().getValueList()) {
                    if (name.indexOf(':') >= 0) {
                        Output o = g.output(prefix + name);
                        Variable v = o.index() == 0 ? variables.get(o.op().name()) : null;
                        r.add(v != null ? v : o);
                    } else {
                        r.add(g.requireOperation(prefix + name));
                    }
                }
            }
            case BYTES_LIST -> {
                for (ByteString b : def.getBytesList().getValueList()) {
                    r.add(CollectionBytes.of(b));
                }
            }
            case ANY_LIST -> r.addAll(def.getAnyList().getValueList());
            case INT64_LIST -> {
                for (long x : def.getInt64List().getValueList()) {
                    r.add(x);
                }
            }
            case FLOAT_LIST -> {
                for (float x : def.getFloatList().getValueList()) {
                    r.add(x);
                }
            }
            default -> {
                return null; // no kind set: an empty collection, which a graph cannot hold
            }
        }
        return r;
    }

    private static boolean allOf(List<Object> items, Class<?> type) {
        for (Object o : items) {
            if (!type.isInstance(o)) {
                return false;
            }
        }
        return true;
    }

    private static boolean allBytes(List<Object> items) {
        for (Object o : items) {
            if (!(o instanceof String) && !(o instanceof CollectionBytes)) {
                return false;
            }
        }
        return true;
    }

    private static boolean allNodes(List<Object> items) {
        for (Object o : items) {
            if (!(o instanceof Operation) && !(o instanceof Output)) {
                return false;
            }
        }
        return true;
    }

    private static boolean allIntegral(List<Object> items) {
        for (Object o : items) {
            if (!(o instanceof Long) && !(o instanceof Integer)) {
                return false;
            }
        }
        return true;
    }

    private static boolean allFloating(List<Object> items) {
        for (Object o : items) {
            if (!(o instanceof Float) && !(o instanceof Double)) {
                return false;
            }
        }
        return true;
    }
}
