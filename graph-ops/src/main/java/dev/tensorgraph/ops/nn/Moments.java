package dev.tensorgraph.ops.nn;

import dev.tensorgraph.Output;

/** The outputs of {@code tf.nn.moments}: the mean and the (biased) variance. */
public record Moments(Output mean, Output variance) {}
