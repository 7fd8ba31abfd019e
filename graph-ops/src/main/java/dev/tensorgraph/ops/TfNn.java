package dev.tensorgraph.ops;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.nn.ActivationOps;
import dev.tensorgraph.ops.nn.BatchNormOps;
import dev.tensorgraph.ops.nn.ConvAttrs;
import dev.tensorgraph.ops.nn.ConvOps;
import dev.tensorgraph.ops.nn.DepthwiseConvOps;
import dev.tensorgraph.ops.nn.DilatedConvOps;
import dev.tensorgraph.ops.nn.LrnOps;
import dev.tensorgraph.ops.nn.DropoutOps;
import dev.tensorgraph.ops.nn.FusedBatchNorm;
import dev.tensorgraph.ops.nn.Moments;
import dev.tensorgraph.ops.nn.PoolOps;
import dev.tensorgraph.ops.nn.SoftmaxOps;
import dev.tensorgraph.ops.nn.TopK;
import dev.tensorgraph.ops.nn.TopKOps;
import dev.tensorgraph.ops.math.UnaryOps;

/**
 * The {@code tf.nn} namespace: convolution, pooling, activations, softmax and losses, normalization and
 * dropout, with TensorFlow 1.x's names, argument order and default op names. Definitions: the
 * {@code dev.tensorgraph.ops.nn} family.
 *
 * <pre>{@code
 * Output h = tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(x, w, new int[] {1, 1, 1, 1}, "VALID"), b));
 * Output p = tf.nn.maxPool(h, new int[] {1, 2, 2, 1}, new int[] {1, 2, 2, 1}, "VALID");
 * Output loss = tf.nn.sparseSoftmaxCrossEntropyWithLogits(labels, logits);
 * }</pre>
 *
 * <p>Ceil mode for pooling ({@code ceilMode = true}, PyTorch's rounding up of the output size) is not a
 * TensorFlow attribute, so it is expressed with ops TensorFlow has (see {@link PoolOps}); with
 * {@code ceilMode = false} the graph is exactly TensorFlow's.
 */
public final class TfNn {
    private final Tf tf;

    TfNn(Tf tf) {
        this.tf = tf;
    }

    Tf tf() {
        return tf;
    }

    private Graph graph() {
        return tf.graph();
    }

    // ---- recurrent networks ----

    /**
     * {@code tf.nn.dynamic_rnn(cell, inputs, ...)}: runs {@code cell} over the time steps of {@code inputs} in a
     * while loop (see {@link dev.tensorgraph.ops.rnn.DynamicRnn}); cells are
     * {@link dev.tensorgraph.ops.rnn.LSTMCell}, {@link dev.tensorgraph.ops.rnn.BasicLSTMCell} and
     * {@link dev.tensorgraph.ops.rnn.GRUCell}.
     */
    public dev.tensorgraph.ops.rnn.DynamicRnn.Result dynamicRnn(dev.tensorgraph.ops.rnn.RnnCell cell, Output inputs,
                                                                dev.tensorgraph.ops.rnn.DynamicRnn.Options options) {
        return dev.tensorgraph.ops.rnn.DynamicRnn.build(graph(), cell, inputs, options);
    }

    // ---- convolution ----

    /** {@code tf.nn.conv2d(input, filter, strides, padding)}, NHWC. Strides may have 1, 2 or 4 entries. */
    public Output conv2d(Output input, Output filter, int[] strides, String padding) {
        return conv2d(input, filter, strides, padding, "NHWC", null, null);
    }

    public Output conv2d(Output input, Output filter, int[] strides, String padding, String name) {
        return conv2d(input, filter, strides, padding, "NHWC", null, name);
    }

    /** With {@code dataFormat} ("NHWC" or "NCHW") and {@code dilations} (null for none). */
    public Output conv2d(Output input, Output filter, int[] strides, String padding, String dataFormat, int[] dilations,
                         String name) {
        return ConvOps.conv2d(graph(), input, filter,
                ConvAttrs.create().dataFormat(dataFormat).strides(strides).padding(padding).dilations(dilations), name);
    }

