package dev.tensorgraph.ops.control;

import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.ComparisonOps;
import dev.tensorgraph.ops.support.Literals;
import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One while loop being built, or built (TensorFlow 1.x's {@code WhileContext}): its frame name, pivots and
 * Enter/Exit ops, and how ops built inside it are wired. While it is the innermost build context, a value from
 * outside that an op reads enters the loop once through a constant {@code Enter} (through enclosing loops
 * first), and an op that reads nothing of the loop waits for the loop's pivot, so that it runs once per
 * iteration. A backward loop ({@code gradState} set) gets forward values through stacks instead (see
 * {@link GradLoopState#realValue}).
 */
final class WhileContext implements Graph.BuildContext {
    final Graph g;
    final LoopContexts contexts;
    /** The frame name: the Enter ops' {@code frame_name}. */
    final String name;
    final int parallelIterations;
    final boolean backProp;
    final boolean swapMemory;
    final Output maximumIterations;
    /** The loop this one is built inside, or null. */
    final WhileContext outer;
    /** The build context that was innermost when this loop began (a cond branch), if not {@link #outer}. */
    final Graph.BuildContext outerRouting;
    /** For a backward loop, the state that ties it to its forward loop; else null. */
    final GradLoopState gradState;
    Output pivotForPred;
    Output pivot;
    Output pivotForBody;
    final List<Output> loopEnters = new ArrayList<>();
    final List<Output> loopExits = new ArrayList<>();
    /** Values from outside, by what they became inside (an Enter, or a value popped from a stack). */
    private final Map<Output, Output> external = new HashMap<>();
    /** Values from outside taken as the loop's own (its loop variables' initial values, gradients entering it). */
    private final Set<Output> ownValues = new HashSet<>();

    WhileContext(Graph g, String nameBase, int parallelIterations, boolean backProp, boolean swapMemory,
                 Output maximumIterations, GradLoopState gradState) {
        if (parallelIterations < 1) {
            throw new InvalidArgumentException("'parallel_iterations' must be a positive integer: " + parallelIterations);
        }
        this.g = g;
        this.contexts = LoopContexts.of(g);
        this.name = g.uniqueName(nameBase);
        this.parallelIterations = parallelIterations;
        this.backProp = backProp;
        this.swapMemory = swapMemory;
        this.maximumIterations = maximumIterations;
        this.gradState = gradState;
        this.outer = contexts.current();
        Graph.BuildContext current = g.currentBuildContext();
        this.outerRouting = current == outer || current == null || contexts.isTop(current) ? null : current;
    }

    // ---- membership ----

    /** The loop whose value {@code v} is: its op's loop, or for a loop's Exit the loop it leaves to. */
    WhileContext valueContext(Output v) {
        WhileContext c = contexts.contextOf(v.op());
        return c != null && LoopOps.isExit(v.op()) ? c.outer : c;
    }

    /** Whether {@code v} is a value of this loop or of a loop inside it. */
    boolean isInside(Output v) {
        if (ownValues.contains(v)) {
            return true;
        }
        for (WhileContext c = valueContext(v); c != null; c = c.outer) {
            if (c == this) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code op} was built in this loop or in a loop inside it. */
    boolean isInside(Operation op) {
        for (WhileContext c = contexts.contextOf(op); c != null; c = c.outer) {
            if (c == this) {
                return true;
            }
        }
        return false;
    }

    void addName(Output v) {
        ownValues.add(v);
    }

    Graph.Scope enter() {
        return contexts.enter(this);
    }

    // ---- Graph.BuildContext ----

    @Override
    public Output route(Output input) {
        return contexts.routingSuppressed() ? input : addValue(input);
    }

    @Override
    public boolean routesUnderOpName() {
        return true;
    }

    @Override
    public List<Operation> extraControlInputs(String opType, List<Output> inputs, List<Operation> controlInputs) {
        Operation pivotOp = controlPivot();
        if (pivotOp == null || contexts.routingSuppressed() || contexts.current() != this) {
            return List.of();
        }
        for (Operation c : controlInputs) {
            if (isInside(c)) {
                return List.of();
            }
        }
        if (inputs.isEmpty()) {
            return List.of(pivotOp);
        }
        if (controlInputs.isEmpty()) {
            for (Output in : inputs) {
                if (!isConstantEnter(in.op())) {
                    return List.of();
                }
            }
            return List.of(pivotOp);
        }
        return List.of();
    }

    @Override
    public void built(Operation op) {
        if (contexts.current() == this && !g.buildingOutsideControlFlow()) {
            contexts.record(op, this);
        }
    }

    /** The op that ops built now wait for: the body's pivot, or while the condition is built, the predicate's. */
    Operation controlPivot() {
        Output p = pivotForBody != null ? pivotForBody : pivotForPred;
        return p == null ? null : p.op();
    }

    static boolean isConstantEnter(Operation op) {
        return LoopOps.isEnter(op) && Boolean.TRUE.equals(op.attrs().get("is_constant"));
    }

    // ---- values from outside ----

    /**
     * {@code val} as ops of this loop read it: itself when it is the loop's, else a constant Enter of it (made
     * once, after entering enclosing loops), or in a backward loop, its forward value popped from a stack.
     */
    Output addValue(Output val) {
        if (isInside(val)) {
            return val;
        }
        Output known = external.get(val);
        if (known != null) {
            return known;
        }
        WhileContext cur = contexts.current();
        if (cur != null && cur.gradState != null && valueContext(val) == cur.gradState.forwardContext) {
            Output real = cur.gradState.realValue(val);
            external.put(val, real);
            return real;
        }
        Output source = enclosing(val);
        Output enter;
        try (var noDeps = g.controlDependencies(null)) {
            enter = contexts.withoutRouting(() -> LoopOps.enter(g, source, name, true, parallelIterations, null));
        }
        contexts.record(enter.op(), this);
        external.put(val, enter);
        return enter;
    }

    /** {@code val} as the context this loop is built in reads it (entered into enclosing loops and conds). */
    private Output enclosing(Output val) {
        if (outerRouting != null) {
            try (var there = contexts.enterRouting(outer, outerRouting)) {
                return outerRouting.route(val);
            }
        }
        if (outer != null) {
            try (var there = outer.enter()) {
                return outer.addValue(val);
            }
        }
        return val;
    }

    // ---- building the loop ----

    /**
     * Builds the loop, as TensorFlow's {@code WhileContext.BuildLoop}: Enter, Merge, the condition and its
     * LoopCond, Switch, Identity, the body, NextIteration (closing the back edges) and Exit for each variable.
     */
    List<Output> buildLoop(Function<List<Output>, Output> cond, Function<List<Output>, List<Output>> body,
                           List<Output> loopVars, List<Shape> shapeInvariants) {
        ownValues.addAll(loopVars);
        List<Output> realVars = new ArrayList<>();
        for (Output v : loopVars) {
            realVars.add(enclosing(v));
        }
        // Ops of a loop wait for nothing outside it; control inputs of enclosing blocks do not reach in.
        try (var inside = enter(); var noDeps = g.controlDependencies(null)) {
            List<Output> enterVars = new ArrayList<>();
            for (int i = 0; i < realVars.size(); i++) {
                enterVars.add(enterLoopVariable(realVars.get(i), shapeInvariants.get(i)));
            }
            // From here on the loop's values are what its Enters give; the initial values are outside again.
            ownValues.clear();
            ownValues.addAll(enterVars);
            loopEnters.addAll(enterVars);
            List<Output> mergeVars = new ArrayList<>();
            for (Output e : enterVars) {
                mergeVars.add(merge(e, e, null));
            }
            pivotForPred = mergeVars.get(0);
            Output c = cond.apply(List.copyOf(mergeVars));
            if (c == null || c.dtype() != DType.BOOL || (c.shape().hasKnownRank() && c.shape().rank() != 0)) {
                throw new InvalidArgumentException("while loop '" + name + "': the condition must return a bool scalar, got "
                        + (c == null ? "null" : c.dtype() + " of shape " + c.shape()));
            }
            pivot = LoopOps.loopCond(g, c, "LoopCond");
            List<Operation> switchOps = new ArrayList<>();
            for (Output m : mergeVars) {
                switchOps.add(switchOn(m, pivot, null));
            }
            List<Output> varsForBody = new ArrayList<>();
            for (Operation s : switchOps) {
                varsForBody.add(ControlOps.identity(g, s.output(1), null));
            }
            pivotForBody = varsForBody.get(0);
            List<Output> result = body.apply(List.copyOf(varsForBody));
            if (result == null || result.size() != mergeVars.size()) {
                throw new InvalidArgumentException("Number of inputs and outputs of 'body' must match 'loop_vars'. Got "
                        + mergeVars.size() + " for the number of inputs/outputs, and "
                        + (result == null ? 0 : result.size()) + " for 'loop_vars'.");
            }
            for (int i = 0; i < result.size(); i++) {
                Output v = result.get(i);
                if (v == null || v.dtype() != mergeVars.get(i).dtype()) {
                    throw new InvalidArgumentException("while loop '" + name + "': body output " + i + " is "
                            + (v == null ? "null" : v.dtype()) + " but loop variable " + i + " is "
                            + mergeVars.get(i).dtype());
                }
                Output next = LoopOps.nextIteration(g, v, null);
                enforceShapeInvariant(mergeVars.get(i), next);
                g.setLoopBackEdge(mergeVars.get(i).op(), 1, next);
            }
            List<Output> exits = new ArrayList<>();
            for (Operation s : switchOps) {
                exits.add(LoopOps.exit(g, s.output(0), null));
            }
            loopExits.addAll(exits);
            return exits;
        }
    }

    private Output enterLoopVariable(Output real, Shape invariant) {
        if (!shapeLessThanOrEqual(real.shape(), invariant)) {
            throw new InvalidArgumentException("The shape invariant specified for " + real.name() + " is not compatible "
                    + "with the initial shape of the loop variable. It enters the loop with shape " + real.shape()
                    + ", but the specified shape invariant is " + invariant + ".");
        }
        // A loop inside a loop waits for the enclosing body when its variable starts from an enclosing constant.
        Operation waitFor = outer != null && isConstantEnter(real.op()) ? outer.controlPivot() : null;
        Output e = contexts.withoutRouting(() -> {
            var b = g.opBuilder("Enter", null).addInput(real).setAttr("frame_name", name).setAttr("is_constant", false)
                    .setAttr("parallel_iterations", (long) parallelIterations).refineOutputShape(0, invariant);
            if (waitFor != null) {
                b.addControlInput(waitFor);
            }
            return b.build().output(0);
        });
        return e;
    }

    private static void enforceShapeInvariant(Output merge, Output next) {
        if (!shapeLessThanOrEqual(next.shape(), merge.shape())) {
            Output input = merge.op().input(0).op().input(0);
            throw new InvalidArgumentException("Input tensor '" + input.name() + "' enters the loop with shape "
                    + input.shape() + ", but has shape " + next.shape() + " after one iteration. To allow the shape to "
                    + "vary across iterations, use the `shape_invariants` argument of tf.while_loop to specify a "
                    + "less-specific shape.");
        }
    }

    /** Whether every tensor of shape {@code a} also has shape {@code b} (b is at most as specific as a). */
    static boolean shapeLessThanOrEqual(Shape a, Shape b) {
        if (!b.hasKnownRank()) {
            return true;
        }
        if (!a.hasKnownRank() || a.rank() != b.rank()) {
            return false;
        }
        for (int i = 0; i < a.rank(); i++) {
            if (b.size(i) >= 0 && a.size(i) != b.size(i)) {
                return false;
            }
        }
        return true;
    }

    // ---- counters and accumulators of backward loops (TensorFlow's WhileContext methods) ----

    /**
     * Adds a loop variable counting this forward loop's iterations ({@code gradients/f_count}); returns the
     * count it exits with and the NextIteration of its next value, which stack pushes are ordered before.
     */
    Output[] addForwardLoopCounter(GradLoopState outerGradState) {
        Output n;
        if (outerGradState != null) {
            n = g.opBuilder("Const", "f_count").setAttr("value", dev.tensorgraph.Tensor.of(0)).setAttr("dtype", DType.INT32)
                    .addControlInput(outerGradState.forwardIndex.op().input(0).op()).build().output(0);
        } else {
            n = ConstantOps.constant(g, dev.tensorgraph.Tensor.of(0), "f_count");
        }
        try (var inside = enter()) {
            addName(n);
            Output enterN = contexts.withoutRouting(() -> LoopOps.enter(g, n, name, false, parallelIterations, "f_count"));
            contexts.record(enterN.op(), this);
            loopEnters.add(enterN);
            Output mergeN = merge(enterN, enterN, null);
            Operation switchN = switchOn(mergeN, pivot, null);
            Output index = ArithmeticOps.addV2(g, switchN.output(1), 1, "Add");
            Output nextN = LoopOps.nextIteration(g, index, null);
            g.setLoopBackEdge(mergeN.op(), 1, nextN);
            Output total = LoopOps.exit(g, switchN.output(0), "f_count");
            loopExits.add(total);
            return new Output[] {total, nextN};
        }
    }

    /**
     * Makes this backward loop count down from the forward loop's iteration count {@code count}
     * ({@code gradients/b_count}); returns the NextIteration of the count, which stack pops are ordered before.
     */
    Output addBackpropLoopCounter(Output count, GradLoopState outerGradState) {
        Output one = ConstantOps.constant(g, dev.tensorgraph.Tensor.of(1), "b_count");
        try (var inside = enter()) {
            addName(count);
            Output enterCount = contexts.withoutRouting(() ->
                    LoopOps.enter(g, count, name, false, parallelIterations, "b_count"));
            contexts.record(enterCount.op(), this);
            loopEnters.add(enterCount);
            Output mergeCount = merge(enterCount, enterCount, null);
            pivotForPred = mergeCount;
            Output pred = ComparisonOps.greaterEqual(g, mergeCount, one, null);
            pivot = LoopOps.loopCond(g, pred, "b_count");
            Operation switchCount = switchOn(mergeCount, pivot, null);
            Output index = ArithmeticOps.sub(g, switchCount.output(1), one, null);
            pivotForBody = index;
            Output nextCount = LoopOps.nextIteration(g, index, null);
            g.setLoopBackEdge(mergeCount.op(), 1, nextCount);
            Output finalZero = LoopOps.exit(g, switchCount.output(0), "b_count");
            loopExits.add(finalZero);
            if (outerGradState != null) {
                g.addLoopControlInput(outerGradState.gradSync(), finalZero.op());
            }
            return nextCount;
        }
    }

    /**
     * The gradient of a loop constant: a loop variable of this backward loop summing {@code grad} over the
     * iterations ({@code b_acc}), starting from zeros shaped like the constant.
     */
    Output addBackpropAccumulator(Operation constantEnter, Output grad) {
        Output acc;
        try (var outside = contexts.enter(outer)) {
            Shape shape = grad.shape();
            if (shape.isFullyDefined()) {
                acc = ConstantOps.constant(g, Literals.filled(grad.dtype(), shape, 0), "b_acc");
            } else {
                Output value = constantEnter.input(0);
                Output zerosShape;
                if (outer != null && outer.gradState != null) {
                    GradLoopState fwdOuter = gradState.outerGradState;
                    try (var fwd = contexts.enter(gradState.forwardContext.outer)) {
                        zerosShape = ShapeOps.shape(g, value, DType.INT32, null);
                    }
                    Output history = fwdOuter.addForwardAccumulator(zerosShape);
                    try (var back = contexts.enter(outer)) {
                        zerosShape = fwdOuter.addBackpropAccumulatedValue(history, zerosShape);
                    }
                } else {
                    zerosShape = ShapeOps.shape(g, value, DType.INT32, null);
                }
                acc = ConstantOps.fill(g, zerosShape, ConstantOps.scalar(g, grad.dtype(), 0, "Const"), null);
            }
        }
        try (var inside = enter()) {
            addName(acc);
            Output enterAcc = contexts.withoutRouting(() -> LoopOps.enter(g, acc, name, false, parallelIterations, "b_acc"));
            contexts.record(enterAcc.op(), this);
            loopEnters.add(enterAcc);
            Output mergeAcc = merge(enterAcc, enterAcc, "b_acc");
            Operation sw = switchOn(mergeAcc, pivot, null);
            Output addAcc = ArithmeticOps.addV2(g, sw.output(1), grad, "Add");
            Output nextAcc = LoopOps.nextIteration(g, addAcc, null);
            g.setLoopBackEdge(mergeAcc.op(), 1, nextAcc);
            Output result = LoopOps.exit(g, sw.output(0), "b_acc");
            loopExits.add(result);
            return result;
        }
    }

    // ---- primitives ----

    Output merge(Output a, Output b, String opName) {
        return g.opBuilder("Merge", opName).addInputList(List.of(a, b)).build().output(0);
    }

    Operation switchOn(Output data, Output pred, String opName) {
        return g.opBuilder("Switch", opName).addInput(data).addInput(pred).build();
    }

    @Override
    public String toString() {
        return "while loop '" + name + "'";
    }
}
