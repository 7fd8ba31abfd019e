package dev.tensorgraph.cpu.passes;

import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * The CPU's plan passes, in the order they run: dropping control dependencies on inert ops, constant folding,
 * folding zero padding into the convolution or max-pool after it, then folding per-channel scales and shifts
 * (batch normalization) into convolutions, then fusing each convolution with its bias, residual addition and
 * activation. They rewrite plans of plain dataflow graphs (frozen inference graphs); see
 * {@link dev.tensorgraph.rewrite.PlanPass}.
 */
public final class InferencePasses implements KernelLibrary {
    @Override
    public void register(KernelRegistry r) {
        r.registerPlanPass(KernelRegistry.CPU, new DropControlDependenciesPass());
        r.registerPlanPass(KernelRegistry.CPU, new FoldConstantsPass());
        r.registerPlanPass(KernelRegistry.CPU, new FoldPadIntoWindowPass());
        r.registerPlanPass(KernelRegistry.CPU, new FoldScaleIntoConvPass());
        r.registerPlanPass(KernelRegistry.CPU, new FuseConvPass());
    }
}
