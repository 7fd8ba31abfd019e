/**
 * The state op family: reference variables and their assignments ({@link dev.tensorgraph.ops.state.VariableOps}),
 * variable creation as tf.Variable does it, variable scopes and tf.get_variable ({@link
 * dev.tensorgraph.ops.state.VariableScopes}) and initializers.
 */
package dev.tensorgraph.ops.state;
