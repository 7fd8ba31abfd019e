package dev.tensorgraph.ops.control;

import dev.tensorgraph.DType;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.support.Literals;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.grad.LoopGradientState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The while loops of one {@code tf.gradients} call and their backward loops (TensorFlow 1.x's
 * {@code _ControlFlowState}), as the gradient engine sees them through {@link LoopGradientState}.
 */
final class ControlFlowState implements LoopGradientState {
    private final Graph g;
    private final LoopContexts contexts;
    private final Map<WhileContext, GradLoopState> states = new LinkedHashMap<>();

    private ControlFlowState(Graph g) {
        this.g = g;
        this.contexts = LoopContexts.of(g);
    }

    /** The state for the loops whose Exits are among {@code between}, or null when there are none. */
    static ControlFlowState create(Graph g, List<Operation> between, dev.tensorgraph.grad.LoopGradientSupport.Marker marker) {
        List<Operation> exits = new ArrayList<>();
        for (Operation op : between) {
            if (LoopOps.isExit(op)) {
                exits.add(op);
            }
        }
        if (exits.isEmpty()) {
            return null;
        }
        ControlFlowState state = new ControlFlowState(g);
        // Outer loops first: an inner loop's backward loop is built inside its outer loop's.
        exits.sort(Comparator.comparingInt(state::depth));
        for (Operation exit : exits) {
            state.addWhileContext(exit, marker);
        }
        return state;
    }

    private int depth(Operation exit) {
        int d = 0;
        for (WhileContext c = contexts.contextOf(exit); c != null; c = c.outer) {
            d++;
        }
        return d;
    }

    private void addWhileContext(Operation exit, dev.tensorgraph.grad.LoopGradientSupport.Marker marker) {
        WhileContext forward = contexts.contextOf(exit);
        if (forward == null) {
            throw new UnimplementedException("No gradient for Exit op '" + exit.name() + "': its while loop was not built "
                    + "in this process (loops imported from a GraphDef run but cannot be differentiated)");
        }
        if (forward.gradState != null) {
            throw new UnimplementedException("Second-order gradient for while loops not supported ('" + exit.name() + "')");
        }
        if (states.containsKey(forward)) {
            return;
        }
        GradLoopState outerState = forward.outer == null ? null : states.get(forward.outer);
        GradLoopState s = new GradLoopState(forward, outerState);
        states.put(forward, s);
        for (Output e : s.forwardLoopExits) {
            if (!marker.isBetween(e.op())) {
                marker.markBetween(e.op());
            }
        }
    }

    /** The state of the loop whose backward loop builds {@code op}'s gradient (see {@link #enterGradContext}). */
    private GradLoopState gradState(Operation op, boolean before) {
        WhileContext forward = contexts.contextOf(op);
        if (forward != null && before && LoopOps.isExit(op)) {
            forward = forward.outer;
        }
        return forward == null ? null : states.get(forward);
    }

    @Override
    public Graph.Scope enterGradContext(Operation op, boolean before) {
        GradLoopState s = gradState(op, before);
        return s == null ? null : s.gradContext.enter();
    }

    @Override
    public List<Output> unusedExits(Set<Operation> yOps, Grads grads) {
        List<Output> result = new ArrayList<>();
        for (GradLoopState s : states.values()) {
            for (Output y : s.forwardLoopExits) {
                if (grads.pending(y.op()) == 0) {
                    s.pendingExitsCount--;
                    if (!yOps.contains(y.op())) {
                        s.unusedExits.add(y);
                    }
                    if (s.pendingExitsCount == 0) {
                        result.addAll(s.unusedExits);
                    }
                }
            }
            for (Output e : s.forwardContext.loopEnters) {
                if (grads.pending(e.op()) == 0) {
                    grads.setPending(e.op(), 1);
                }
            }
        }
        return result;
    }

    @Override
    public Output zerosLikeForExit(Output exit) {
        Shape shape = exit.shape();
        WhileContext forward = contexts.contextOf(exit.op());
        GradLoopState outerState = forward.outer == null ? null : states.get(forward.outer);
        if (exit.dtype() == DType.VARIANT) {
            if (outerState != null) {
                throw new UnimplementedException("gradients of " + forward + ": a tensor list leaves it unused inside "
                        + "another loop");
            }
            // a list's zeros: as long as the list, each element zeros (TensorFlow's zeros_like of a variant)
            return ConstantOps.zerosLike(g, exit, null);
        }
        if (outerState == null) {
            return shape.isFullyDefined() ? ConstantOps.constant(g, Literals.filled(exit.dtype(), shape, 0), "zeros")
                    : ConstantOps.zerosLike(g, exit, null);
        }
        if (shape.isFullyDefined()) {
            try (var inGrad = outerState.gradContext.enter()) {
                return ConstantOps.constant(g, Literals.filled(exit.dtype(), shape, 0), "zeros");
            }
        }
        Output zerosShape;
        try (var inForward = forward.outer.enter()) {
            zerosShape = ShapeOps.shape(g, exit, DType.INT32, null);
        }
        Output history = outerState.addForwardAccumulator(zerosShape);
        try (var inGrad = outerState.gradContext.enter()) {
            Output realShape = outerState.addBackpropAccumulatedValue(history, zerosShape);
            return ConstantOps.fill(g, realShape, ConstantOps.scalar(g, exit.dtype(), 0, "Const"), null);
        }
    }

