package dev.tensorgraph.ops.math;

import dev.tensorgraph.Output;

/** The outputs of {@code BroadcastGradientArgs(s0, s1)}: the axes to sum each operand's gradient over. */
public record BroadcastGradientArgs(Output r0, Output r1) {}
