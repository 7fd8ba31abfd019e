package dev.tensorgraph.ops.nn;

import dev.tensorgraph.Output;

/** The gradients {@code FusedBatchNormGradV3} computes: for x, for scale and for offset. */
public record FusedBatchNormGrad(Output xBackprop, Output scaleBackprop, Output offsetBackprop) {}
