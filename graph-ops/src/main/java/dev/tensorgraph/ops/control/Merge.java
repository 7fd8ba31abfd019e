package dev.tensorgraph.ops.control;

import dev.tensorgraph.Output;

/** The outputs of a {@code Merge}: the first live input and its index (int32). */
public record Merge(Output output, Output valueIndex) {}
