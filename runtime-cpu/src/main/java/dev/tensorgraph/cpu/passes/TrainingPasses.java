package dev.tensorgraph.cpu.passes;

import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;

/**
 * The CPU's plan passes for training graphs, which also see plans that hold reference variables (see
 * {@link dev.tensorgraph.rewrite.PlanPass#rewritesStatefulPlans}): running a weight gradient's product and its
 * gradient-descent update as one step.
 */
public final class TrainingPasses implements KernelLibrary {
    @Override
    public void register(KernelRegistry r) {
        r.registerPlanPass(KernelRegistry.CPU, new FuseGradientDescentProductPass());
    }
}
