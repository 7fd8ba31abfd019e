package dev.tensorgraph.ops.state;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;
import dev.tensorgraph.op.VariableUpdates;
import java.util.List;

/**
 * {@link Variable#assign}, {@code assignAdd} and {@code assignSub} as TensorFlow's {@code Variable.assign} builds
 * them. A reference variable: {@code Assign} with its defaults (shape validated, locking), {@code AssignAdd} and
 * {@code AssignSub} without locking, each returning the updated ref. A resource variable:
 * {@code AssignVariableOp} (shape validated), {@code AssignAddVariableOp}, {@code AssignSubVariableOp}, then a
 * {@code ReadVariableOp} that runs after the update (TensorFlow's lazy read of the new value) as the result.
 */
public final class VariableUpdateOps implements VariableUpdates {
    @Override
    public Output assign(Variable variable, Output value, String name) {
        Graph g = variable.graph();
        if (variable.isResource()) {
            return readAfter(g, variable, ResourceVariableOps.assignVariableOp(g, variable.handle(), value, true, name));
        }
        return VariableOps.assign(g, variable, value, true, true, name).output(0);
    }

    @Override
    public Output assignAdd(Variable variable, Output delta, String name) {
        Graph g = variable.graph();
        if (variable.isResource()) {
            return readAfter(g, variable, ResourceVariableOps.assignAddVariableOp(g, variable.handle(), delta, name));
        }
        return VariableOps.assignAdd(g, variable, delta, false, name).output(0);
    }

    @Override
    public Output assignSub(Variable variable, Output delta, String name) {
        Graph g = variable.graph();
        if (variable.isResource()) {
            return readAfter(g, variable, ResourceVariableOps.assignSubVariableOp(g, variable.handle(), delta, name));
        }
        return VariableOps.assignSub(g, variable, delta, false, name).output(0);
    }

    @Override
    public Output read(Variable variable) {
        return ResourceVariableOps.readVariableOp(variable.graph(), variable.handle(), variable.dtype(), null);
    }

    /** A read of {@code variable} that runs after {@code update}, in the current name scope. */
    public static Output readAfter(Graph g, Variable variable, Operation update) {
        try (var deps = g.controlDependencies(List.of(update))) {
            return ResourceVariableOps.readVariableOp(g, variable.handle(), variable.dtype(), null);
        }
    }
}