    /** Conv2D with explicit padding: {@code paddings} is [[top, bottom], [left, right]] of the spatial dims. */
    public Output conv2d(Output input, Output filter, int[] strides, int[][] paddings, String dataFormat, String name) {
        return ConvOps.conv2d(graph(), input, filter,
                ConvAttrs.create().dataFormat(dataFormat).strides(strides).explicitPaddings(paddings), name);
    }

    /** The general form: every attribute of Conv2D in one {@link ConvAttrs}. */
    public Output conv2d(Output input, Output filter, ConvAttrs attrs, String name) {
        return ConvOps.conv2d(graph(), input, filter, attrs, name);
    }

    /**
     * {@code tf.nn.conv2d_transpose(value, filter, output_shape, strides, padding)}: the gradient of conv2d
     * with respect to its input; {@code filter} is {@code [h, w, out_channels, in_channels]}.
     */
    public Output conv2dTranspose(Output value, Output filter, int[] outputShape, int[] strides, String padding) {
        return conv2dTranspose(value, filter, ConstantOps.intVector(graph(), outputShape, "output_shape"), strides,
                padding, "NHWC", null);
    }

    public Output conv2dTranspose(Output value, Output filter, Output outputShape, int[] strides, String padding,
                                  String dataFormat, String name) {
        return ConvOps.conv2dTranspose(graph(), value, filter, outputShape,
                ConvAttrs.create().dataFormat(dataFormat).strides(strides).padding(padding), name);
    }

    // ---- depthwise, separable and dilated convolution ----

    /**
     * {@code tf.nn.depthwise_conv2d(input, filter, strides, padding)} (NHWC): filter {@code [kh, kw, in,
     * multiplier]}; one DepthwiseConv2dNative named {@code depthwise}.
     */
    public Output depthwiseConv2d(Output input, Output filter, int[] strides, String padding) {
        return depthwiseConv2d(input, filter, strides, padding, null, "NHWC", null);
    }

    /** With a dilation {@code rate} (null: 1; above 1: SpaceToBatchND/BatchToSpaceND around it) and data format. */
    public Output depthwiseConv2d(Output input, Output filter, int[] strides, String padding, int[] rate,
                                  String dataFormat, String name) {
        return DepthwiseConvOps.depthwiseConv2d(graph(), input, filter, strides, padding, rate, dataFormat, name);
    }

    /** {@code tf.nn.depthwise_conv2d_native(input, filter, strides, padding)}: the op itself. */
    public Output depthwiseConv2dNative(Output input, Output filter, int[] strides, String padding) {
        return depthwiseConv2dNative(input, filter, ConvAttrs.create().strides(strides).padding(padding), null);
    }

    /** Every attribute (dilations, explicit padding, data format) in one {@link ConvAttrs}. */
    public Output depthwiseConv2dNative(Output input, Output filter, ConvAttrs attrs, String name) {
        return DepthwiseConvOps.depthwiseConv2dNative(graph(), input, filter, attrs, name);
    }

    /**
     * {@code tf.nn.separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding)} (NHWC): a
     * depthwise convolution, then a 1x1 convolution by {@code pointwise_filter [1, 1, in * multiplier, out]}.
     */
    public Output separableConv2d(Output input, Output depthwiseFilter, Output pointwiseFilter, int[] strides,
                                  String padding) {
        return separableConv2d(input, depthwiseFilter, pointwiseFilter, strides, padding, null, "NHWC", null);
    }

    public Output separableConv2d(Output input, Output depthwiseFilter, Output pointwiseFilter, int[] strides,
                                  String padding, int[] rate, String dataFormat, String name) {
        return DepthwiseConvOps.separableConv2d(graph(), input, depthwiseFilter, pointwiseFilter, strides, padding, rate,
                dataFormat, name);
    }

    /** {@code tf.nn.atrous_conv2d(value, filters, rate, padding)}: a convolution dilated by {@code rate} (TF 1.x form). */
    public Output atrousConv2d(Output value, Output filters, int rate, String padding) {
        return atrousConv2d(value, filters, rate, padding, null);
    }

    public Output atrousConv2d(Output value, Output filters, int rate, String padding, String name) {
        return DilatedConvOps.atrousConv2d(graph(), value, filters, rate, padding, name);
    }

