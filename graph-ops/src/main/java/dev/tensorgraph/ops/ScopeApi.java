package dev.tensorgraph.ops;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.state.Initializer;
import dev.tensorgraph.ops.state.Reuse;
import dev.tensorgraph.ops.state.VariableScopes;
import java.util.Collection;
import java.util.List;

/**
 * Name scopes, variable scopes, {@code getVariable}, control dependencies and device scopes. Definitions:
 * {@link VariableScopes}.
 */
public interface ScopeApi extends TfBase {
    /** {@code tf.name_scope(name)}; reopening a name gives {@code name_1}. */
    default Graph.Scope nameScope(String name) {
        return graph().nameScope(name);
    }

    /** {@code tf.control_dependencies(ops)}; null clears the enclosing ones. */
    default Graph.Scope controlDependencies(Collection<?> ops) {
        return graph().controlDependencies(ops);
    }

    default Graph.Scope device(String device) {
        return graph().device(device);
    }

    /** {@code tf.variable_scope(name)} inheriting reuse. */
    default Graph.Scope variableScope(String name) {
        return variableScope(name, Reuse.INHERIT);
    }

    /**
     * {@code tf.variable_scope(name, reuse=...)}: variables from {@code getVariable} are named
     * {@code outer/name/var} whatever the name scope; the name scope it opens is uniquified. Once reuse is
     * on it stays on in nested scopes.
     */
    default Graph.Scope variableScope(String name, Reuse reuse) {
        return VariableScopes.variableScope(graph(), name, reuse);
    }

    /** @deprecated use {@link Reuse} of {@code dev.tensorgraph.ops.state}. */
    @Deprecated
    default Graph.Scope variableScope(String name, dev.tensorgraph.ops.Reuse reuse) {
        return variableScope(name, reuse.toReuse());
    }

    /** The full name of the current variable scope ({@code ""} at the root). */
    default String currentVariableScope() {
        return VariableScopes.currentVariableScope(graph());
    }

    /** {@code tf.get_variable(name, shape, dtype, initializer)} with trainable=true. */
    default Variable getVariable(String name, Shape shape, DType dtype, Initializer initializer) {
        return getVariable(name, shape, dtype, initializer, true, null);
    }

    /** A float32 variable. */
    default Variable getVariable(String name, Shape shape, Initializer initializer) {
        return getVariable(name, shape, DType.FLOAT32, initializer, true, null);
    }

    /** Returns an existing variable in a reusing scope: {@code tf.get_variable("a1")}. */
    default Variable getVariable(String name) {
        return getVariable(name, null, null, null, true, null);
    }

    /**
     * The general form. {@code shape}/{@code dtype} may be null when reusing; a null initializer means
     * Glorot-uniform for floats and zeros otherwise, as TensorFlow; null collections means GLOBAL_VARIABLES
     * (plus TRAINABLE_VARIABLES when trainable).
     */
    default Variable getVariable(String name, Shape shape, DType dtype, Initializer initializer, boolean trainable,
                                 List<String> collections) {
        return VariableScopes.getVariable(graph(), name, shape, dtype, initializer, trainable, collections);
    }
}
