package dev.tensorgraph.cuda.passes;

import dev.tensorgraph.kernel.DeviceKernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * The GPU's plan passes: folding each convolution's bias, batch normalization and activation into one
 * {@code _FusedConv2D} ({@link FoldIntoConvPass}). See {@link dev.tensorgraph.rewrite.PlanPass}.
 */
public final class GpuPlanPasses implements DeviceKernelLibrary {
    @Override
    public void register(KernelRegistry r) {
        r.registerPlanPass(KernelRegistry.GPU, new FoldIntoConvPass());
    }
}
