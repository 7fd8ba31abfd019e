package dev.tensorgraph.ops;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The conditional primitives of TensorFlow 1.x control flow, as {@code tf.cond} builds on them:
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
public final class ControlFlowOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("Switch").input("data").input("pred").attr("T", AttrType.TYPE)
                .shape(ControlFlowOps::switchShape)
                .gradient((op, dy) -> {
                    if (dev.tensorgraph.ops.control.WhileGradients.isLoopSwitch(op)) {
                        return dev.tensorgraph.ops.control.WhileGradients.loopSwitchGrad(op, dy);
                    }
                    Graph g = op.graph();
                    Output merged = g.opBuilder("Merge", "cond_grad").addInputList(List.of(dy.get(0), dy.get(1)))
                            .build().output(0);
                    return java.util.Arrays.asList(merged, null);
                })
                .build());
        r.register(OpDef.builder("Merge").inputList("inputs").attr("T", AttrType.TYPE).attr("N", AttrType.INT)
                .shape(ControlFlowOps::mergeShape)
                .gradient((op, dy) -> {
                    if (dev.tensorgraph.ops.control.WhileGradients.isLoopMerge(op)) {
                        return dev.tensorgraph.ops.control.WhileGradients.loopMergeGrad(op, dy);
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
                    Operation sw = op.graph().opBuilder("Switch", "cond_grad").addInput(dy.get(0)).addInput(pred).build();
                    return List.of(sw.output(0), sw.output(1));
                })
                .build());
    }

    private static void switchShape(ShapeContext c) {
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

    private static void mergeShape(ShapeContext c) {
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

        /** The record of {@code g}. */
        public static Conds of(Graph g) {
            return g.extension(Conds.class, Conds::new);
        }

        /** Records that {@code merge} joins the branches of a cond on {@code pred}. */
        public synchronized void recordMerge(Operation merge, Output pred) {
            predOfMerge.put(merge, pred);
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
        List<Output> buildBranch(Graph g, Output pred, Output pivot, int branch, Supplier<List<Output>> fn) {
            CondContext ctx;
            synchronized (this) {
                ctx = new CondContext(g, pred, pivot, branch, g.numOperations(), g.currentBuildContext());
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
                    result.add(ctx.routeAlways(o));
                }
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
                if (op.type().equals("Switch")) {
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
     * per tensor and routed through the enclosing conds and while loops first.
     */
    static final class CondContext {
        private final Graph g;
        private final Output pred;
        private final Output pivot;
        private final int branch;
        private final int start;
        /** The context the cond is built in (an enclosing cond branch or while loop), or null. */
        private final Graph.BuildContext outer;
        private final Map<Output, Output> switched = new java.util.HashMap<>();
        private boolean busy;

        CondContext(Graph g, Output pred, Output pivot, int branch, int start, Graph.BuildContext outer) {
            this.g = g;
            this.pred = pred;
            this.pivot = pivot;
            this.branch = branch;
            this.start = start;
            this.outer = outer;
        }

        private boolean isOutside(Output v) {
            return v.op().id() < start && !v.equals(pred) && !v.equals(pivot);
        }

        /** The filter applied to data inputs of ops built inside the branch. */
        Output route(Output v) {
            if (busy || !isOutside(v)) {
                return v;
            }
            return routeAlways(v);
        }

        /** Routes {@code v} through this branch's Switch when it comes from outside. */
        Output routeAlways(Output v) {
            if (!isOutside(v)) {
                return v;
            }
            Output cached = switched.get(v);
            if (cached != null) {
                return cached;
            }
            boolean was = busy;
            busy = true;
            try (var noDeps = g.controlDependencies(null)) {
                Output src = outer != null ? outer.route(v) : v;
                Operation sw = g.opBuilder("Switch", "Switch").addInput(src).addInput(pred).build();
                Output r = sw.output(branch);
                switched.put(v, r);
                return r;
            } finally {
                busy = was;
            }
        }
    }
}
