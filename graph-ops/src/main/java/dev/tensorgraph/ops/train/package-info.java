/**
 * {@code tf.train}: optimizers, learning-rate schedules, the global step, moving averages and gradient clipping,
 * composed from the op families' constructors.
 */
package dev.tensorgraph.ops.train;
