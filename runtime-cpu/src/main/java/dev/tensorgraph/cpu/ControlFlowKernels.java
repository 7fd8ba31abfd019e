package dev.tensorgraph.cpu;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InternalException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelContext;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.Map;

/**
 * CPU kernels of the control-flow primitives. {@code Switch} forwards its data to output 1 when the predicate
 * is true, else to output 0, and marks the other output dead; {@code Merge} forwards its first live input and
 * that input's index. Their roles tell the executor so: it skips ops downstream of a dead tensor and runs a
 * Merge when any input is live.
 *
 * <p>The while-loop primitives forward their input, as TensorFlow's kernels do: which frame and iteration a
 * value belongs to is the executor's business (their roles let the planner find each loop and run it as one
 * step, its Enter, Merge, NextIteration and Exit ops stood in for by the step itself), so {@code Enter},
 * {@code Exit} and {@code NextIteration} only run here when a plan uses one outside that structure.
 * {@code LoopCond} forwards the predicate; {@code ControlTrigger} does nothing, even after dead inputs.
 * {@code RefSwitch}, {@code RefMerge} and {@code RefIdentity} do what their plain forms do with a variable
 * reference. ({@code Assert} is in {@link LoggingKernels}.)
 */
public final class ControlFlowKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "Switch", KernelFactory.withRole(op -> ControlFlowKernels::doSwitch,
                KernelFactory.Role.MARKS_OUTPUTS_DEAD));
        r.register(CPU, "Merge", KernelFactory.withRole(op -> ControlFlowKernels::merge,
                KernelFactory.Role.RUNS_ON_ANY_LIVE_INPUT));
        Map<String, KernelFactory.Role> forwarding = Map.of("Enter", KernelFactory.Role.LOOP_ENTER,
                "RefEnter", KernelFactory.Role.LOOP_ENTER, "Exit", KernelFactory.Role.LOOP_EXIT,
                "RefExit", KernelFactory.Role.LOOP_EXIT, "NextIteration", KernelFactory.Role.LOOP_NEXT_ITERATION,
                "RefNextIteration", KernelFactory.Role.LOOP_NEXT_ITERATION, "LoopCond",
                KernelFactory.Role.LOOP_CONDITION);
        forwarding.forEach((type, role) ->
                r.register(CPU, type, KernelFactory.withRole(op -> ctx -> ctx.setOutput(0, ctx.input(0)), role)));
        r.register(CPU, "ControlTrigger", KernelFactory.withRole(op -> ctx -> { }, KernelFactory.Role.IGNORES_DEADNESS));
        // The reference forms pass the variable's current value on; ops reading them find the variable itself.
        r.register(CPU, "RefSwitch", KernelFactory.withRole(op -> ControlFlowKernels::doSwitch,
                KernelFactory.Role.MARKS_OUTPUTS_DEAD));
        r.register(CPU, "RefMerge", KernelFactory.withRole(op -> ControlFlowKernels::merge,
                KernelFactory.Role.RUNS_ON_ANY_LIVE_INPUT));
        r.register(CPU, "RefIdentity", op -> ctx -> ctx.setOutput(0, ctx.input(0)));
    }

    private static void doSwitch(KernelContext ctx) {
        Tensor pred = ctx.input(1);
        if (pred.dtype() != DType.BOOL || pred.numElements() != 1 || pred.shape().rank() != 0) {
            throw new InvalidArgumentException("The second input must be a scalar, but it has shape " + pred.shape()
                    + " and dtype " + pred.dtype());
        }
        boolean p = ((boolean[]) pred.array())[0];
        int taken = p ? 1 : 0;
        ctx.setOutput(taken, ctx.input(0));
        ctx.setOutputDead(1 - taken);
    }

    private static void merge(KernelContext ctx) {
        int n = ctx.numInputs();
        for (int i = 0; i < n; i++) {
            if (!ctx.isInputDead(i)) {
                ctx.setOutput(0, ctx.input(i));
                ctx.setOutput(1, Tensor.of(DType.INT32, Shape.scalar(), new int[] {i}));
                return;
            }
        }
        throw new InternalException("Merge ran with every input dead");
    }
}
