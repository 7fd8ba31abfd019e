package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.cuda.CudaSource;

/**
 * Layout helpers around cuDNN calls: filter transposes between TensorFlow's HWIO and cuDNN's KRSC/KCRS, and
 * the 4-D window copy that pads an input explicitly (or crops a gradient back) where TensorFlow's padding
 * is asymmetric and cuDNN's cannot be. Each comes for float32 ({@code _f32}) and for the 16-bit floats
 * ({@code _u16}, moved as bits).
 */
final class DnnSources {
    private DnnSources() {}

    static final CudaSource LAYOUT = new CudaSource("dnn_layout", """
            typedef long long i64;

            // out is row-major [d0, d1, d2, d3]; out element (i0, i1, i2, i3) is
            // in[i0*s0 + i1*s1 + i2*s2 + i3*s3]: any permutation of a packed 4-D tensor.
            template <typename T>
            __device__ void permute4(const T* in, T* out, i64 d1, i64 d2, i64 d3, i64 s0, i64 s1, i64 s2, i64 s3,
                                     i64 total) {
              for (i64 i = blockIdx.x * (i64)blockDim.x + threadIdx.x; i < total; i += (i64)blockDim.x * gridDim.x) {
                i64 r = i;
                i64 i3 = r % d3; r /= d3;
                i64 i2 = r % d2; r /= d2;
                i64 i1 = r % d1;
                i64 i0 = r / d1;
                out[i] = in[i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3];
              }
            }

            // out [o0, o1, o2, o3] takes in [n0, n1, n2, n3] shifted by (b0, b1, b2, b3): out element i reads
            // in at i - b, or `fill` where that lies outside in. Positive b pads, negative b crops.
            template <typename T>
            __device__ void window4(const T* in, T* out, i64 o1, i64 o2, i64 o3, i64 n0, i64 n1, i64 n2, i64 n3,
                                    i64 b0, i64 b1, i64 b2, i64 b3, T fill, i64 total) {
              for (i64 i = blockIdx.x * (i64)blockDim.x + threadIdx.x; i < total; i += (i64)blockDim.x * gridDim.x) {
                i64 r = i;
                i64 j3 = r % o3 - b3; r /= o3;
                i64 j2 = r % o2 - b2; r /= o2;
                i64 j1 = r % o1 - b1;
                i64 j0 = r / o1 - b0;
                bool inside = j0 >= 0 && j0 < n0 && j1 >= 0 && j1 < n1 && j2 >= 0 && j2 < n2 && j3 >= 0 && j3 < n3;
                out[i] = inside ? in[((j0 * n1 + j1) * n2 + j2) * n3 + j3] : fill;
              }
            }

            #define TG_LAYOUT_KERNELS(S, T, FILL) \
            extern "C" __global__ void permute4_##S(const T* in, T* out, i64 d1, i64 d2, i64 d3, \
                                                    i64 s0, i64 s1, i64 s2, i64 s3, i64 total) { \
              permute4<T>(in, out, d1, d2, d3, s0, s1, s2, s3, total); \
            } \
            extern "C" __global__ void window4_##S(const T* in, T* out, i64 o1, i64 o2, i64 o3, \
                                                   i64 n0, i64 n1, i64 n2, i64 n3, \
                                                   i64 b0, i64 b1, i64 b2, i64 b3, FILL fill, i64 total) { \
              window4<T>(in, out, o1, o2, o3, n0, n1, n2, n3, b0, b1, b2, b3, (T)fill, total); \
            }
            // f32: float values; u16: the bits of bfloat16 or float16 values (the fill is given as its bits).
            TG_LAYOUT_KERNELS(f32, float, float)
            TG_LAYOUT_KERNELS(u16, unsigned short, unsigned int)
            """);
}
