/**
 * The control op family: Identity, NoOp, StopGradient, tf.group and tf.tuple ({@link
 * dev.tensorgraph.ops.control.ControlOps}); Switch, Merge and tf.cond ({@link dev.tensorgraph.ops.control.CondOps});
 * their reference forms RefSwitch, RefMerge, RefIdentity ({@link dev.tensorgraph.ops.control.RefOps}); Assert and
 * tf.debugging.Assert ({@link dev.tensorgraph.ops.control.AssertOps}); the _Arg and _Retval of function bodies
 * ({@link dev.tensorgraph.ops.control.FunctionArgOps}); and the control-flow contexts a MetaGraph records ({@link
 * dev.tensorgraph.ops.control.ControlFlowContext}: the conds built here, {@link
 * dev.tensorgraph.ops.control.ImportedContext}, {@link dev.tensorgraph.ops.control.WhileContextWriter}).
 */
package dev.tensorgraph.ops.control;
