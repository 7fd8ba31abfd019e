package dev.tensorgraph.ops.control;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.errors.InternalException;
import java.util.Arrays;
import java.util.List;

/**
 * Gradients of the while-loop primitives in a backward loop, as TensorFlow 1.x's {@code control_flow_grad.py}
 * builds them. The gradient engine builds them inside the backward loop of the op's forward loop (see
 * {@link ControlFlowState#enterGradContext}):
 * <ul>
 *   <li>Exit: the gradient enters the backward loop ({@code b_exit}).</li>
 *   <li>A loop's Switch, visited twice: first its Exit side's gradient opens a Merge ({@code b_switch}), then
 *   its body side's gradient becomes that Merge's NextIteration.</li>
 *   <li>A loop's Merge: its gradient is switched on the backward loop's predicate, to the next backward
 *   iteration or out.</li>
 *   <li>NextIteration: the identity. Enter: the gradient leaves the backward loop through an Exit, or for a
 *   loop constant, is summed over the iterations ({@code b_acc}).</li>
 * </ul>
 */
public final class WhileGradients {
    private WhileGradients() {}

    private static WhileContext gradContext(Operation op) {
        WhileContext c = LoopContexts.of(op.graph()).current();
        if (c == null || c.gradState == null) {
            throw new InternalException("the gradient of " + op.type() + " op '" + op.name() + "' is built outside the "
                    + "backward loop of its while loop");
        }
        return c;
    }

    static List<Output> exitGrad(Operation op, List<Output> dy) {
        WhileContext grad = gradContext(op);
        if (!grad.backProp) {
            return Arrays.asList((Output) null);
        }
        Output g = dy.get(0);
        grad.addName(g);
        Output result;
        try (var inside = grad.enter()) {
            result = grad.contexts.withoutRouting(() ->
                    LoopOps.enter(op.graph(), g, grad.name, false, grad.parallelIterations, "b_exit"));
        }
        grad.contexts.record(result.op(), grad);
        grad.loopEnters.add(result);
        return Arrays.asList(result);
    }

    static List<Output> enterGrad(Operation op, List<Output> dy) {
        WhileContext grad = LoopContexts.of(op.graph()).current();
        Output g = dy.get(0);
        if (grad == null || !grad.backProp || grad.gradState == null) {
            return Arrays.asList(g);
        }
        if (WhileContext.isConstantEnter(op)) {
            return Arrays.asList(grad.addBackpropAccumulator(op, g));
        }
        Output result = LoopOps.exit(op.graph(), g, null);
        grad.loopExits.add(result);
        return Arrays.asList(result);
    }

    /** Whether the Switch gradient of {@code op} is a loop's (else a cond's). */
    public static boolean isLoopSwitch(Operation op) {
        return ControlFlowState.isLoopSwitchOp(op);
    }

    public static List<Output> loopSwitchGrad(Operation op, List<Output> dy) {
        GradLoopState state = gradContext(op).gradState;
        Output merge = state.switchMap.get(op);
        if (merge != null) {
            if (dy.get(1) != null) {
                Output next = LoopOps.nextIteration(op.graph(), dy.get(1), null);
                op.graph().setLoopBackEdge(merge.op(), 1, next);
            }
            return Arrays.asList(null, null);
        }
        if (dy.get(0) != null) {
            Graph g = op.graph();
            merge = g.opBuilder("Merge", "b_switch").addInputList(List.of(dy.get(0), dy.get(0))).build().output(0);
            state.switchMap.put(op, merge);
            return Arrays.asList(merge, null);
        }
        return Arrays.asList(null, null);
    }

    /** Whether {@code op} is a loop variable's Merge (it has a back edge). */
    public static boolean isLoopMerge(Operation op) {
        for (int i = 0; i < op.numInputs(); i++) {
            if (LoopOps.isNextIteration(op.input(i).op())) {
                return true;
            }
        }
        return false;
    }

    public static List<Output> loopMergeGrad(Operation op, List<Output> dy) {
        WhileContext grad = gradContext(op);
        Operation sw = op.graph().opBuilder("Switch", null).addInput(dy.get(0)).addInput(grad.pivot).build();
        return List.of(sw.output(0), sw.output(1));
    }
}
