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

/**
 * CPU kernels of the conditional primitives. {@code Switch} forwards its data to output 1 when the predicate
 * is true, else to output 0, and marks the other output dead; {@code Merge} forwards its first live input and
 * that input's index. Their roles tell the executor so: it skips ops downstream of a dead tensor and runs a
 * Merge when any input is live.
 */
public final class ControlFlowKernels implements KernelLibrary {
    private static final String CPU = KernelRegistry.CPU;

    @Override
    public void register(KernelRegistry r) {
        r.register(CPU, "Switch", KernelFactory.withRole(op -> ControlFlowKernels::doSwitch,
                KernelFactory.Role.MARKS_OUTPUTS_DEAD));
        r.register(CPU, "Merge", KernelFactory.withRole(op -> ControlFlowKernels::merge,
                KernelFactory.Role.RUNS_ON_ANY_LIVE_INPUT));
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
