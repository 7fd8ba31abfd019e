/**
 * The random op family: the seeded sampling ops, tf.random.normal/truncated_normal/uniform/shuffle, and
 * TensorFlow's seed rule ({@link dev.tensorgraph.ops.random.Seeds}).
 */
package dev.tensorgraph.ops.random;
