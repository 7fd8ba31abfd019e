package dev.tensorgraph.rewrite;

import dev.tensorgraph.Graph;
import dev.tensorgraph.OpBuilder;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.errors.TensorgraphException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a device's {@link PlanPass}es to the ops one plan needs: copies them into a {@link RewriteGraph},
 * runs the passes, and builds the result as a graph of its own, which the planner then plans in place of the
 * user's. Called by the planner; the user's graph is never changed.
 *
 * <p>Plans of plain dataflow go through every pass. Plans whose ops also hold state (variables, updates through
 * reference inputs, random generators) or steer a conditional (Switch, Merge) go through the passes that
 * {@linkplain PlanPass#rewritesStatefulPlans() take them}; a while loop's ops keep the plan as written. A fed
 * op with inputs (a {@code PlaceholderWithDefault}) is copied with what it reads, which the rewritten plan prunes
 * again. A pass that fails is logged and the graph runs as written.
 */
public final class PlanRewriter {
    private static final Logger LOG = LoggerFactory.getLogger(PlanRewriter.class);
    /** How often the sequence of passes runs at most while one of them still changes the graph. */
    private static final int MAX_ROUNDS = 3;

    private PlanRewriter() {}

    /**
     * The rewritten graph's counterparts of a plan's feeds, fetches and targets (same order), and the names of
     * the passes that changed something.
     */
    public record Rewritten(List<Output> feeds, List<Output> fetches, List<Operation> targets, List<String> passes,
                            Map<Operation, Operation> origins) {
        /**
         * The user's op that a rewritten op was copied from, or null for an op a pass made: a stateful op's state
         * (a random generator's position) belongs to the user's op, so that every plan that runs it shares it.
         */
        public Operation origin(Operation rewritten) {
            return origins.get(rewritten);
        }
    }

    /** How far an op lets a plan be rewritten. */
    public enum Rewritable {
        /** Plain dataflow: every pass may rewrite the plan. */
        PLAIN,
        /**
         * A variable, an op reading or updating one through a reference input, another stateful op, or a
         * conditional's Switch or Merge: only passes that take such plans.
         */
        STATEFUL,
        /** A while loop's op, or an op without a CPU kernel: the plan runs as written. */
        NEVER
    }

    /**
     * Rewrites the ops {@code needed} (in graph order) of a plan with {@code passes}; null when nothing
     * changed or the plan cannot be rewritten. {@code kind} says how far each op lets the plan be rewritten.
     */
    public static Rewritten rewrite(List<Output> feeds, List<Output> fetches, List<Operation> targets,
                                    List<Operation> needed, List<PlanPass> allPasses,
                                    Function<Operation, Rewritable> kind) {
        if (allPasses.isEmpty() || needed.isEmpty()) {
            return null;
        }
        Set<Operation> ops = new LinkedHashSet<>(needed);
        for (Output f : feeds) {
            addWithInputs(f.op(), ops);
        }
        boolean stateful = false;
        for (Operation op : ops) {
            Rewritable k = kind.apply(op);
            if (k == Rewritable.NEVER) {
                return null;
            }
            stateful |= k == Rewritable.STATEFUL;
        }
        List<PlanPass> passes = stateful
                ? allPasses.stream().filter(PlanPass::rewritesStatefulPlans).toList() : allPasses;
        if (passes.isEmpty()) {
            return null;
        }
        List<Operation> order = new ArrayList<>(ops);
        order.sort(Comparator.comparingInt(Operation::id));
        RewriteGraph g = new RewriteGraph();
        Map<Operation, RewriteGraph.Node> nodeOf = new IdentityHashMap<>();
        for (Operation op : order) {
            List<RewriteGraph.Value> inputs = new ArrayList<>();
            for (Output in : op.inputs()) {
                inputs.add(nodeOf.get(in.op()).output(in.index()));
            }
            List<RewriteGraph.Node> controls = new ArrayList<>();
            for (Operation c : op.controlInputs()) {
                controls.add(nodeOf.get(c));
            }
            nodeOf.put(op, g.copyOf(op, inputs, controls));
        }
        for (Output f : feeds) {
            g.markFed(nodeOf.get(f.op()).output(f.index()));
        }
        for (Output f : fetches) {
            g.fetch(nodeOf.get(f.op()).output(f.index()));
        }
        for (Operation t : targets) {
            g.markTarget(nodeOf.get(t));
        }
        List<String> applied = new ArrayList<>();
        try {
            for (int round = 0; round < MAX_ROUNDS; round++) {
                boolean changed = false;
                for (PlanPass p : passes) {
                    if (p.apply(g)) {
                        changed = true;
                        if (!applied.contains(p.name())) {
                            applied.add(p.name());
                        }
                    }
                }
                if (!changed) {
                    break;
                }
            }
            if (applied.isEmpty()) {
                return null;
            }
            g.removeUnused();
            return build(g, feeds, nodeOf, fetches.size(), targets, applied);
        } catch (TensorgraphException | IllegalStateException | IllegalArgumentException | ClassCastException e) {
            LOG.warn("rewriting a plan with {} failed; running the graph as written: {}", applied, e.toString());
            LOG.debug("rewrite failure", e);
            return null;
        }
    }

    /**
     * Adds a fed op and what it reads, which the plan does not run but the copy needs to be a whole graph (the
     * default of a fed {@code PlaceholderWithDefault}); the planner prunes them from the rewritten plan again.
     */
    private static void addWithInputs(Operation fed, Set<Operation> ops) {
        ArrayDeque<Operation> pending = new ArrayDeque<>();
        pending.push(fed);
        while (!pending.isEmpty()) {
            Operation op = pending.pop();
            if (!ops.add(op) && op != fed) {
                continue;
            }
            for (Output in : op.inputs()) {
                if (!ops.contains(in.op())) {
                    pending.push(in.op());
                }
            }
            for (Operation c : op.controlInputs()) {
                if (!ops.contains(c)) {
                    pending.push(c);
                }
            }
        }
    }

    /** Builds the rewritten nodes as a graph of their own and finds the plan's feeds, fetches and targets in it. */
    private static Rewritten build(RewriteGraph g, List<Output> feeds, Map<Operation, RewriteGraph.Node> nodeOf,
                                   int numFetches, List<Operation> targets, List<String> applied) {
        Graph out = new Graph();
        Map<RewriteGraph.Node, Operation> built = new IdentityHashMap<>();
        Map<Operation, Operation> origins = new IdentityHashMap<>();
        for (RewriteGraph.Node n : g.topologicalOrder()) {
            OpBuilder b = out.opBuilder(n.type(), n.name() + "/").ignoreControlScopes().setDevice(n.device());
            for (RewriteGraph.Value in : n.inputs()) {
                b.addInput(built.get(in.node()).output(in.index()));
            }
            for (RewriteGraph.Node c : n.controlInputs()) {
                b.addControlInput(built.get(c));
            }
            for (Map.Entry<String, Object> a : n.attrs().entrySet()) {
                b.setAttr(a.getKey(), a.getValue());
            }
            Operation op = b.build();
            built.put(n, op);
            if (n.origin() != null) {
                origins.put(op, n.origin());
            }
        }
        List<Output> newFeeds = new ArrayList<>();
        for (Output f : feeds) {
            newFeeds.add(built.get(nodeOf.get(f.op())).output(f.index()));
        }
        List<Output> newFetches = new ArrayList<>();
        for (int i = 0; i < numFetches; i++) {
            RewriteGraph.Value v = g.fetched(i);
            newFetches.add(built.get(v.node()).output(v.index()));
        }
        List<Operation> newTargets = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            newTargets.add(built.get(g.target(i)));
        }
        return new Rewritten(newFeeds, newFetches, newTargets, List.copyOf(applied), origins);
    }
}
