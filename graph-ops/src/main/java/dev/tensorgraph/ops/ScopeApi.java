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

    /**
     * {@code tf.variable_scope(name, reuse=..., use_resource=...)}: as {@link #variableScope(String, Reuse)}, the
     * variables {@code getVariable} makes inside (and in nested scopes that do not say otherwise) resource variables
     * when {@code useResource} is true, reference variables when false.
     */
    default Graph.Scope variableScope(String name, Reuse reuse, boolean useResource) {
        return VariableScopes.variableScope(graph(), name, reuse, useResource);
    }

    /**
     * TensorFlow 1.15's {@code tf.enable_resource_variables()}: new variables of this graph are resource variables
     * unless a {@code useResource} argument or variable scope says otherwise.
     */
    default void enableResourceVariables() {
        VariableScopes.setDefaultUseResource(graph(), true);
    }

    /** {@code tf.disable_resource_variables()}: new variables are reference variables by default again. */
    default void disableResourceVariables() {
        VariableScopes.setDefaultUseResource(graph(), false);
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

    /**
     * {@code tf.get_variable(..., use_resource=useResource)}: as the general form, a new variable a resource variable
     * when {@code useResource} is true, a reference variable when false, and as the enclosing variable scopes and
     * the graph's default say when null.
     */
    default Variable getVariable(String name, Shape shape, DType dtype, Initializer initializer, boolean trainable,
                                 List<String> collections, Boolean useResource) {
        return VariableScopes.getVariable(graph(), name, shape, dtype, initializer, trainable, collections, useResource);
    }

    /**
     * {@code tf.variable_scope(name, default_name)}: with a null {@code name}, the variable scope is
     * {@code defaultName} made unique ({@code Conv}, {@code Conv_1}) and the name scope too, each as TensorFlow
     * counts them.
     */
    default Graph.Scope variableScope(String name, String defaultName, Reuse reuse) {
        return VariableScopes.variableScope(graph(), name, defaultName, reuse);
    }

    /**
     * @deprecated TensorFlow 0.x's {@code tf.variable_op_scope(values, name_or_scope, default_name)}: a
     *     variable scope as {@link #variableScope(String, String, Reuse)} ({@code values} only name what the
     *     scope's ops read, as in TensorFlow, where they pick the graph).
     */
    @Deprecated
    default Graph.Scope variableOpScope(List<?> values, String nameOrScope, String defaultName) {
        return variableScope(nameOrScope, defaultName, Reuse.INHERIT);
    }

    /**
     * @deprecated TensorFlow 0.x's {@code tf.op_scope(values, name, default_name)}: the name scope {@code name},
     *     or {@code defaultName} when it is null (made unique either way); use {@link #nameScope(String)}.
     */
    @Deprecated
    default Graph.Scope opScope(List<?> values, String name, String defaultName) {
        String scope = name != null ? name : defaultName;
        if (scope == null) {
            throw new dev.tensorgraph.errors.InvalidArgumentException("op_scope needs a name or a default name");
        }
        return nameScope(scope);
    }
}
