package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.kernel.DeviceKernelLibrary;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.Map;

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
        Map<String, KernelFactory.Role> forwarding = Map.of("Enter", KernelFactory.Role.LOOP_ENTER,
                "RefEnter", KernelFactory.Role.LOOP_ENTER, "Exit", KernelFactory.Role.LOOP_EXIT,
                "RefExit", KernelFactory.Role.LOOP_EXIT, "NextIteration", KernelFactory.Role.LOOP_NEXT_ITERATION,
                "RefNextIteration", KernelFactory.Role.LOOP_NEXT_ITERATION);
        forwarding.forEach((type, role) -> r.register(GPU, type, KernelFactory.withRole(op -> {
            if (op.attrType("T") == DType.STRING || op.attrType("T").isObjectValued()) {
                throw new UnimplementedException(op.type() + " op '" + op.name() + "' passes " + op.attrType("T")
                        + " values, which stay in host memory");
            }
            return ctx -> ctx.setOutput(0, ctx.deviceInput(0));
        }, role)));
        r.register(GPU, "LoopCond", KernelFactory.withHostMemory(KernelFactory.withRole(
                op -> ctx -> ctx.setOutput(0, ctx.input(0)), KernelFactory.Role.LOOP_CONDITION),
                new int[] {0}, new int[] {0}));
        r.register(GPU, "ControlTrigger", KernelFactory.withRole(op -> ctx -> { }, KernelFactory.Role.IGNORES_DEADNESS));
    }
}
