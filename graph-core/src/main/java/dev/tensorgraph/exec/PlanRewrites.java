package dev.tensorgraph.exec;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.rewrite.PlanRewriter;
import java.util.List;

/**
 * The planner's use of {@link PlanRewriter}: the CPU's registered plan passes, applied to plans that run on
 * the CPU alone and whose ops are plain dataflow (kernels with the ordinary role, no reference inputs, no
 * state), which is what inference graphs are.
 */
final class PlanRewrites {
    private PlanRewrites() {}

    /** The rewritten counterparts of the plan's feeds, fetches and targets, or null to plan the graph as written. */
    static PlanRewriter.Rewritten apply(List<Output> feeds, List<Output> fetches, List<Operation> targets,
                                        List<Operation> needed) {
        KernelRegistry registry = KernelRegistry.global();
        return PlanRewriter.rewrite(feeds, fetches, targets, needed, registry.planPasses(KernelRegistry.CPU),
                op -> isPlain(registry, op));
    }

    private static boolean isPlain(KernelRegistry registry, Operation op) {
        KernelFactory f = registry.find(KernelRegistry.CPU, op.type());
        if (f == null || f.role() != KernelFactory.Role.ORDINARY || op.def().isStateful()) {
            return false;
        }
        for (int i = 0; i < op.numInputs(); i++) {
            if (op.def().isRefInput(i)) {
                return false;
            }
        }
        return true;
    }
}