    /**
     * {@code tf.nn.convolution(input, filter, padding, strides, dilation_rate)} for 2-D convolutions: one Conv2D
     * named {@code convolution}, wrapped in SpaceToBatchND/BatchToSpaceND when the dilation rate is above 1.
     */
    public Output convolution(Output input, Output filter, String padding, int[] strides, int[] dilationRate) {
        return convolution(input, filter, padding, strides, dilationRate, "NHWC", null);
    }

    public Output convolution(Output input, Output filter, String padding, int[] strides, int[] dilationRate,
                              String dataFormat, String name) {
        return DilatedConvOps.convolution(graph(), input, filter, padding, strides, dilationRate, dataFormat, name);
    }

    // ---- space and depth ----

    /** {@code tf.nn.space_to_depth(input, block_size)}, as {@code tf.spaceToDepth}. */
    public Output spaceToDepth(Output input, int blockSize) {
        return tf.spaceToDepth(input, blockSize);
    }

    public Output spaceToDepth(Output input, int blockSize, String dataFormat, String name) {
        return tf.spaceToDepth(input, blockSize, dataFormat, name);
    }

    /** {@code tf.nn.depth_to_space(input, block_size)}, as {@code tf.depthToSpace}. */
    public Output depthToSpace(Output input, int blockSize) {
        return tf.depthToSpace(input, blockSize);
    }

    public Output depthToSpace(Output input, int blockSize, String dataFormat, String name) {
        return tf.depthToSpace(input, blockSize, dataFormat, name);
    }

    // ---- pooling ----

    /** {@code tf.nn.max_pool(value, ksize, strides, padding)}, NHWC; ksize/strides with 1, 2 or 4 entries. */
    public Output maxPool(Output value, int[] ksize, int[] strides, String padding) {
        return maxPool(value, ksize, strides, padding, "NHWC", false, null);
    }

    public Output maxPool(Output value, int[] ksize, int[] strides, String padding, String dataFormat, String name) {
        return maxPool(value, ksize, strides, padding, dataFormat, false, name);
    }

    /** Max pooling that rounds the output size up when {@code ceilMode} (VALID padding only). */
    public Output maxPool(Output value, int[] ksize, int[] strides, String padding, boolean ceilMode) {
        return maxPool(value, ksize, strides, padding, "NHWC", ceilMode, null);
    }

    public Output maxPool(Output value, int[] ksize, int[] strides, String padding, String dataFormat, boolean ceilMode,
                          String name) {
        return PoolOps.maxPool(graph(), value, ksize, strides, padding, dataFormat, ceilMode, name);
    }

    /** {@code tf.nn.avg_pool(value, ksize, strides, padding)}, NHWC. */
    public Output avgPool(Output value, int[] ksize, int[] strides, String padding) {
        return avgPool(value, ksize, strides, padding, "NHWC", false, null);
    }

    public Output avgPool(Output value, int[] ksize, int[] strides, String padding, String dataFormat, String name) {
        return avgPool(value, ksize, strides, padding, dataFormat, false, name);
    }

    /** Average pooling rounding the output size up when {@code ceilMode} (VALID only). */
    public Output avgPool(Output value, int[] ksize, int[] strides, String padding, boolean ceilMode) {
        return avgPool(value, ksize, strides, padding, "NHWC", ceilMode, null);
    }

    public Output avgPool(Output value, int[] ksize, int[] strides, String padding, String dataFormat, boolean ceilMode,
                          String name) {
        return PoolOps.avgPool(graph(), value, ksize, strides, padding, dataFormat, ceilMode, name);
    }

    // ---- bias and activations ----

    /** {@code tf.nn.bias_add(value, bias)}: adds the 1-D bias along the channel dimension. */
    public Output biasAdd(Output value, Output bias) {
        return biasAdd(value, bias, "NHWC", null);
    }

    public Output biasAdd(Output value, Output bias, String dataFormat, String name) {
        return ActivationOps.biasAdd(graph(), value, bias, dataFormat, name);
    }

    public Output relu(Output features) {
        return relu(features, null);
    }

    public Output relu(Output features, String name) {
        return ActivationOps.relu(graph(), features, name);
    }

    public Output relu6(Output features) {
        return relu6(features, null);
    }

    public Output relu6(Output features, String name) {
        return ActivationOps.relu6(graph(), features, name);
    }

