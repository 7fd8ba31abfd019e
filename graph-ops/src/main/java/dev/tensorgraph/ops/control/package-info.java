/**
 * The control op family: Identity, NoOp, StopGradient and tf.group ({@link
 * dev.tensorgraph.ops.control.ControlOps}); Switch, Merge and tf.cond ({@link
 * dev.tensorgraph.ops.control.CondOps}).
 */
package dev.tensorgraph.ops.control;
