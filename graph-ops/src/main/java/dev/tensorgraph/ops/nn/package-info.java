/**
 * The neural-network op family: convolution ({@link dev.tensorgraph.ops.nn.ConvOps} with {@link
 * dev.tensorgraph.ops.nn.ConvAttrs}), pooling, bias and activations, softmax and the cross-entropy ops, batch
 * normalization (fused, moments, the formula), dropout, and top-k ({@code TopKV2}, {@code InTopKV2}).
 */
package dev.tensorgraph.ops.nn;
