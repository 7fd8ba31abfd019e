package dev.tensorgraph.ops.state;

import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;
import dev.tensorgraph.op.VariableUpdates;

/**
 * {@link Variable#assign}, {@code assignAdd} and {@code assignSub} as TensorFlow's {@code Variable.assign}
 * builds them: {@code Assign} with its defaults (shape validated, locking), {@code AssignAdd} and
 * {@code AssignSub} without locking.
 */
public final class VariableUpdateOps implements VariableUpdates {
    @Override
    public Output assign(Variable variable, Output value, String name) {
        return VariableOps.assign(variable.graph(), variable, value, true, true, name).output(0);
    }

    @Override
    public Output assignAdd(Variable variable, Output delta, String name) {
        return VariableOps.assignAdd(variable.graph(), variable, delta, false, name).output(0);
    }

    @Override
    public Output assignSub(Variable variable, Output delta, String name) {
        return VariableOps.assignSub(variable.graph(), variable, delta, false, name).output(0);
    }
}
