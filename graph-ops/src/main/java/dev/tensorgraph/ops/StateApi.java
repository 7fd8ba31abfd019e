package dev.tensorgraph.ops;

import dev.tensorgraph.DType;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.ops.state.ResourceVariableOps;
import dev.tensorgraph.ops.state.VariableOps;
import dev.tensorgraph.ops.state.VariableScopes;
import dev.tensorgraph.ops.state.VariableUpdateOps;
import dev.tensorgraph.ops.state.Variables;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Placeholders, constants, identities, groups, plain variables ({@code tf.Variable}) and their assignments
 * ({@code tf.assign}, {@code tf.assign_add}, {@code tf.assign_sub}). Definitions: {@link ConstantOps},
 * {@link ControlOps}, {@link VariableOps}.
 */
public interface StateApi extends TfBase {
    default Output placeholder(DType dtype, Shape shape, String name) {
        return ConstantOps.placeholder(graph(), dtype, shape, name);
    }

    default Output placeholder(DType dtype, Shape shape) {
        return placeholder(dtype, shape, null);
    }

    /** A placeholder of unknown shape. */
    default Output placeholder(DType dtype) {
        return placeholder(dtype, Shape.unknown(), null);
    }

    /** A placeholder that yields {@code input} when nothing is fed. */
    default Output placeholderWithDefault(Output input, Shape shape, String name) {
        return ConstantOps.placeholderWithDefault(graph(), input, shape, name);
    }

    default Output constant(Tensor value) {
        return constant(value, null);
    }

    default Output constant(Tensor value, String name) {
        return ConstantOps.constant(graph(), value, name);
    }

    /** A constant from a (nested) Java array such as {@code float[][]}; dtype follows the element type. */
    default Output constant(Object javaArray) {
        return constant(javaArray, null);
    }

    default Output constant(Object javaArray, String name) {
        return ConstantOps.constant(graph(), javaArray, name);
    }

    default Output constant(float v) {
        return constant(v, (String) null);
    }

    default Output constant(float v, String name) {
        return constant(Tensor.of(v), name);
    }

    default Output constant(double v) {
        return constant(Tensor.of(v), null);
    }

    default Output constant(int v) {
        return constant(v, (String) null);
    }

    default Output constant(int v, String name) {
        return constant(Tensor.of(v), name);
    }

    default Output constant(long v) {
        return constant(Tensor.of(v), null);
    }

    default Output constant(boolean v) {
        return constant(Tensor.of(v), null);
    }

    /** A scalar constant of the given dtype ({@code tf.constant(0.5, dtype=tf.float64)}). */
    default Output constant(double v, DType dtype) {
        return ConstantOps.scalar(graph(), dtype, v, null);
    }

    /** A constant of {@code shape} filled with {@code v} ({@code tf.constant(v, dtype, shape)}). */
    default Output constant(double v, DType dtype, Shape shape, String name) {
        return ConstantOps.constant(graph(), v, dtype, shape, name);
    }

    default Output identity(Output x) {
        return identity(x, null);
    }

    default Output identity(Output x, String name) {
        return ControlOps.identity(graph(), x, name);
    }

    default Operation noOp() {
        return noOp(null);
    }

    default Operation noOp(String name) {
        return ControlOps.noOp(graph(), name);
    }

    /** A NoOp that runs after all of {@code inputs} (Operations or Outputs), as {@code tf.group}. */
    default Operation group(Collection<?> inputs, String name) {
        return ControlOps.group(graph(), inputs, name);
    }

    default Operation group(Object... inputs) {
        return group(List.of(inputs), null);
    }

    /**
     * {@code tf.tuple(tensors)}: the tensors, each available only once all of them are computed (Identity ops
     * {@code tuple/control_dependency}, ... after a {@code tuple/group_deps} NoOp); null entries stay null.
     */
    default List<Output> tuple(List<Output> tensors) {
        return tuple(tensors, null, null);
    }

    /** {@code tf.tuple(tensors, name, control_inputs)}: also after {@code controlInputs} (Operations or Outputs). */
    default List<Output> tuple(List<Output> tensors, String name, Collection<?> controlInputs) {
        return ControlOps.tuple(graph(), tensors, controlInputs, name);
    }

    default Output stopGradient(Output x) {
        return stopGradient(x, null);
    }

