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
 * state), which is what inference graphs are; and those that take them, to plans that also hold reference
 * variables and update them (training graphs with {@code VariableV2}).
 */
final class PlanRewrites {
    private PlanRewrites() {}

    /** The rewritten counterparts of the plan's feeds, fetches and targets, or null to plan the graph as written. */
    static PlanRewriter.Rewritten apply(List<Output> feeds, List<Output> fetches, List<Operation> targets,
                                        List<Operation> needed) {
        KernelRegistry registry = KernelRegistry.global();
        return PlanRewriter.rewrite(feeds, fetches, targets, needed, registry.planPasses(KernelRegistry.CPU),
                op -> kind(registry, op));
    }

    private static PlanRewriter.Rewritable kind(KernelRegistry registry, Operation op) {
        KernelFactory f = registry.find(KernelRegistry.CPU, op.type());
        if (f == null) {
            return PlanRewriter.Rewritable.NEVER;
        }
        if (f.role() == KernelFactory.Role.VARIABLE) {
            return PlanRewriter.Rewritable.VARIABLE_STATE;
        }
        if (f.role() != KernelFactory.Role.ORDINARY || op.def().forwardsRef()) {
            return PlanRewriter.Rewritable.NEVER;
        }
        boolean refs = false;
        for (int i = 0; i < op.numInputs(); i++) {
            refs |= op.def().isRefInput(i);
        }
        if (refs) {
            return PlanRewriter.Rewritable.VARIABLE_STATE;
        }
        return op.def().isStateful() ? PlanRewriter.Rewritable.NEVER : PlanRewriter.Rewritable.PLAIN;
    }
}
