/**
 * TensorFlow 2's functional ops: calls of the graph's library functions ({@code PartitionedCall},
 * {@code StatefulPartitionedCall}) and control flow v2 over them ({@code While}, {@code If}, {@code Case} and
 * their stateless forms), with their gradients.
 */
package dev.tensorgraph.ops.function;
