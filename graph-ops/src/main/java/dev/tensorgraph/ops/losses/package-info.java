/**
 * {@code tf.losses}: weighted, reduced losses composed from the op families' constructors.
 */
package dev.tensorgraph.ops.losses;
