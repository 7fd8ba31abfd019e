package dev.tensorgraph.ops.nn;

import dev.tensorgraph.Output;

/**
 * The outputs of {@code tf.nn.fused_batch_norm} ({@code FusedBatchNormV3}): y, and the batch statistics (in
 * training) or the given ones (in inference). The reserve spaces are outputs 3 to 5 of {@code y().op()}.
 */
public record FusedBatchNorm(Output y, Output batchMean, Output batchVariance) {}
