package dev.tensorgraph.cpu.passes;

import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * The CPU's plan passes that also see plans holding reference variables (see
 * {@link dev.tensorgraph.rewrite.PlanPass#rewritesStatefulPlans}), so that training steps get them too: running a
 * dense layer's product, bias and activation as one step, a weight gradient's product and its gradient-descent
 * update as one step, a dense layer's ReluGrad and bias gradient with the product before them as one step; and a
 * product whose only use is its sum, summed as it is computed.
 */
public final class TrainingPasses implements KernelLibrary {
    @Override
    public void register(KernelRegistry r) {
        r.registerPlanPass(KernelRegistry.CPU, new FuseMatMulPass());
        r.registerPlanPass(KernelRegistry.CPU, new FuseGradientDescentProductPass());
        r.registerPlanPass(KernelRegistry.CPU, new FuseMatMulSumPass());
        r.registerPlanPass(KernelRegistry.CPU, new FuseMatMulReluGradPass());
    }
}
