package dev.tensorgraph.ops.array;

import dev.tensorgraph.Output;

/**
 * The two outputs of {@code tf.unique(x)}: {@code y}, the distinct values of x in order of first
 * occurrence, and {@code idx}, for each element of x the position of its value in y.
 */
public record Unique(Output y, Output idx) {}
