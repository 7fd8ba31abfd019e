/**
 * The control op family: Identity, NoOp, StopGradient, tf.group and tf.tuple ({@link
 * dev.tensorgraph.ops.control.ControlOps}); Switch, Merge and tf.cond ({@link dev.tensorgraph.ops.control.CondOps});
 * their reference forms RefSwitch, RefMerge, RefIdentity ({@link dev.tensorgraph.ops.control.RefOps}); Assert and
 * tf.debugging.Assert ({@link dev.tensorgraph.ops.control.AssertOps}); the _Arg and _Retval of function bodies
 * ({@link dev.tensorgraph.ops.control.FunctionArgOps}); the while-loop primitives Enter, Exit, NextIteration,
 * LoopCond and ControlTrigger ({@link dev.tensorgraph.ops.control.LoopOps}), tf.while_loop ({@link
 * dev.tensorgraph.ops.control.WhileLoop}) and its gradients; the stacks those gradients keep forward values on
 * ({@link dev.tensorgraph.ops.control.StackOps}); and the control-flow contexts a MetaGraph records ({@link
 * dev.tensorgraph.ops.control.ControlFlowContext}: the conds built here, {@link
 * dev.tensorgraph.ops.control.ImportedContext}, {@link dev.tensorgraph.ops.control.WhileContextWriter}).
 */
package dev.tensorgraph.ops.control;
