/**
 * TensorFlow's TensorArrayV3 ops ({@link dev.tensorgraph.ops.tensorarray.TensorArrayOps}) and
 * {@code tf.TensorArray} on top of them ({@link dev.tensorgraph.ops.tensorarray.TensorArray}).
 */
package dev.tensorgraph.ops.tensorarray;
