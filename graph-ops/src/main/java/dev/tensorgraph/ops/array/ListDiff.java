package dev.tensorgraph.ops.array;

import dev.tensorgraph.Output;

/**
 * The two outputs of {@code tf.setdiff1d(x, y)}: {@code out}, the values of x that are not in y (in x's order,
 * repeats kept), and {@code idx}, their positions in x.
 */
public record ListDiff(Output out, Output idx) {}
