package dev.tensorgraph.ops.array;

import dev.tensorgraph.Output;

/**
 * The three outputs of {@code tf.unique_with_counts(x)}: {@code y}, the distinct values (or slices) in order of
 * first occurrence, {@code idx}, for each element the position of its value in y, and {@code count}, how often
 * each value of y occurs.
 */
public record UniqueWithCounts(Output y, Output idx, Output count) {}
