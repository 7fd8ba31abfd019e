package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.cuda.CudaSource;

/**
 * CUDA C of a bias-and-activation epilogue in one pass: {@code y = act(x + bias[c])}, or with a tensor of the
 * same shape added too, {@code y = act(x + bias[c] + side)} (a residual block's shortcut), and of an addition
 * then activation {@code y = act(a + b)} (or the activation alone, in place), for float32, bfloat16
 * and float16 values (16-bit values read as float32 and rounded once). {@code x} may be {@code y} (a fused
 * convolution's output, rewritten in place). The additions happen in the order the unfused ops do them.
 */
final class ConvEpilogueSources {
    private ConvEpilogueSources() {}

    /** The activation codes the kernels take. */
    static final int IDENTITY = 0;
    static final int RELU = 1;
    static final int RELU6 = 2;

    /** {@code ce_activate(v, act)}: the activation of a code above, as the Relu and Relu6 kernels (NaN passes). */
    static final String ACTIVATE = """
            __device__ __forceinline__ float ce_activate(float v, int act) {
              if (act == 0 || v != v) return v;
              v = v > 0.0f ? v : 0.0f;
              return act == 2 && v > 6.0f ? 6.0f : v;
            }
            """;

    static final CudaSource CONV_EPILOGUE = new CudaSource("tg_conv_epilogue", "typedef long long i64;\n"
            + HalfFloatCodecs.CODE + ACTIVATE + """

            // x and y seen as [outer, channels, inner]; inner == 1 is NHWC. x may be y.
            template <class C>
            __device__ void bias_act(const typename C::S* x, typename C::S* y, const typename C::S* __restrict__ bias,
                                     i64 n, i64 channels, i64 inner, int act) {
              for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)gridDim.x * blockDim.x) {
                const i64 c = (inner == 1 ? i : i / inner) % channels;
                y[i] = C::store(ce_activate(C::load(x[i]) + C::load(bias[c]), act));
              }
            }

            template <class C>
            __device__ void bias_add_act(const typename C::S* x, typename C::S* y, const typename C::S* __restrict__ bias,
                                         const typename C::S* __restrict__ side, i64 n, i64 channels, i64 inner, int act) {
              for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)gridDim.x * blockDim.x) {
                const i64 c = (inner == 1 ? i : i / inner) % channels;
                y[i] = C::store(ce_activate((C::load(x[i]) + C::load(bias[c])) + C::load(side[i]), act));
              }
            }

            // y = act(a + b) for a and b of y's shape (a residual block's end); y = act(y) in place when b is null.
            template <class C>
            __device__ void add_act(const typename C::S* a, const typename C::S* b, typename C::S* y, i64 n, int act) {
              for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)gridDim.x * blockDim.x) {
                y[i] = C::store(ce_activate(b == nullptr ? C::load(a[i]) : C::load(a[i]) + C::load(b[i]), act));
              }
            }
            """
            + HalfFloatCodecs.instantiate("add_act", "add_act", "const S* a, const S* b, S* y, i64 n, int act",
                    "a, b, y, n, act", HalfFloatCodecs.FORMATS)
            + HalfFloatCodecs.instantiate("bias_act", "bias_act",
                    "const S* x, S* y, const S* bias, i64 n, i64 channels, i64 inner, int act",
                    "x, y, bias, n, channels, inner, act", HalfFloatCodecs.FORMATS)
            + HalfFloatCodecs.instantiate("bias_add_act", "bias_add_act",
                    "const S* x, S* y, const S* bias, const S* side, i64 n, i64 channels, i64 inner, int act",
                    "x, y, bias, side, n, channels, inner, act", HalfFloatCodecs.FORMATS));
}