    public Output elu(Output features) {
        return elu(features, null);
    }

    public Output elu(Output features, String name) {
        return ActivationOps.elu(graph(), features, name);
    }

    /** {@code tf.nn.leaky_relu(features, alpha=0.2)}. */
    public Output leakyRelu(Output features) {
        return leakyRelu(features, 0.2f, null);
    }

    public Output leakyRelu(Output features, float alpha) {
        return leakyRelu(features, alpha, null);
    }

    public Output leakyRelu(Output features, float alpha, String name) {
        return ActivationOps.leakyRelu(graph(), features, alpha, name);
    }

    public Output softplus(Output features) {
        return softplus(features, null);
    }

    public Output softplus(Output features, String name) {
        return ActivationOps.softplus(graph(), features, name);
    }

    /** {@code tf.nn.selu(features)}: scaled exponential linear unit. */
    public Output selu(Output features) {
        return selu(features, null);
    }

    public Output selu(Output features, String name) {
        return ActivationOps.selu(graph(), features, name);
    }

    /** {@code tf.nn.softsign(features)}: x / (1 + |x|). */
    public Output softsign(Output features) {
        return softsign(features, null);
    }

    public Output softsign(Output features, String name) {
        return ActivationOps.softsign(graph(), features, name);
    }

    /**
     * {@code tf.nn.gelu(features, approximate)} under name scope {@code Gelu}: exact {@code 0.5 * x * (1 +
     * erf(x / sqrt(2)))}, or with {@code approximate} {@code 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 *
     * x^3)))}.
     */
    public Output gelu(Output features, boolean approximate) {
        return gelu(features, approximate, null);
    }

    public Output gelu(Output features, boolean approximate, String name) {
        return ActivationOps.gelu(graph(), features, approximate, name);
    }

    public Output sigmoid(Output x) {
        return sigmoid(x, null);
    }

    public Output sigmoid(Output x, String name) {
        return UnaryOps.sigmoid(graph(), x, name);
    }

    public Output tanh(Output x) {
        return tanh(x, null);
    }

    public Output tanh(Output x, String name) {
        return UnaryOps.tanh(graph(), x, name);
    }

    // ---- softmax and losses ----

    /** {@code tf.nn.softmax(logits)} over the last axis. */
    public Output softmax(Output logits) {
        return softmax(logits, -1, null);
    }

    /** Over {@code axis}: other axes are swapped to the end with a Transpose, as TensorFlow does. */
    public Output softmax(Output logits, int axis) {
        return softmax(logits, axis, null);
    }

    public Output softmax(Output logits, int axis, String name) {
        return SoftmaxOps.softmax(graph(), logits, axis, name);
    }

    public Output logSoftmax(Output logits) {
        return logSoftmax(logits, -1, null);
    }

    public Output logSoftmax(Output logits, int axis) {
        return logSoftmax(logits, axis, null);
    }

    public Output logSoftmax(Output logits, int axis, String name) {
        return SoftmaxOps.logSoftmax(graph(), logits, axis, name);
    }

    /**
     * {@code tf.nn.softmax_cross_entropy_with_logits(labels=, logits=)} (TF1: labels get no gradient): the
     * loss per row of rank-2 logits. Name scope {@code softmax_cross_entropy_with_logits_sg}.
     */
    public Output softmaxCrossEntropyWithLogits(Output labels, Output logits) {
        return softmaxCrossEntropyWithLogits(labels, logits, null);
    }

    public Output softmaxCrossEntropyWithLogits(Output labels, Output logits, String name) {
        return SoftmaxOps.softmaxCrossEntropyWithLogits(graph(), labels, logits, name);
    }

    /** {@code tf.nn.softmax_cross_entropy_with_logits_v2}: gradients flow to the labels too. */
    public Output softmaxCrossEntropyWithLogitsV2(Output labels, Output logits) {
        return softmaxCrossEntropyWithLogitsV2(labels, logits, null);
    }

    public Output softmaxCrossEntropyWithLogitsV2(Output labels, Output logits, String name) {
        return SoftmaxOps.softmaxCrossEntropyWithLogitsV2(graph(), labels, logits, name);
    }

