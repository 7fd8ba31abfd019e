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
        r.register(CPU, "Assert", op -> {
            int summarize = op.attrInt("summarize");
            return ctx -> {
                Tensor cond = ctx.input(0);
                if (cond.dtype() != DType.BOOL || cond.numElements() != 1) {
                    throw new InvalidArgumentException("In[0] expects a scalar bool, got " + cond.dtype() + " of shape "
                            + cond.shape());
                }
                if (!((boolean[]) cond.array())[0]) {
                    StringBuilder m = new StringBuilder("assertion failed: ");
                    for (int i = 1; i < ctx.numInputs(); i++) {
                        m.append(i > 1 ? " " : "").append(summary(ctx.input(i), summarize));
                    }
                    throw new InvalidArgumentException(m.toString());
                }
            };
        });
    }

    /** Up to {@code n} elements of {@code t}, as TensorFlow's Assert prints its data ({@code [1 2 3...]}). */
    private static String summary(Tensor t, int n) {
        StringBuilder b = new StringBuilder("[");
        int count = t.numElements();
        for (int i = 0; i < Math.min(count, n); i++) {
            if (i > 0) {
                b.append(' ');
            }
            if (t.dtype() == DType.STRING) {
                b.append(t.strings()[i]);
            } else if (t.dtype().isObjectValued()) {
                b.append(((Object[]) t.array())[i]);
            } else {
                double v = t.toDoubles()[i];
                b.append(t.dtype().isFloating() ? Double.toString(v) : Long.toString((long) v));
            }
        }
        return b.append(count > n ? "...]" : "]").toString();
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