    default Output stopGradient(Output x, String name) {
        return ControlOps.stopGradient(graph(), x, name);
    }

    // ---- tf.Variable and assignments ----

    /** {@code tf.is_variable_initialized(variable)}: a bool scalar, true once the variable has a value. */
    default Output isVariableInitialized(Variable variable) {
        return variable.isResource() ? ResourceVariableOps.varIsInitializedOp(graph(), variable.handle(), null)
                : VariableOps.isVariableInitialized(graph(), variable, null);
    }

    /** {@code tf.Variable(initialValue, name=name)}: always a new variable with a uniquified name. */
    default Variable variable(Output initialValue, String name) {
        return variable(initialValue, true, name);
    }

    default Variable variable(Output initialValue) {
        return variable(initialValue, true, null);
    }

    default Variable variable(Output initialValue, boolean trainable, String name) {
        return Variables.variable(graph(), initialValue, trainable, name,
                VariableScopes.resolveUseResource(graph(), null));
    }

    /**
     * {@code tf.Variable(initialValue, trainable=..., name=..., use_resource=useResource)}: a resource variable
     * ({@code VarHandleOp}) when {@code useResource} is true, a reference variable ({@code VariableV2}) when false.
     */
    default Variable variable(Output initialValue, boolean trainable, String name, boolean useResource) {
        return Variables.variable(graph(), initialValue, trainable, name, useResource);
    }

    /**
     * {@code tf.assign(ref, value)}: sets the variable, validating the shape; the result is the new value (a
     * resource variable's {@code assign}: {@code AssignVariableOp} and a read after it).
     */
    default Output assign(Output ref, Output value) {
        return assign(ref, value, null);
    }

    default Output assign(Output ref, Output value, String name) {
        if (ref instanceof Variable v && v.isResource()) {
            return v.assign(value, name);
        }
        return VariableOps.assign(graph(), ref, value, true, true, name).output(0);
    }

    /** {@code tf.assign_add(ref, value)}: {@code ref += value}. */
    default Output assignAdd(Output ref, Output value) {
        return assignAdd(ref, value, null);
    }

    default Output assignAdd(Output ref, Output value, String name) {
        if (ref instanceof Variable v && v.isResource()) {
            return new VariableUpdateOps().assignAdd(v, value, name);
        }
        return VariableOps.assignAdd(graph(), ref, value, false, name).output(0);
    }

    /** {@code tf.assign_sub(ref, value)}: {@code ref -= value}. */
    default Output assignSub(Output ref, Output value) {
        return assignSub(ref, value, null);
    }

    default Output assignSub(Output ref, Output value, String name) {
        if (ref instanceof Variable v && v.isResource()) {
            return new VariableUpdateOps().assignSub(v, value, name);
        }
        return VariableOps.assignSub(graph(), ref, value, false, name).output(0);
    }

    /** Every variable in GLOBAL_VARIABLES. */
    default List<Variable> globalVariables() {
        return graph().collection(GraphKeys.GLOBAL_VARIABLES, Variable.class);
    }

    default List<Variable> trainableVariables() {
        return graph().collection(GraphKeys.TRAINABLE_VARIABLES, Variable.class);
    }

    default List<Variable> localVariables() {
        return graph().collection(GraphKeys.LOCAL_VARIABLES, Variable.class);
    }

    /** A NoOp named {@code init} grouping the initializers of all global variables. */
    default Operation globalVariablesInitializer() {
        return variablesInitializer(globalVariables(), "init");
    }

    default Operation localVariablesInitializer() {
        return variablesInitializer(localVariables(), "init");
    }

    default Operation variablesInitializer(List<Variable> vars) {
        return variablesInitializer(vars, "init");
    }

    default Operation variablesInitializer(List<Variable> vars, String name) {
        List<Operation> inits = new ArrayList<>();
        for (Variable v : vars) {
            inits.add(v.initializer());
        }
        return group(inits, name);
    }

    /**
     * @deprecated TensorFlow 0.12's {@code tf.initialize_all_variables()}: the same NoOp {@code init} as
     *     {@link #globalVariablesInitializer()}, which replaces it.
     */
    @Deprecated
    default Operation initializeAllVariables() {
        return globalVariablesInitializer();
    }
}
