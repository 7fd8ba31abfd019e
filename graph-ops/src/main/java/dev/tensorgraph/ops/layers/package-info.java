/**
 * {@code tf.layers}: dense, conv2d, pooling, flatten, dropout and batch normalization, composed from the op
 * families' constructors; options are builders ({@code DenseOptions.create()...}).
 */
package dev.tensorgraph.ops.layers;
