package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.cuda.CudaSource;

/**
 * CUDA C of the epilogue of a fused convolution ({@code _FusedConv2D}): the bias added to the convolution's
 * output and the activation applied, in place and in one pass, for float32, bfloat16 and float16 values (16-bit
 * values read as float32 and rounded once, as the unfused BiasAdd and Relu round twice).
 */
final class ConvEpilogueSources {
    private ConvEpilogueSources() {}

    /** The activation codes {@code conv_epilogue} takes. */
    static final int IDENTITY = 0;
    static final int RELU = 1;
    static final int RELU6 = 2;

    static final CudaSource CONV_EPILOGUE = new CudaSource("tg_conv_epilogue", "typedef long long i64;\n"
            + HalfFloatCodecs.CODE + """
            // As the Relu and Relu6 kernels: NaN passes through.
            __device__ __forceinline__ float ce_activate(float v, int act) {
              if (act == 0 || v != v) return v;
              v = v > 0.0f ? v : 0.0f;
              return act == 2 && v > 6.0f ? 6.0f : v;
            }

            // y seen as [outer, channels, inner]; inner == 1 is NHWC. y is read and written in place.
            template <class C>
            __device__ void conv_epilogue(typename C::S* y, const typename C::S* __restrict__ bias, i64 n, i64 channels,
                                          i64 inner, int act) {
              for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)gridDim.x * blockDim.x) {
                const i64 c = (inner == 1 ? i : i / inner) % channels;
                y[i] = C::store(ce_activate(C::load(y[i]) + C::load(bias[c]), act));
              }
            }
            """
            + HalfFloatCodecs.instantiate("conv_epilogue", "conv_epilogue",
                    "S* y, const S* bias, i64 n, i64 channels, i64 inner, int act",
                    "y, bias, n, channels, inner, act", HalfFloatCodecs.FORMATS));
}