    /**
     * {@code tf.nn.sparse_softmax_cross_entropy_with_logits(labels=, logits=)}: labels are int32/int64 class
     * indices; a label outside {@code [0, classes)} fails at run time naming the value and its position.
     */
    public Output sparseSoftmaxCrossEntropyWithLogits(Output labels, Output logits) {
        return sparseSoftmaxCrossEntropyWithLogits(labels, logits, null);
    }

    public Output sparseSoftmaxCrossEntropyWithLogits(Output labels, Output logits, String name) {
        return SoftmaxOps.sparseSoftmaxCrossEntropyWithLogits(graph(), labels, logits, name);
    }

    /**
     * {@code tf.nn.sigmoid_cross_entropy_with_logits(labels=, logits=)}: {@code max(x, 0) - x * z +
     * log(1 + exp(-|x|))}, built as TensorFlow does under name scope {@code logistic_loss}.
     */
    public Output sigmoidCrossEntropyWithLogits(Output labels, Output logits) {
        return sigmoidCrossEntropyWithLogits(labels, logits, null);
    }

    public Output sigmoidCrossEntropyWithLogits(Output labels, Output logits, String name) {
        return SoftmaxOps.sigmoidCrossEntropyWithLogits(graph(), labels, logits, name);
    }

    /** {@code tf.nn.l2_loss(t)}: {@code sum(t ** 2) / 2}. */
    public Output l2Loss(Output t) {
        return l2Loss(t, null);
    }

    public Output l2Loss(Output t, String name) {
        return SoftmaxOps.l2Loss(graph(), t, name);
    }

    /** {@code tf.nn.l2_normalize(x, axis, epsilon=1e-12)}: {@code x * rsqrt(max(sum(x^2, axis), epsilon))}. */
    public Output l2Normalize(Output x, int axis) {
        return l2Normalize(x, new int[] {axis}, 1e-12f, null);
    }

    public Output l2Normalize(Output x, int axis, float epsilon) {
        return l2Normalize(x, new int[] {axis}, epsilon, null);
    }

    public Output l2Normalize(Output x, int[] axes, float epsilon) {
        return l2Normalize(x, axes, epsilon, null);
    }

    public Output l2Normalize(Output x, int[] axes, float epsilon, String name) {
        return SoftmaxOps.l2Normalize(graph(), x, axes, epsilon, name);
    }

    // ---- normalization ----

    /**
     * {@code tf.nn.moments(x, axes, keep_dims=False)}: mean and variance (mean of the squared difference from
     * the stopped-gradient mean) under name scope {@code moments}.
     */
    public Moments moments(Output x, int[] axes) {
        return moments(x, axes, false, null);
    }

    public Moments moments(Output x, int[] axes, boolean keepDims) {
        return moments(x, axes, keepDims, null);
    }

    public Moments moments(Output x, int[] axes, boolean keepDims, String name) {
        return BatchNormOps.moments(graph(), x, axes, keepDims, name);
    }

    /**
     * {@code tf.nn.batch_normalization(x, mean, variance, offset, scale, variance_epsilon)}:
     * {@code x * inv + (offset - mean * inv)} with {@code inv = scale * rsqrt(variance + eps)}; offset and
     * scale may be null. Name scope {@code batchnorm}.
     */
    public Output batchNormalization(Output x, Output mean, Output variance, Output offset, Output scale,
                                     float varianceEpsilon) {
        return batchNormalization(x, mean, variance, offset, scale, varianceEpsilon, null);
    }

    public Output batchNormalization(Output x, Output mean, Output variance, Output offset, Output scale,
                                     float varianceEpsilon, String name) {
        return BatchNormOps.batchNormalization(graph(), x, mean, variance, offset, scale, varianceEpsilon, name);
    }

    /**
     * {@code tf.nn.fused_batch_norm(x, scale, offset, mean, variance, epsilon, data_format, is_training)}
     * as one {@code FusedBatchNormV3}; in training mean and variance may be null (empty tensors are fed).
     */
    public FusedBatchNorm fusedBatchNorm(Output x, Output scale, Output offset, Output mean, Output variance,
                                         float epsilon, String dataFormat, boolean isTraining) {
        return fusedBatchNorm(x, scale, offset, mean, variance, epsilon, 1.0f, dataFormat, isTraining, null);
    }

