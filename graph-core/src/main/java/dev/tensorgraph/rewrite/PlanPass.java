package dev.tensorgraph.rewrite;

/**
 * A rewrite of the ops a plan runs, applied before the plan is built, as TensorFlow's grappler rewrites a
 * graph before it runs it: constant folding, folding a batch normalization into a convolution's weights,
 * fusing ops into one kernel. A pass is registered for a device with
 * {@link dev.tensorgraph.kernel.KernelRegistry#registerPlanPass}; the planner knows no op type, so every rule
 * that does lives in a pass.
 *
 * <p>A pass must not change what any fetched value is (up to the rounding of float arithmetic done in
 * another order, which the pass documents), and must leave fed values and their readers' view of them alone.
 * Passes run in the order they were registered, and the sequence runs again while one of them changes the
 * graph (at most a few times).
 *
 * <pre>{@code
 * registry.registerPlanPass(KernelRegistry.CPU, new PlanPass() {
 *     public String name() { return "drop-my-identities"; }
 *     public boolean apply(RewriteGraph g) { ... return changed; }
 * });
 * }</pre>
 */
public interface PlanPass {
    /** A short name, for logs and {@code describePlan}: "fold-constants", "fuse-conv". */
    String name();

    /** Rewrites {@code g} in place; returns whether it changed anything. */
    boolean apply(RewriteGraph g);

    /**
     * Whether this pass may also see plans that hold state or steer a conditional: variables and ops that read
     * or update them through reference inputs ({@code VariableV2}, {@code Assign}, {@code ApplyGradientDescent}),
     * other stateful ops (random generators, resource handles) and a conditional's Switch and Merge. Such a pass
     * must keep every update's order against the reads of the variable that the graph orders before or after
     * it, each variable op's name (the session finds a variable's value by it), and every stateful op as it is
     * (its state stays the user's op's); an op it makes from several must read all of their inputs, so that it
     * is skipped on an untaken branch as they would be. While loops keep any plan out of rewriting. False unless
     * a pass says otherwise.
     */
    default boolean rewritesStatefulPlans() {
        return false;
    }
}
