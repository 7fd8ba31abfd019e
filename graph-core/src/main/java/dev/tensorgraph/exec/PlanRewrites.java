package dev.tensorgraph.exec;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.rewrite.PlanRewriter;
import java.util.List;

/**
 * The planner's use of {@link PlanRewriter}: the registered plan passes of the device a plan runs on. Every pass
 * sees plans whose ops are plain dataflow (kernels with the ordinary role, no reference inputs, no state), which is
 * what inference graphs are. On the CPU, the passes that take them also see plans that hold reference variables
 * and update them, random generators and conditionals (training graphs with {@code VariableV2} and dropout); the
 * rewritten plan's stateful ops keep the user's ops' state ({@link PlanRewriter.Rewritten#origin}). A device plan
 * may read variables (as an imported inference graph with its weights in variables does) but not update them: the
 * rewritten plan keeps the variables' names, by which the session finds their values.
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
        boolean cpu = deviceType.equals(KernelRegistry.CPU);
        return PlanRewriter.rewrite(feeds, fetches, targets, needed, registry.planPasses(deviceType),
                op -> cpu ? cpuKind(registry, op) : deviceKind(registry, op));
    }

    private static PlanRewriter.Rewritable cpuKind(KernelRegistry registry, Operation op) {
        KernelFactory f = registry.find(KernelRegistry.CPU, op.type());
        if (f == null) {
            return PlanRewriter.Rewritable.NEVER;
        }
        if (f.role() == KernelFactory.Role.VARIABLE) {
            return PlanRewriter.Rewritable.STATEFUL;
        }
        if (op.def().forwardsRef()) {
            return PlanRewriter.Rewritable.NEVER;
        }
        return switch (f.role()) {
            case MARKS_OUTPUTS_DEAD, RUNS_ON_ANY_LIVE_INPUT -> PlanRewriter.Rewritable.STATEFUL;
            case ORDINARY -> readsReference(op) || op.def().isStateful()
                    ? PlanRewriter.Rewritable.STATEFUL : PlanRewriter.Rewritable.PLAIN;
            default -> PlanRewriter.Rewritable.NEVER;
        };
    }

    /** A device plan: variables that are only read count as plain; updates and other state keep it as written. */
    private static PlanRewriter.Rewritable deviceKind(KernelRegistry registry, Operation op) {
        KernelFactory f = registry.find(KernelRegistry.CPU, op.type());
        if (f != null && f.role() == KernelFactory.Role.VARIABLE && op.numInputs() == 0) {
            return PlanRewriter.Rewritable.PLAIN;
        }
        if (f == null || f.role() != KernelFactory.Role.ORDINARY || op.def().isStateful() || readsReference(op)) {
            return PlanRewriter.Rewritable.NEVER;
        }
        return PlanRewriter.Rewritable.PLAIN;
    }

    private static boolean readsReference(Operation op) {
        for (int i = 0; i < op.numInputs(); i++) {
            if (op.def().isRefInput(i)) {
                return true;
            }
        }
        return false;
    }
}
