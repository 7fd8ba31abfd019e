package dev.tensorgraph.ops.control;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.proto.CondContextDef;
import dev.tensorgraph.proto.ControlFlowContextDef;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The conditional primitives of TensorFlow 1.x control flow and {@code tf.cond} built on them:
 * <ul>
 *   <li>{@code Switch(data, pred) -> (output_false, output_true)}: forwards {@code data} to the output that
 *   {@code pred} selects; the other output is dead, and every op downstream of a dead tensor is skipped.</li>
 *   <li>{@code Merge(inputs..., N) -> (output, value_index)}: forwards the first live input and its index
 *   (int32 scalar); it is live when any input is.</li>
 * </ul>
 * Gradients follow TensorFlow's {@code control_flow_grad.py} for a cond context: the gradient of Switch is the
 * Merge of its two output gradients (only the taken side is live), and the gradient of Merge is its output
 * gradient switched on the cond's predicate, so only the taken branch receives a live gradient. The predicate
 * of each Merge built by {@code cond} is recorded per graph ({@link Conds}); a Merge built by hand finds it
 * through the Switch ops behind its inputs.
 */
public final class CondOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("Switch").outputNames("output_false", "output_true").input("data").input("pred").attr("T", AttrType.TYPE)
                .shape(CondOps::switchShape)
                .gradient((op, dy) -> WhileGradients.isLoopSwitch(op) ? WhileGradients.loopSwitchGrad(op, dy)
                        : java.util.Arrays.asList(merge(op.graph(), List.of(dy.get(0), dy.get(1)), "cond_grad").output(),
                                null))
                .build());
        r.register(OpDef.builder("Merge").outputNames("output", "value_index").inputList("inputs").attr("T", AttrType.TYPE).attr("N", AttrType.INT)
                .shape(CondOps::mergeShape).loopRole(OpDef.LoopRole.MERGE)
                .gradient((op, dy) -> {
                    if (WhileGradients.isLoopMerge(op)) {
                        return WhileGradients.loopMergeGrad(op, dy);
                    }
                    Output pred = Conds.of(op.graph()).predOf(op);
                    if (pred == null) {
                        throw new dev.tensorgraph.errors.UnimplementedException("gradient of Merge op '" + op.name()
                                + "' needs the predicate of its cond, and none was found");
                    }
                    if (op.numInputs() != 2) {
                        throw new dev.tensorgraph.errors.UnimplementedException("gradient of Merge op '" + op.name()
                                + "' with " + op.numInputs() + " inputs (only a cond's two-way Merge is supported)");
                    }
                    Switch sw = switchOp(op.graph(), dy.get(0), pred, "cond_grad");
                    return List.of(sw.outputFalse(), sw.outputTrue());
                })
                .build());
    }

    private static final String SWITCH = "Switch";

    /**
     * {@code Switch(data, pred)}: {@code data} on {@link Switch#outputTrue} when {@code pred} holds, else on
     * {@link Switch#outputFalse}; the other output is dead. ({@code switch} is a Java keyword.)
     */
    public static Switch switchOp(Graph g, Output data, Output pred, String name) {
        Operation sw = g.opBuilder(SWITCH, name).addInput(data).addInput(pred).build();
        return new Switch(sw.output(0), sw.output(1));
    }

    /** {@code Merge(inputs)}: the first live input and its index. */
    public static Merge merge(Graph g, List<Output> inputs, String name) {
        Operation m = g.opBuilder("Merge", name).addInputList(inputs).build();
        return new Merge(m.output(0), m.output(1));
    }

    static void switchShape(ShapeContext c) {
        if (c.inputDtype(1) != DType.BOOL) {
            throw c.fail("pred must be bool, got " + c.inputDtype(1));
        }
        Shape p = c.inputShape(1);
        if (p.hasKnownRank() && p.rank() != 0) {
            throw c.fail("pred must be a scalar, got shape " + p);
        }
        c.setOutput(0, c.inputDtype(0), c.inputShape(0));
        c.setOutput(1, c.inputDtype(0), c.inputShape(0));
    }

    static void mergeShape(ShapeContext c) {
        int n = c.numInputs();
        if (n == 0) {
            throw c.fail("needs at least one input");
        }
        DType t = c.inputDtype(0);
        Shape s = c.inputShape(0);
        for (int i = 1; i < n; i++) {
            if (c.inputDtype(i) != t) {
                throw c.fail("all inputs must have one dtype, input 0 is " + t + " and input " + i + " is "
                        + c.inputDtype(i));
            }
            s = looseMerge(s, c.inputShape(i));
        }
        c.setOutput(0, t, s);
        c.setOutput(1, DType.INT32, Shape.scalar());
    }

    /** The most specific shape both may have: differing dimensions become unknown, differing ranks unknown rank. */
    static Shape looseMerge(Shape a, Shape b) {
        if (!a.hasKnownRank() || !b.hasKnownRank() || a.rank() != b.rank()) {
            return Shape.unknown();
        }
        long[] d = new long[a.rank()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.size(i) == b.size(i) ? a.size(i) : -1;
        }
        return Shape.of(d);
    }

    /**
     * Per-graph record of the conds built in a graph (TensorFlow keeps its CondContext objects in the
     * {@code cond_context} collection): the predicate of each Merge, for its gradient.
     */
    public static final class Conds {
        private final Map<Operation, Output> predOfMerge = new IdentityHashMap<>();
        private final ArrayDeque<CondContext> stack = new ArrayDeque<>();
        private final java.util.Set<Operation> inputSwitches =
                java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        /** The innermost cond branch each op was built in (ops outside every cond are absent). */
        private final Map<Operation, CondContext> branchOfOp = new IdentityHashMap<>();

        /** The record of {@code g}. */
        public static Conds of(Graph g) {
            return g.extension(Conds.class, Conds::new);
        }

        /** Records that {@code merge} joins the branches of a cond on {@code pred}. */
        public synchronized void recordMerge(Operation merge, Output pred) {
            predOfMerge.put(merge, pred);
        }

        /** The innermost cond branch built in this graph that holds {@code op}, or null. */
        synchronized CondContext branchOf(Operation op) {
            return branchOfOp.get(op);
        }

        private synchronized void recordBranch(Operation op, CondContext ctx) {
            branchOfOp.putIfAbsent(op, ctx);
        }

        /** The predicate of a Merge: recorded by cond, else the pred input of the nearest Switch behind it. */
        public synchronized Output predOf(Operation merge) {
            Output p = predOfMerge.get(merge);
            return p != null ? p : findSwitchPred(merge);
        }

        /**
         * Runs one branch function of a cond: ops it creates depend on {@code pivot}, outside tensors it uses
         * are routed through {@code Switch(value, pred)[branch]} by the graph's input filter, and outside
         * tensors it returns are always routed so.
         */
        List<Output> buildBranch(Graph g, Output pred, Output pivot, int branch, Supplier<List<Output>> fn,
                                 List<CondContext> built) {
            CondContext ctx;
            synchronized (this) {
                ctx = new CondContext(g, pred, pivot, branch, g.numOperations(), g.currentBuildContext(), stack.peek(),
                        inputSwitches);
                stack.push(ctx);
            }
            try {
                List<Output> raw;
                try (var deps = g.controlDependencies(List.of(pivot.op()));
                     var filter = g.inputFilter(ctx::route)) {
                    raw = fn.get();
                }
                if (raw == null || raw.isEmpty()) {
                    throw new dev.tensorgraph.errors.InvalidArgumentException("cond: a branch function returned "
                            + "nothing; it must return the tensors to merge");
                }
                List<Output> result = new ArrayList<>(raw.size());
                for (Output o : raw) {
                    if (o == null) {
                        throw new dev.tensorgraph.errors.InvalidArgumentException("cond: a branch returned null");
                    }
                    result.add(ctx.routeResult(o));
                }
                ctx.finish();
                // a cond nested in this branch finished first and keeps its own ops
                List<Operation> ops = g.operations();
                for (int id = ctx.start; id < ops.size(); id++) {
                    recordBranch(ops.get(id), ctx);
                }
                built.add(ctx);
                return result;
            } finally {
                synchronized (this) {
                    stack.remove(ctx);
                }
            }
        }

        private static Output findSwitchPred(Operation merge) {
            ArrayDeque<Operation> queue = new ArrayDeque<>();
            java.util.Set<Operation> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            for (Output in : merge.inputs()) {
                queue.add(in.op());
            }
            for (Operation c : merge.controlInputs()) {
                queue.add(c);
            }
            while (!queue.isEmpty()) {
                Operation op = queue.poll();
                if (!seen.add(op)) {
                    continue;
                }
                if (op.def().type().equals(SWITCH)) {
                    return op.input(1);
                }
                List<Operation> next = new ArrayList<>();
                for (Output in : op.inputs()) {
                    next.add(in.op());
                }
                next.addAll(op.controlInputs());
                queue.addAll(next);
            }
            return null;
        }
    }

    /**
     * One branch of a cond being built (TensorFlow's {@code CondContext}): ops with id at least {@code start}
     * were created inside; a tensor from before is outside and reaches the branch through a Switch, made once
     * per tensor and routed through the enclosing conds and while loops first. It keeps the tensors it has seen as
     * TensorFlow does, to be written as a {@code CondContextDef} ({@code cond/cond_text} for the true branch,
     * {@code cond/cond_text_1} for the false one); a cond inside a branch is written nested in that branch's context.
     */
    static final class CondContext implements ControlFlowContext {
        private final Graph g;
        private final Output pred;
        private final Output pivot;
        private final int branch;
        private final int start;
        /** The context the cond is built in (an enclosing cond branch or while loop), or null. */
        private final Graph.BuildContext outer;
        /** The cond branch this cond is built in, or null: its context holds this one's. */
        private final CondContext outerCond;
        private final Map<Output, Output> switched = new java.util.HashMap<>();
        private final String contextName;
        private final ContextValues values = new ContextValues();
        private final List<CondContext> nested = new ArrayList<>();
        /** The Switch ops that route an input in (TensorFlow's AddValue): only their taken output is a value. */
        private final java.util.Set<Operation> inputSwitches;
        private boolean busy;

        CondContext(Graph g, Output pred, Output pivot, int branch, int start, Graph.BuildContext outer,
                    CondContext outerCond, java.util.Set<Operation> inputSwitches) {
            this.g = g;
            this.pred = pred;
            this.pivot = pivot;
            this.branch = branch;
            this.start = start;
            this.outer = outer;
            this.outerCond = outerCond;
            this.inputSwitches = inputSwitches;
            this.contextName = g.uniqueName("cond_text");
            values.add(pred.name());
            values.putExternal(pred.name(), pred.name());
            values.add(pivot.name());
            if (outerCond != null) {
                outerCond.nested.add(this);
            }
        }

        private boolean isOutside(Output v) {
            return v.op().id() < start && !v.equals(pred) && !v.equals(pivot);
        }

        /** The filter applied to data inputs of ops built inside the branch (TensorFlow's {@code AddValue}). */
        Output route(Output v) {
            if (busy || !isOutside(v)) {
                return v;
            }
            return switched(v, true);
        }

        /** A tensor the branch returns, through this branch's Switch when it comes from outside. */
        Output routeResult(Output v) {
            return isOutside(v) ? switched(v, false) : v;
        }

        /**
         * The Switch output standing for outside tensor {@code v}. A Switch routing an input is recorded as in
         * TensorFlow's {@code AddValue}, one made for a returned tensor as an op of the branch
         * ({@code _ProcessOutputTensor}).
         */
        private Output switched(Output v, boolean forInput) {
            Output cached = switched.get(v);
            if (cached != null) {
                return cached;
            }
            boolean was = busy;
            busy = true;
            try (var noDeps = g.controlDependencies(null)) {
                values.add(v.name());
                Output src = v;
                if (outer != null) {
                    src = outer.route(v);
                    values.add(src.name());
                    values.putExternal(src.name(), src.name());
                }
                Output r = switchOp(g, src, pred, "Switch").output(branch);
                if (forInput) {
                    inputSwitches.add(r.op());
                    for (CondContext c = this; c != null; c = c.outerCond) {
                        c.values.add(r.name());
                    }
                }
                values.putExternal(v.name(), r.name());
                switched.put(v, r);
                return r;
            } finally {
                busy = was;
            }
        }

        /** Records the outputs of the ops built in the branch, those of nested conds included, as seen. */
        void finish() {
            List<Operation> ops = g.operations();
            for (int id = start; id < ops.size(); id++) {
                Operation op = ops.get(id);
                if (!inputSwitches.contains(op)) {
                    op.outputs().forEach(o -> values.add(o.name()));
                }
            }
        }

        boolean isNested() {
            return outerCond != null;
        }

        /** The predicate the branch is taken on. */
        Output pred() {
            return pred;
        }

        /** 1 for the true branch, 0 for the false one: the Switch output the branch reads. */
        int branch() {
            return branch;
        }

        /** The branch's pivot, built in the context the cond was built in. */
        Output pivot() {
            return pivot;
        }

        @Override
        public ControlFlowContextDef toContextDef() {
            CondContextDef.Builder b = CondContextDef.newBuilder().setContextName(contextName)
                    .setPredName(pred.name()).setPivotName(pivot.name()).setBranch(branch)
                    .setValuesDef(values.toProto());
            nested.forEach(n -> b.addNestedContexts(n.toContextDef()));
            return ControlFlowContextDef.newBuilder().setCondCtxt(b).build();
        }

        @Override
        public String toString() {
            return "CondContext(" + contextName + ")";
        }
    }

    // ---- tf.cond ----

    /** {@code tf.cond(pred, true_fn, false_fn)}: the result of the branch {@code pred} selects. */
        public static Output cond(Graph g, Output pred, Supplier<Output> trueFn, Supplier<Output> falseFn, String name) {
        return condList(g, pred, () -> List.of(trueFn.get()), () -> List.of(falseFn.get()), name).get(0);
    }

    /** {@code tf.cond} whose branches return several tensors (same count and dtypes); one Merge per tensor. */
    public static List<Output> condList(Graph g, Output pred, Supplier<List<Output>> trueFn, Supplier<List<Output>> falseFn,
                                  String name) {
        if (trueFn == null || falseFn == null) {
            throw new InvalidArgumentException("cond needs a pred, a true_fn and a false_fn");
        }
        return condOnPivots(g, pred, pivot -> trueFn.get(), pivot -> falseFn.get(), name);
    }

    /**
     * {@code tf.cond} whose branch functions receive their branch's pivot ({@code switch_t}, {@code switch_f}): what
     * a branch returning an op instead of a tensor returns, the pivot after that op, as TensorFlow's cond does.
     */
    public static List<Output> condOnPivots(Graph g, Output pred, java.util.function.Function<Output, List<Output>> trueFn,
                                            java.util.function.Function<Output, List<Output>> falseFn, String name) {
        if (pred == null || trueFn == null || falseFn == null) {
            throw new InvalidArgumentException("cond needs a pred, a true_fn and a false_fn");
        }
        if (pred.dtype() != DType.BOOL) {
            throw new InvalidArgumentException("cond: pred '" + pred.name() + "' must be bool, got " + pred.dtype());
        }
        if (pred.shape().hasKnownRank() && pred.shape().rank() != 0) {
            throw new InvalidArgumentException("cond: pred '" + pred.name() + "' must be a scalar, got shape "
                    + pred.shape());
        }
        Conds conds = Conds.of(g);
        try (var scope = g.nameScope(name == null ? "cond" : name)) {
            Switch sw = switchOp(g, pred, pred, "Switch");
            Output pivotT = ControlOps.identity(g, sw.outputTrue(), "switch_t");
            Output pivotF = ControlOps.identity(g, sw.outputFalse(), "switch_f");
            Output predId = ControlOps.identity(g, pred, "pred_id");
            List<CondContext> contexts = new ArrayList<>(2);
            List<Output> resT = conds.buildBranch(g, predId, pivotT, 1, () -> trueFn.apply(pivotT), contexts);
            List<Output> resF = conds.buildBranch(g, predId, pivotF, 0, () -> falseFn.apply(pivotF), contexts);
            if (resT.size() != resF.size()) {
                throw new InvalidArgumentException("cond: true_fn returned " + resT.size() + " tensors and false_fn "
                        + resF.size() + "; both branches must return the same structure");
            }
            if (!contexts.get(0).isNested()) {
                // As TensorFlow: a cond inside another one is written inside the enclosing branch's context.
                contexts.forEach(c -> g.addToCollection(GraphKeys.COND_CONTEXT, c));
            }
            List<Output> merged = new ArrayList<>(resT.size());
            for (int i = 0; i < resT.size(); i++) {
                Output t = resT.get(i);
                Output f = resF.get(i);
                if (t.dtype() != f.dtype()) {
                    throw new InvalidArgumentException("cond: output " + i + " is " + t.dtype() + " in true_fn ('"
                            + t.name() + "') but " + f.dtype() + " in false_fn ('" + f.name() + "')");
                }
                Merge m = merge(g, List.of(f, t), "Merge");
                conds.recordMerge(m.output().op(), predId);
                merged.add(m.output());
            }
            return merged;
        }
    }

    /**
     * TensorFlow's {@code smart_cond}: calls one function directly when {@code pred} is known while building
     * (a {@code Boolean}, or a bool {@code Const}), else builds a {@link #cond}.
     */
    public static Output smartCond(Graph g, Output pred, Supplier<Output> trueFn, Supplier<Output> falseFn) {
        return smartCondList(g, pred, () -> List.of(trueFn.get()), () -> List.of(falseFn.get())).get(0);
    }

    public static List<Output> smartCondList(Graph g, Output pred, Supplier<List<Output>> trueFn,
                                             Supplier<List<Output>> falseFn) {
        Boolean known = staticValue(pred);
        if (known != null) {
            return known ? trueFn.get() : falseFn.get();
        }
        return condList(g, pred, trueFn, falseFn, null);
    }

    /** The value of a bool predicate known while building (a bool Const), or null. */
    public static Boolean staticValue(Output pred) {
        if (pred == null) {
            throw new InvalidArgumentException("a predicate must be a bool Output, got null");
        }
        Tensor v = pred.dtype() == DType.BOOL ? ConstantOps.constantValue(pred) : null;
        return v != null && v.numElements() == 1 ? v.booleans()[0] : null;
    }
}
