package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.DeviceKernelLibrary;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * GPU kernels of the while-loop primitives. A loop runs as one step whose bookkeeping is on the host (the
 * executor hands values from one iteration to the next and stands in for Enter, Merge, NextIteration and
 * Exit), so these forward their input like TensorFlow's kernels; {@code LoopCond} keeps the predicate in host
 * memory, where the loop reads it after each iteration. Stacks and tensor arrays run on the CPU.
 */
public final class LoopGpuKernels implements DeviceKernelLibrary {
    private static final String GPU = KernelRegistry.GPU;

    @Override
    public void register(KernelRegistry r) {
        for (String type : new String[] {"Enter", "RefEnter", "Exit", "RefExit", "NextIteration", "RefNextIteration"}) {
            r.register(GPU, type, op -> {
                if (op.attrType("T") == DType.STRING || op.attrType("T").isObjectValued()) {
                    throw new UnimplementedException(op.type() + " op '" + op.name() + "' passes " + op.attrType("T")
                            + " values, which stay in host memory");
                }
                return ctx -> ctx.setOutput(0, ctx.deviceInput(0));
            });
        }
        r.register(GPU, "LoopCond", KernelFactory.withHostMemory(op -> ctx -> ctx.setOutput(0, ctx.input(0)),
                new int[] {0}, new int[] {0}));
        r.register(GPU, "ControlTrigger", op -> ctx -> { });
    }
}
