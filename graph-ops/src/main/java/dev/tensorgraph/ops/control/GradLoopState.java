package dev.tensorgraph.ops.control;

import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.UnimplementedException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A forward while loop and its backward loop in one {@code tf.gradients} call (TensorFlow 1.x's
 * {@code _GradLoopState}). Building it adds a loop variable counting the forward iterations and a backward
 * loop that counts back down from that number. Each forward value the gradient needs is pushed on a stack
 * in every forward iteration and popped in the matching backward iteration, pushes ordered before the
 * forward counter's next value and pops before the backward counter's.
 */
final class GradLoopState {
    final Graph g;
    final LoopContexts contexts;
    final GradLoopState outerGradState;
    final WhileContext forwardContext;
    /** The NextIteration of the forward counter: pushes come before it. */
    final Output forwardIndex;
    final WhileContext gradContext;
    /** The NextIteration of the backward counter: pops come before it (through {@link #gradSync}). */
    final Output gradIndex;
    private Operation gradSync;
    private Operation forwardSync;
    final Map<Output, Output> historyMap = new HashMap<>();
    /** Each forward loop Switch's gradient Merge, which gets its back edge on the Switch's second visit. */
    final Map<Operation, Output> switchMap = new IdentityHashMap<>();
    final List<Output> forwardLoopExits;
    final List<Output> deferredExits = new ArrayList<>();
    final List<Output> unusedExits = new ArrayList<>();
    int pendingExitsCount;

    GradLoopState(WhileContext forward, GradLoopState outerGradState) {
        this.g = forward.g;
        this.contexts = forward.contexts;
        this.outerGradState = outerGradState;
        this.forwardContext = forward;
        this.forwardLoopExits = List.copyOf(forward.loopExits);
        this.pendingExitsCount = forwardLoopExits.size();
        WhileContext outerForward = outerGradState != null ? outerGradState.forwardContext : forward.outer;
        if (forward.outerRouting != null) {
            throw new UnimplementedException("gradients of " + forward + ", which is built inside a cond branch");
        }
        Output[] counter;
        try (var there = contexts.enter(outerForward)) {
            counter = forward.addForwardLoopCounter(outerGradState);
        }
        Output count = counter[0];
        this.forwardIndex = counter[1];
        if (outerGradState != null) {
            outerForward.addName(count);
            Output historyCount = outerGradState.addForwardAccumulator(count);
            try (var there = contexts.enter(outerGradState.gradContext)) {
                this.gradContext = new WhileContext(g, forward.name, forward.parallelIterations, forward.backProp,
                        forward.swapMemory, forward.maximumIterations, this);
                Output realCount = outerGradState.addBackpropAccumulatedValue(historyCount, count);
                this.gradIndex = gradContext.addBackpropLoopCounter(realCount, outerGradState);
            }
        } else {
            try (var there = contexts.enter(outerForward)) {
                this.gradContext = new WhileContext(g, forward.name, forward.parallelIterations, forward.backProp,
                        forward.swapMemory, forward.maximumIterations, this);
                this.gradIndex = gradContext.addBackpropLoopCounter(count, null);
            }
        }
    }

    /**
     * The ControlTrigger every pop of an iteration comes before, and the backward counter's next value after
     * ({@code b_sync}); made on first use.
     */
    Operation gradSync() {
        if (gradSync == null) {
            // Built outside every loop (no pivot to wait for), then made the backward loop's.
            try (var noDeps = g.controlDependencies(null); var top = contexts.enter(null)) {
                gradSync = LoopOps.controlTrigger(g, "b_sync");
            }
            contexts.record(gradSync, gradContext);
            g.addLoopControlInput(gradIndex.op(), gradSync);
        }
        return gradSync;
    }

    /**
     * The ControlTrigger the forward counter's next value waits for and that the pushes of values computed in a
     * cond branch come before ({@code f_sync}): a trigger runs when its inputs are dead, so an iteration that
     * skipped the branch (and its push) still goes on. Made on first use.
     */
    private Operation forwardSync() {
        if (forwardSync == null) {
            try (var noDeps = g.controlDependencies(null); var top = contexts.enter(null)) {
                forwardSync = LoopOps.controlTrigger(g, "f_sync");
            }
            contexts.record(forwardSync, forwardContext);
            g.addLoopControlInput(forwardIndex.op(), forwardSync);
        }
        return forwardSync;
    }

