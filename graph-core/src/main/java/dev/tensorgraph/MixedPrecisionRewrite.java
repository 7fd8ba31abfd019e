package dev.tensorgraph;

import dev.tensorgraph.op.MixedPrecisionLists;
import dev.tensorgraph.op.ServiceProviders;
import dev.tensorgraph.proto.AttrValue;
import dev.tensorgraph.proto.DataType;
import dev.tensorgraph.proto.GraphDef;
import dev.tensorgraph.proto.NodeDef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * TensorFlow's automatic mixed precision as a rewrite of a graph's GraphDef into a new graph that a session runs
 * instead (TensorFlow does it in its graph optimizer, on the GraphDef too). Ops on TensorFlow's lists (which
 * the op library declares, {@link MixedPrecisionLists}) are
 * "painted" to compute in 16 bits when their type attribute {@code T} is float32 (see {@link #paint}):
 * <ul>
 * <li>the <b>allow</b> list (matrix products, convolutions and their backprops) always, where 16 bits pays;
 * <li>the <b>infer</b> list (elementwise arithmetic, BiasAdd, activations and their gradients) and the
 * <b>clear</b> list (ops that only move or compare values: Relu, MaxPool, Reshape, Identity, ...) between
 * painted ops, so a chain of layers stays 16-bit between its matrix products; clear ops also after them;
 * <li>the <b>deny</b> list (losses, Sum and Mean, Exp) and what follows it through infer and clear ops never;
 * anything else (variables, optimizer updates) neither.
 * </ul>
 * A {@code Cast} goes in on every float32 edge between a painted and an unpainted op, one per tensor, named as
 * TensorFlow names them ({@code <op>-<output>-CastToBf16-AutoMixedPrecision}, {@code ...-CastToFp32-...}). Ops
 * a run feeds or fetches are never painted, so fed and fetched tensors keep their dtypes; variables stay float32
 * (their reads are cast), so master weights and optimizer state are float32.
 */
final class MixedPrecisionRewrite {
    private MixedPrecisionRewrite() {}

    /**
     * The graph {@code g} rewritten for {@code mode}; ops named in {@code preserved} (those a run feeds or fetches)
     * keep their types. The result shares no ops with {@code g}; its op names are {@code g}'s plus the casts.
     */
    static Graph rewrite(Graph g, MixedPrecision mode, Set<String> preserved) {
        Set<Operation> painted = paint(g, preserved);
        GraphDef def = GraphDefIO.toProto(g);
        GraphDef.Builder out = def.toBuilder().clearNode();
        Map<String, NodeDef> casts = new LinkedHashMap<>();
        DataType half = DataType.forNumber(mode.dtype().code());
        for (NodeDef node : def.getNodeList()) {
            Operation op = g.operation(node.getName());
            boolean is16 = painted.contains(op);
            NodeDef.Builder b = node.toBuilder();
            if (is16) {
                b.putAttr("T", AttrValue.newBuilder().setType(half).build());
            }
            for (int k = 0; k < op.numInputs(); k++) {
                Output in = op.input(k);
                boolean from16 = painted.contains(in.op()) && in.dtype() == DType.FLOAT32;
                if (is16 && in.dtype() == DType.FLOAT32 && !from16) {
                    b.setInput(k, cast(casts, in, DataType.DT_FLOAT, half, "CastTo" + mode.castSuffix()));
                } else if (!is16 && from16) {
                    b.setInput(k, cast(casts, in, half, DataType.DT_FLOAT, "CastToFp32"));
                }
            }
            out.addNode(b);
        }
        casts.values().forEach(out::addNode);
        Graph rewritten = new Graph();
        GraphDefIO.importGraphDef(rewritten, out.build(), "");
        return rewritten;
    }

    /**
     * Which ops compute in 16 bits, in TensorFlow's steps: the allow list; then deny paint spreads forward from
     * deny-list ops through infer and clear ops; then infer and clear ops that lie on a path from a painted op to
     * a painted op are painted (so a layer's BiasAdd and Relu between two matrix products are, while the last
     * layer's BiasAdd before the loss, or the scaling of a gradient before the optimizer, is not); last, paint
     * spreads forward through clear ops.
     */
    static Set<Operation> paint(Graph g, Set<String> preserved) {
        MixedPrecisionLists lists = ServiceProviders.one(MixedPrecisionLists.class);
        java.util.function.Predicate<Operation> allow = x -> lists.kind(x.type()) == MixedPrecisionLists.Kind.ALLOW;
        java.util.function.Predicate<Operation> inferOrClear = x -> lists.kind(x.type()) == MixedPrecisionLists.Kind.INFER
                || lists.kind(x.type()) == MixedPrecisionLists.Kind.CLEAR;
        java.util.function.Predicate<Operation> clear = x -> lists.kind(x.type()) == MixedPrecisionLists.Kind.CLEAR;
        Set<Operation> painted = identitySet();
        for (Operation op : g.operations()) {
            if (allow.test(op) && paintable(op, preserved)) {
                painted.add(op);
            }
        }
        if (painted.isEmpty()) {
            return painted;
        }
        Map<Operation, List<Operation>> consumers = float32Consumers(g);
        Set<Operation> deny = identitySet();
        for (Operation op : g.operations()) {
            if (lists.kind(op.type()) == MixedPrecisionLists.Kind.DENY) {
                spread(List.of(op), deny, consumers, x -> inferOrClear.test(x) && !painted.contains(x));
            }
        }
        java.util.function.Predicate<Operation> follower = x -> inferOrClear.test(x) && !deny.contains(x)
                && paintable(x, preserved);
        Set<Operation> below = identitySet();
        spread(painted, below, consumers, follower);
        Set<Operation> above = identitySet();
        spread(painted, above, producers(), follower);
        for (Operation op : below) {
            if (above.contains(op)) {
                painted.add(op);
            }
        }
        Set<Operation> cleared = identitySet();
        spread(List.copyOf(painted), cleared, consumers, x -> clear.test(x) && !deny.contains(x)
                && paintable(x, preserved));
        painted.addAll(cleared);
        return painted;
    }

    private static Set<Operation> identitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }

    /** Who reads each op's float32 outputs. */
    private static Map<Operation, List<Operation>> float32Consumers(Graph g) {
        Map<Operation, List<Operation>> r = new IdentityHashMap<>();
        for (Operation op : g.operations()) {
            for (Output in : op.inputs()) {
                if (in.dtype() == DType.FLOAT32) {
                    r.computeIfAbsent(in.op(), k -> new ArrayList<>()).add(op);
                }
            }
        }
        return r;
    }

    /** Edges the other way: the producers of an op's float32 inputs. */
    private static java.util.function.Function<Operation, List<Operation>> producers() {
        return op -> op.inputs().stream().filter(in -> in.dtype() == DType.FLOAT32).map(Output::op).toList();
    }

    private static void spread(java.util.Collection<Operation> from, Set<Operation> reached,
                               Map<Operation, List<Operation>> edges, java.util.function.Predicate<Operation> through) {
        spread(from, reached, op -> edges.getOrDefault(op, List.of()), through);
    }

    /** Adds to {@code reached} every op {@code through} accepts that {@code edges} lead to from {@code from}. */
    private static void spread(java.util.Collection<Operation> from, Set<Operation> reached,
                               java.util.function.Function<Operation, List<Operation>> edges,
                               java.util.function.Predicate<Operation> through) {
        java.util.ArrayDeque<Operation> work = new java.util.ArrayDeque<>(from);
        while (!work.isEmpty()) {
            for (Operation next : edges.apply(work.pop())) {
                if (!reached.contains(next) && through.test(next)) {
                    reached.add(next);
                    work.push(next);
                }
            }
        }
    }

    private static boolean paintable(Operation op, Set<String> preserved) {
        return op.attrs().get("T") == DType.FLOAT32 && !preserved.contains(op.name()) && !hasRefInput(op);
    }

    private static boolean hasRefInput(Operation op) {
        for (int i = 0; i < op.numInputs(); i++) {
            if (op.def().isRefInput(i)) {
                return true;
            }
        }
        return false;
    }

    /** The name of the cast of {@code in} (made once per tensor and direction). */
    private static String cast(Map<String, NodeDef> casts, Output in, DataType from, DataType to, String what) {
        String name = in.op().name() + "-" + in.index() + "-" + what + "-AutoMixedPrecision";
        casts.computeIfAbsent(name, n -> NodeDef.newBuilder().setName(n).setOp(ServiceProviders.one(MixedPrecisionLists.class).castOpType())
                .addInput(in.index() == 0 ? in.op().name() : in.op().name() + ":" + in.index())
                .putAttr("SrcT", AttrValue.newBuilder().setType(from).build())
                .putAttr("DstT", AttrValue.newBuilder().setType(to).build())
                .putAttr("Truncate", AttrValue.newBuilder().setB(false).build())
                .build());
        return name;
    }
}
