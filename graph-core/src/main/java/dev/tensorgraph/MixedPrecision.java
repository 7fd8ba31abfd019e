package dev.tensorgraph;

/**
 * The 16-bit type a session's automatic mixed precision runs matrix products and convolutions in (see
 * {@link SessionOptions#mixedPrecision}), as TensorFlow 1.x's {@code enable_mixed_precision_graph_rewrite}:
 * {@link #BF16} keeps float32's range and needs no loss scaling; {@link #FP16} has more mantissa bits and a small
 * range, so training with it scales the loss (graph-ops' {@code LossScaleOptimizer}).
 */
public enum MixedPrecision {
    /** bfloat16: 8 exponent bits, 7 mantissa bits. */
    BF16(DType.BFLOAT16, "Bf16"),
    /** IEEE half precision: 5 exponent bits, 10 mantissa bits. */
    FP16(DType.HALF, "Fp16");

    private final DType dtype;
    private final String castSuffix;

    MixedPrecision(DType dtype, String castSuffix) {
        this.dtype = dtype;
        this.castSuffix = castSuffix;
    }

    /** The 16-bit dtype the rewritten ops compute in. */
    public DType dtype() {
        return dtype;
    }

    /** How casts into this type are named in the rewritten graph ({@code CastToBf16}, {@code CastToFp16}). */
    String castSuffix() {
        return castSuffix;
    }
}