    /**
     * The cond branch of this loop (built directly in it) that computes {@code value}, or null: the value then
     * exists only in the iterations that took the branch.
     */
    CondOps.CondContext condBranchOf(Output value) {
        CondOps.CondContext cond = CondOps.Conds.of(g).branchOf(value.op());
        return cond != null && contexts.contextOf(cond.pivot().op()) == forwardContext ? cond : null;
    }

    /**
     * A stack that holds {@code value} of every forward iteration ({@code f_acc}): pushed in the forward loop,
     * after the forward counter's increment and before its next value.
     */
    Output addForwardAccumulator(Output value) {
        Output acc;
        try (var noDeps = g.controlDependencies(null)) {
            acc = StackOps.stack(g, ConstantOps.constant(g, Tensor.of(-1), null), value.dtype(), "f_acc");
        }
        Output enterAcc;
        try (var inForward = forwardContext.enter()) {
            enterAcc = forwardContext.addValue(acc);
        }
        WhileContext valueContext = forwardContext.valueContext(value);
        if (valueContext != forwardContext) {
            throw new UnimplementedException("gradients of " + forwardContext + ": the value '" + value.name()
                    + "' the gradient needs is computed inside a cond branch of the loop");
        }
        Operation counterAdd = forwardIndex.op().input(0).op();
        Output push;
        try (var inForward = forwardContext.enter(); var noDeps = g.controlDependencies(null)) {
            push = g.opBuilder("StackPushV2", null).addInput(enterAcc).addInput(value).setAttr("T", value.dtype())
                    .setAttr("swap_memory", forwardContext.swapMemory).addControlInput(counterAdd).build().output(0);
        }
        // a push in a cond branch is dead in the iterations that skip the branch: order it through the trigger
        g.addLoopControlInput(condBranchOf(value) != null ? forwardSync() : forwardIndex.op(), push.op());
        return acc;
    }

    /** The value pushed on {@code history} in the matching forward iteration, popped in the backward loop. */
    Output addBackpropAccumulatedValue(Output history, Output value) {
        Output pop;
        CondOps.CondContext cond = condBranchOf(value);
        try (var noDeps = g.controlDependencies(null); var inGrad = gradContext.enter()) {
            if (cond != null) {
                // pop only in the backward iterations whose forward iteration took the branch and pushed
                Switch guard = CondOps.switchOp(g, history, cond.pred(), null);
                history = cond.branch() == 1 ? guard.outputTrue() : guard.outputFalse();
            }
            pop = StackOps.pop(g, history, value.dtype(), value.shape(), null);
        }
        if (gradContext.parallelIterations > 1) {
            g.addLoopControlInput(gradSync(), pop.op());
        }
        return pop;
    }

    /**
     * What the backward loop reads for forward value {@code value}: an Enter of it where it is a loop constant
     * (entering the loops it is constant in), a copy where it is a constant, else its value of the matching
     * forward iteration from a stack.
     */
    Output realValue(Output value) {
        Output real = historyMap.get(value);
        if (real != null) {
            return real;
        }
        Output cur = value;
        GradLoopState curState = this;
        Output history = null;
        while (true) {
            Operation enter = loopConstantEnter(cur);
            if (enter != null) {
                cur = enter.input(0);
                curState = curState.outerGradState;
                if (curState == null) {
                    real = gradContext.addValue(cur);
                    break;
                }
            } else if (cur.op().type().equals("Const")) {
                real = ConstantOps.constant(g, (Tensor) cur.op().attrs().get("value"), null);
                break;
            } else {
                try (var outside = contexts.outsideOf(gradContext)) {
                    history = curState.addForwardAccumulator(cur);
                }
                break;
            }
        }
        if (real == null) {
            real = curState.addBackpropAccumulatedValue(history, cur);
            if (curState != this) {
                try (var inGrad = gradContext.enter()) {
                    real = gradContext.addValue(real);
                }
            }
        }
        historyMap.put(value, real);
        return real;
    }

    /** The constant Enter behind {@code value} through Identity and Switch ops, or null. */
    private static Operation loopConstantEnter(Output value) {
        Operation op = value.op();
        while (op.type().equals("Identity") || op.type().equals("Switch") || op.type().equals("RefIdentity")
                || op.type().equals("RefSwitch")) {
            op = op.input(0).op();
        }
        return WhileContext.isConstantEnter(op) ? op : null;
    }
}
