package dev.tensorgraph.exec;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.rewrite.PlanRewriter;
import java.util.List;

/**
 * The planner's use of {@link PlanRewriter}: the registered plan passes of the device a plan runs on, applied to
 * plans whose ops are plain dataflow (kernels with the ordinary role, no reference inputs, no state), which is
 * what inference graphs are. A device plan may also read variables (as an imported inference graph with its
 * weights in variables does): the rewritten plan keeps their names, by which the session finds their values.
 */
final class PlanRewrites {
    private PlanRewrites() {}

    /**
     * The rewritten counterparts of the plan's feeds, fetches and targets, or null to plan the graph as written;
     * {@code deviceType} is {@link KernelRegistry#CPU} for a plan on the CPU alone.
     */
    static PlanRewriter.Rewritten apply(List<Output> feeds, List<Output> fetches, List<Operation> targets,
                                        List<Operation> needed, String deviceType) {
        KernelRegistry registry = KernelRegistry.global();
        boolean variablesAllowed = !deviceType.equals(KernelRegistry.CPU);
        return PlanRewriter.rewrite(feeds, fetches, targets, needed, registry.planPasses(deviceType),
                op -> isPlain(registry, op, variablesAllowed));
    }

    private static boolean isPlain(KernelRegistry registry, Operation op, boolean variablesAllowed) {
        KernelFactory f = registry.find(KernelRegistry.CPU, op.type());
        if (f != null && variablesAllowed && f.role() == KernelFactory.Role.VARIABLE && op.numInputs() == 0) {
            return true;
        }
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
