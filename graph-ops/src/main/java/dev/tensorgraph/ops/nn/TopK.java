package dev.tensorgraph.ops.nn;

import dev.tensorgraph.Output;

/**
 * The two outputs of {@code tf.nn.top_k(input, k)}: {@code values}, the k largest entries of each last-dimension
 * row in descending order, and {@code indices}, their positions in the row (the lower position first among
 * equal values).
 */
public record TopK(Output values, Output indices) {}