    public FusedBatchNorm fusedBatchNorm(Output x, Output scale, Output offset, Output mean, Output variance,
                                         float epsilon, float exponentialAvgFactor, String dataFormat,
                                         boolean isTraining, String name) {
        return BatchNormOps.fusedBatchNormV3(graph(), x, scale, offset, mean, variance, epsilon, exponentialAvgFactor,
                dataFormat, isTraining, name);
    }

    /**
     * {@code tf.nn.lrn(input)} ({@code tf.nn.local_response_normalization}) with TensorFlow's defaults: depth
     * radius 5, bias 1, alpha 1, beta 0.5.
     */
    public Output lrn(Output input) {
        return lrn(input, 5, 1f, 1f, 0.5f, null);
    }

    public Output lrn(Output input, int depthRadius, float bias, float alpha, float beta, String name) {
        return LrnOps.lrn(graph(), input, new LrnOps.LrnParams(depthRadius, bias, alpha, beta), name);
    }

    /** {@code tf.nn.local_response_normalization}: the same op as {@link #lrn}. */
    public Output localResponseNormalization(Output input) {
        return lrn(input);
    }

    public Output localResponseNormalization(Output input, int depthRadius, float bias, float alpha, float beta,
                                             String name) {
        return lrn(input, depthRadius, bias, alpha, beta, name);
    }

    // ---- dropout ----

    /**
     * {@code tf.nn.dropout(x, keep_prob)} as TensorFlow 1.x builds it under name scope {@code dropout}:
     * {@code x / keep_prob * floor(keep_prob + random_uniform(noise_shape))}. A fed keep_prob of 1 gives x.
     */
    public Output dropout(Output x, Output keepProb) {
        return dropout(x, keepProb, null, null, null);
    }

    public Output dropout(Output x, float keepProb) {
        if (keepProb == 1f) {
            return x;
        }
        return dropout(x, ConstantOps.scalar(graph(), x.dtype(), keepProb, "keep_prob"), null, null, null);
    }

    /** With a noise shape (null: x's shape), an op seed (null: none) and a name. */
    public Output dropout(Output x, Output keepProb, Output noiseShape, Long seed, String name) {
        return DropoutOps.dropout(graph(), x, keepProb, noiseShape, seed, name);
    }

    /**
     * {@code tf.nn.dropout(x, rate=)} (TensorFlow 2 / 1.15 {@code dropout_v2}): keeps elements whose
     * uniform sample is {@code >= rate} and scales them by {@code 1 / (1 - rate)}. A fed rate of 0 gives x.
     */
    public Output dropoutRate(Output x, Output rate) {
        return dropoutRate(x, rate, null, null, null);
    }

    /** With the rate known while building: its constants {@code rate} and {@code scale} in the dropout scope. */
    public Output dropoutRate(Output x, float rate) {
        if (rate == 0f) {
            return x;
        }
        return DropoutOps.dropoutV2(graph(), x, rate, null, null, null);
    }

    public Output dropoutRate(Output x, Output rate, Output noiseShape, Long seed, String name) {
        return DropoutOps.dropoutV2(graph(), x, rate, noiseShape, seed, name);
    }

    // ---- top k ----

    /** {@code tf.nn.top_k(input)}: the largest entry of each row of the last dimension and its position. */
    public TopK topK(Output input) {
        return topK(input, 1, true, null);
    }

    /** {@code tf.nn.top_k(input, k)}: the k largest, descending, the lower position first among ties. */
    public TopK topK(Output input, int k) {
        return topK(input, k, true, null);
    }

    public TopK topK(Output input, int k, boolean sorted, String name) {
        return TopKOps.topK(graph(), input, k, sorted, name);
    }

    /**
     * {@code tf.nn.in_top_k(predictions, targets, k)}: whether each target is among the k highest predictions of its
     * row (ties with the k-th count as in; a non-finite prediction in the row gives false).
     */
    public Output inTopK(Output predictions, Output targets, int k) {
        return inTopK(predictions, targets, k, null);
    }

    public Output inTopK(Output predictions, Output targets, int k, String name) {
        return TopKOps.inTopK(graph(), predictions, targets, k, name);
    }
}
