package dev.tensorgraph.cpu.passes;

import dev.tensorgraph.rewrite.PlanPass;
import dev.tensorgraph.rewrite.RewriteGraph;
import java.util.ArrayList;
import java.util.Set;

/**
 * Drops control dependencies on ops that do nothing and cannot fail: constants, identities and {@code NoOp}s
 * that themselves wait for nothing. A function frozen by TensorFlow ends with a {@code NoOp} that waits for
 * every variable read ({@code Identity} of a constant once frozen), and its outputs wait for that
 * {@code NoOp}: the plan would run hundreds of such steps for nothing. Waiting for them changes no value, so
 * grappler's dependency optimizer drops them too.
 */
final class DropControlDependenciesPass implements PlanPass {
    private static final Set<String> INERT = Set.of("Const", "Identity", "NoOp");

    @Override
    public String name() {
        return "drop-control-dependencies";
    }

    @Override
    public boolean apply(RewriteGraph g) {
        boolean changed = false;
        boolean again = true;
        while (again) {
            again = false;
            for (RewriteGraph.Node n : g.nodes()) {
                for (RewriteGraph.Node dep : new ArrayList<>(n.controlInputs())) {
                    if (INERT.contains(dep.type()) && dep.controlInputs().isEmpty()
                            && (!dep.type().equals("Identity") || ConstantNodes.CONST.equals(dep.input(0).node().type()))) {
                        g.removeControlInput(n, dep);
                        again = true;
                        changed = true;
                    }
                }
            }
        }
        if (changed) {
            g.removeUnused();
        }
        return changed;
    }
}
