package dev.tensorgraph.op;

import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;

/**
 * What {@link Variable#assign}, {@link Variable#assignAdd} and {@link Variable#assignSub} build, and the read a
 * resource variable used as an op input becomes: the state family's ops, supplied by the op library (graph-core
 * names no op type). One implementation on the class path, listed in
 * {@code META-INF/services/dev.tensorgraph.op.VariableUpdates} (graph-ops has it). Each update returns the
 * variable's value after the update; reference and resource variables get their own ops.
 */
public interface VariableUpdates {
    /** Sets {@code variable} to {@code value} (TensorFlow: {@code Assign}, shape validated, locking). */
    Output assign(Variable variable, Output value, String name);

    /** Adds {@code delta} to {@code variable} (TensorFlow: {@code AssignAdd}, no locking). */
    Output assignAdd(Variable variable, Output delta, String name);

    /** Subtracts {@code delta} from {@code variable} (TensorFlow: {@code AssignSub}, no locking). */
    Output assignSub(Variable variable, Output delta, String name);

    /**
     * A new read of resource variable {@code variable} in the current name scope ({@code ReadVariableOp}), as
     * TensorFlow converts a resource variable to a tensor.
     */
    Output read(Variable variable);
}
