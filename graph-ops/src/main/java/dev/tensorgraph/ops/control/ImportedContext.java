package dev.tensorgraph.ops.control;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tensorgraph.Graph;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.proto.CondContextDef;
import dev.tensorgraph.proto.ControlFlowContextDef;
import dev.tensorgraph.proto.ValuesDef;
import dev.tensorgraph.proto.WhileContextDef;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A cond or while context read from a MetaGraph's {@code cond_context} or {@code while_context} collection. Every
 * tensor it names must exist in the imported graph, as TensorFlow's {@code from_proto} requires. Imported without a
 * scope it is written back with the very bytes it was read from; under an import scope its names take the scope's
 * prefix, as TensorFlow's {@code import_meta_graph(import_scope=...)} does.
 */
public final class ImportedContext implements ControlFlowContext {
    private final ControlFlowContextDef def;
    private final ByteString original;

    private ImportedContext(ControlFlowContextDef def, ByteString original) {
        this.def = def;
        this.original = original;
    }

    /**
     * Parses one collection entry: a {@code CondContextDef} when {@code whileLoop} is false, else a
     * {@code WhileContextDef}; {@code prefix} ("" or a scope ending in '/') is added to every name, which must then
     * name a tensor of {@code g}.
     */
    public static ImportedContext parse(Graph g, ByteString bytes, boolean whileLoop, String prefix) {
        ControlFlowContextDef.Builder b = ControlFlowContextDef.newBuilder();
        try {
            if (whileLoop) {
                b.setWhileCtxt(WhileContextDef.parseFrom(bytes));
            } else {
                b.setCondCtxt(CondContextDef.parseFrom(bytes));
            }
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidArgumentException("an item is not a " + (whileLoop ? "WhileContextDef" : "CondContextDef")
                    + ": " + e.getMessage());
        }
        ControlFlowContextDef def = prefix.isEmpty() ? b.build() : rename(b.build(), n -> prefix + n);
        check(g, def);
        return new ImportedContext(def, prefix.isEmpty() ? bytes : null);
    }

    @Override
    public ControlFlowContextDef toContextDef() {
        return def;
    }

    @Override
    public ByteString entryBytes() {
        return original != null ? original : ControlFlowContext.super.entryBytes();
    }

    /** The context's name ({@code cond/cond_text}, {@code while/while_context}). */
    public String contextName() {
        return def.hasCondCtxt() ? def.getCondCtxt().getContextName() : def.getWhileCtxt().getContextName();
    }

    private static ControlFlowContextDef rename(ControlFlowContextDef def, UnaryOperator<String> f) {
        if (def.hasCondCtxt()) {
            CondContextDef c = def.getCondCtxt();
            CondContextDef.Builder b = c.toBuilder().setContextName(f.apply(c.getContextName()))
                    .setPredName(f.apply(c.getPredName())).setPivotName(f.apply(c.getPivotName()))
                    .setValuesDef(rename(c.getValuesDef(), f)).clearNestedContexts();
            c.getNestedContextsList().forEach(n -> b.addNestedContexts(rename(n, f)));
            return ControlFlowContextDef.newBuilder().setCondCtxt(b).build();
        }
        if (def.hasWhileCtxt()) {
            WhileContextDef w = def.getWhileCtxt();
            WhileContextDef.Builder b = w.toBuilder().setContextName(f.apply(w.getContextName()))
                    .setPivotName(f.apply(w.getPivotName())).setPivotForPredName(f.apply(w.getPivotForPredName()))
                    .setPivotForBodyName(f.apply(w.getPivotForBodyName())).clearLoopExitNames().clearLoopEnterNames()
                    .setValuesDef(rename(w.getValuesDef(), f)).clearNestedContexts();
            if (!w.getMaximumIterationsName().isEmpty()) {
                b.setMaximumIterationsName(f.apply(w.getMaximumIterationsName()));
            }
            w.getLoopExitNamesList().forEach(n -> b.addLoopExitNames(f.apply(n)));
            w.getLoopEnterNamesList().forEach(n -> b.addLoopEnterNames(f.apply(n)));
            w.getNestedContextsList().forEach(n -> b.addNestedContexts(rename(n, f)));
            return ControlFlowContextDef.newBuilder().setWhileCtxt(b).build();
        }
        return def;
    }

    private static ValuesDef rename(ValuesDef v, UnaryOperator<String> f) {
        ValuesDef.Builder b = ValuesDef.newBuilder();
        v.getValuesList().forEach(n -> b.addValues(f.apply(n)));
        v.getExternalValuesMap().forEach((k, x) -> b.putExternalValues(f.apply(k), f.apply(x)));
        return b.build();
    }

    /** Every tensor the context names must be in the graph, as TensorFlow's from_proto looks each one up. */
    private static void check(Graph g, ControlFlowContextDef def) {
        if (def.hasCondCtxt()) {
            CondContextDef c = def.getCondCtxt();
            tensor(g, c.getContextName(), "pred_name", c.getPredName());
            tensor(g, c.getContextName(), "pivot_name", c.getPivotName());
            check(g, c.getContextName(), c.getValuesDef());
            c.getNestedContextsList().forEach(n -> check(g, n));
        } else if (def.hasWhileCtxt()) {
            WhileContextDef w = def.getWhileCtxt();
            String ctx = w.getContextName();
            tensor(g, ctx, "pivot_name", w.getPivotName());
            tensor(g, ctx, "pivot_for_pred_name", w.getPivotForPredName());
            tensor(g, ctx, "pivot_for_body_name", w.getPivotForBodyName());
            if (!w.getMaximumIterationsName().isEmpty()) {
                tensor(g, ctx, "maximum_iterations_name", w.getMaximumIterationsName());
            }
            w.getLoopExitNamesList().forEach(n -> tensor(g, ctx, "loop_exit_names", n));
            w.getLoopEnterNamesList().forEach(n -> tensor(g, ctx, "loop_enter_names", n));
            check(g, ctx, w.getValuesDef());
            w.getNestedContextsList().forEach(n -> check(g, n));
        }
    }

    private static void check(Graph g, String ctx, ValuesDef v) {
        v.getValuesList().forEach(n -> tensor(g, ctx, "values", n));
        for (Map.Entry<String, String> e : v.getExternalValuesMap().entrySet()) {
            tensor(g, ctx, "external_values", e.getKey());
            tensor(g, ctx, "external_values", e.getValue());
        }
    }

    private static void tensor(Graph g, String ctx, String field, String name) {
        int colon = name.lastIndexOf(':');
        String op = colon < 0 ? name : name.substring(0, colon);
        if (op.isEmpty() || g.operation(op) == null) {
            throw new InvalidArgumentException("context " + dev.tensorgraph.errors.ErrorText.quote(ctx) + ": " + field
                    + " names " + dev.tensorgraph.errors.ErrorText.quote(name) + ", which is not in the graph");
        }
        if (colon >= 0) {
            g.output(name);
        }
    }
}