    @Override
    public Output zerosLike(Operation op, int index) {
        if (isLoopSwitch(op)) {
            return null;
        }
        Output val = op.output(index);
        WhileContext forward = contexts.contextOf(op);
        GradLoopState s = forward == null ? null : states.get(forward);
        if (s == null) {
            return ConstantOps.zerosLike(g, val, null);
        }
        // A cond's Switch inside the loop: the zeros stand for the gradient of a branch output, so they must be
        // as dead as that output was in the matching forward iteration: guarded by a Switch on the predicate.
        // They are shaped as the Switch's data input, which every iteration computes.
        boolean condSwitch = op.type().equals("Switch");
        Output zeros = zerosInGradLoop(forward, s, condSwitch ? op.input(0) : val);
        if (!condSwitch) {
            return zeros;
        }
        Switch guard = CondOps.switchOp(g, zeros, op.input(1), null);
        return index == 1 ? guard.outputTrue() : guard.outputFalse();
    }

    /** Zeros shaped as forward value {@code val} of one iteration, built in the backward loop. */
    private Output zerosInGradLoop(WhileContext forward, GradLoopState s, Output val) {
        if (val.shape().isFullyDefined()) {
            return ConstantOps.constant(g, Literals.filled(val.dtype(), val.shape(), 0), "Const");
        }
        Output zerosShape;
        try (var inForward = forward.enter()) {
            zerosShape = ShapeOps.shape(g, val, DType.INT32, null);
        }
        Output history;
        try (var outside = contexts.outsideOf(s.gradContext)) {
            history = s.addForwardAccumulator(zerosShape);
        }
        try (var inGrad = s.gradContext.enter()) {
            Output shape = s.addBackpropAccumulatedValue(history, zerosShape);
            return ConstantOps.fill(g, shape, ConstantOps.scalar(g, val.dtype(), 0, "Const"), null);
        }
    }

    @Override
    public boolean isLoopSwitch(Operation op) {
        return isLoopSwitchOp(op);
    }

    static boolean isLoopSwitchOp(Operation op) {
        return (op.type().equals("Switch") || op.type().equals("RefSwitch")) && op.numInputs() == 2
                && op.input(1).op().type().equals("LoopCond");
    }

    @Override
    public boolean isLoopExit(Operation op) {
        return LoopOps.isExit(op);
    }

    @Override
    public List<Operation> exitReady(Operation exit, Grads grads) {
        GradLoopState s = gradState(exit, false);
        if (s == null) {
            return List.of(exit);
        }
        s.deferredExits.add(exit.output(0));
        s.pendingExitsCount--;
        if (s.pendingExitsCount != 0) {
            return List.of();
        }
        List<Operation> ready = new ArrayList<>();
        boolean anyGrad = false;
        for (Output y : s.deferredExits) {
            if (grads.hasAny(y.op())) {
                anyGrad = true;
                ready.add(y.op());
            } else {
                s.unusedExits.add(y);
            }
        }
        for (Output y : s.unusedExits) {
            if (anyGrad && y.dtype().isFloating()) {
                grads.add(y, zerosLikeForExit(y));
            }
            ready.add(y.op());
        }
        return ready;
    }

    @Override
    public void finish() {
        for (GradLoopState s : states.values()) {
            for (Output merge : s.switchMap.values()) {
                Operation m = merge.op();
                if (!m.input(0).equals(m.input(1))) {
                    continue;
                }
                // The variable's next value does not depend on its value: zeros for every iteration after the first.
                Output first = m.input(0);
                Output zeros;
                if (first.shape().isFullyDefined()) {
                    try (var inGrad = s.gradContext.enter()) {
                        zeros = ConstantOps.constant(g, Literals.filled(first.dtype(), first.shape(), 0), "Const");
                    }
                } else {
                    try (var outside = contexts.enter(s.gradContext.outer)) {
                        Output shape = ShapeOps.shape(g, first.op().input(0), DType.INT32, null);
                        zeros = ConstantOps.fill(g, shape, ConstantOps.scalar(g, first.dtype(), 0, "Const"), null);
                    }
                }
                Output next;
                try (var inGrad = s.gradContext.enter()) {
                    next = LoopOps.nextIteration(g, zeros, null);
                }
                g.setLoopBackEdge(m, 1, next);
            }
        }
    }
}
