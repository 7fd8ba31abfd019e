/**
 * The control op family: Identity, NoOp, StopGradient and tf.group ({@link
 * dev.tensorgraph.ops.control.ControlOps}); Switch, Merge and tf.cond ({@link
 * dev.tensorgraph.ops.control.CondOps}); the while-loop primitives Enter, Exit, NextIteration, LoopCond and
 * ControlTrigger ({@link dev.tensorgraph.ops.control.LoopOps}), tf.while_loop ({@link
 * dev.tensorgraph.ops.control.WhileLoop}) and its gradients; the stacks those gradients keep forward values on
 * ({@link dev.tensorgraph.ops.control.StackOps}).
 */
package dev.tensorgraph.ops.control;
