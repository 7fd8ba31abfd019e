package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.cuda.CudaSource;

/**
 * CUDA C of the fused bias kernels (float32): BiasAdd then Relu in one pass over the value, and ReluGrad
 * together with the per-channel sums of its result (BiasAddGrad) for channels-last data. The sums go per
 * chunk of rows into a workspace that a second launch folds in a fixed order, so results do not vary from
 * run to run, as they would with atomics.
 */
final class FusedBiasSources {
    private FusedBiasSources() {}

    /** Threads per block along the rows in {@code relu_grad_bias_part_f32}; its blocks are 32 columns wide. */
    static final int PART_ROWS = 8;
    static final int FOLD_THREADS = 256;

    static final CudaSource FUSED_BIAS = new CudaSource("tg_fused_bias", """
            typedef long long i64;

            // As the Relu kernel: NaN passes through.
            __device__ __forceinline__ float fb_relu(float v) { return v > 0.0f ? v : (v != v ? v : 0.0f); }

            // value seen as [outer, channels, inner]; inner == 1 is NHWC.
            extern "C" __global__ void bias_relu_f32(const float* __restrict__ value, const float* __restrict__ bias,
                                                     float* __restrict__ out, i64 n, i64 channels, i64 inner) {
              for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)gridDim.x * blockDim.x) {
                const i64 c = (inner == 1 ? i : i / inner) % channels;
                out[i] = fb_relu(value[i] + bias[c]);
              }
            }

            // Channels last, channels a multiple of 4, arrays 16-byte aligned, fewer than 2^31 groups of 4.
            extern "C" __global__ void bias_relu_v4_f32(const float4* __restrict__ value, const float4* __restrict__ bias,
                                                        float4* __restrict__ out, unsigned n4, unsigned c4) {
              for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < n4; i += gridDim.x * blockDim.x) {
                float4 v = value[i];
                const float4 b = bias[i % c4];
                v.x = fb_relu(v.x + b.x);
                v.y = fb_relu(v.y + b.y);
                v.z = fb_relu(v.z + b.z);
                v.w = fb_relu(v.w + b.w);
                out[i] = v;
              }
            }

            // dx = ReluGrad(g, y) over [rows, channels], and the column sums of dx over each chunk of rows
            // into partial[chunk, channels]. Blocks of 32 x 8 threads: x a column, y a stride over rows.
            extern "C" __global__ void relu_grad_bias_part_f32(const float* __restrict__ g, const float* __restrict__ y,
                                                               float* __restrict__ dx, float* __restrict__ partial,
                                                               i64 rows, i64 channels, i64 rowsPerChunk) {
              __shared__ float sums[8][33];
              const i64 col = (i64)blockIdx.x * 32 + threadIdx.x;
              const i64 r0 = (i64)blockIdx.y * rowsPerChunk;
              const i64 r1 = min(rows, r0 + rowsPerChunk);
              float s = 0.0f;
              if (col < channels) {
                for (i64 r = r0 + threadIdx.y; r < r1; r += 8) {
                  const i64 k = r * channels + col;
                  const float v = y[k] > 0.0f ? g[k] : 0.0f;
                  dx[k] = v;
                  s += v;
                }
              }
              sums[threadIdx.y][threadIdx.x] = s;
              __syncthreads();
              if (threadIdx.y == 0 && col < channels) {
                float t = 0.0f;
                for (int j = 0; j < 8; j++) {
                  t += sums[j][threadIdx.x];
                }
                partial[(i64)blockIdx.y * channels + col] = t;
              }
            }

            // out[c] = sum over chunks of partial[chunk, c]: a block of 256 threads per channel.
            extern "C" __global__ void bias_grad_fold_f32(const float* __restrict__ partial, float* __restrict__ out,
                                                          i64 chunks, i64 channels) {
              __shared__ float s[256];
              for (i64 c = blockIdx.x; c < channels; c += gridDim.x) {
                float t = 0.0f;
                for (i64 k = threadIdx.x; k < chunks; k += blockDim.x) {
                  t += partial[k * channels + c];
                }
                s[threadIdx.x] = t;
                __syncthreads();
                for (int w = blockDim.x / 2; w > 0; w >>= 1) {
                  if (threadIdx.x < w) {
                    s[threadIdx.x] += s[threadIdx.x + w];
                  }
                  __syncthreads();
                }
                if (threadIdx.x == 0) {
                  out[c] = s[0];
                }
                __syncthreads();
              }
            }
            """);

    /**
     * The same for bfloat16 and float16 values ({@code _bf16}, {@code _f16}), read as float32 and rounded once:
     * BiasAdd then Relu (also 8 values a thread, channels last), and the per-channel float32 sums of a 16-bit
     * gradient widened to float32 (a Cast to float32 then BiasAddGrad, as mixed precision plans them), whose
     * parts {@code bias_grad_fold_f32} folds.
     */
    static final CudaSource FUSED_BIAS_HALF = new CudaSource("tg_fused_bias_half", "typedef long long i64;\n"
            + HalfFloatCodecs.CODE + """
            __device__ __forceinline__ float fb_relu(float v) { return v > 0.0f ? v : (v != v ? v : 0.0f); }

            template <class C>
            __device__ void bias_relu(const typename C::S* __restrict__ value, const typename C::S* __restrict__ bias,
                                      typename C::S* __restrict__ out, i64 n, i64 channels, i64 inner) {
              for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)gridDim.x * blockDim.x) {
                const i64 c = (inner == 1 ? i : i / inner) % channels;
                out[i] = C::store(fb_relu(C::load(value[i]) + C::load(bias[c])));
              }
            }

            // Channels last, channels a multiple of 8, arrays 16-byte aligned, fewer than 2^31 groups of 8.
            union tg_eight { uint4 u; unsigned short h[8]; };
            template <class C>
            __device__ void bias_relu_v8(const uint4* __restrict__ value, const uint4* __restrict__ bias,
                                         uint4* __restrict__ out, unsigned n8, unsigned c8) {
              for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < n8; i += gridDim.x * blockDim.x) {
                tg_eight v, b;
                v.u = value[i];
                b.u = bias[i % c8];
                #pragma unroll
                for (int k = 0; k < 8; k++) {
                  v.h[k] = C::store(fb_relu(C::load(v.h[k]) + C::load(b.h[k])));
                }
                out[i] = v.u;
              }
            }

            // Column sums over each chunk of rows of g [rows, channels], as relu_grad_bias_part_f32 without the Relu.
            template <class C>
            __device__ void bias_grad_part(const typename C::S* __restrict__ g, float* __restrict__ partial, i64 rows,
                                           i64 channels, i64 rowsPerChunk) {
              __shared__ float sums[8][33];
              const i64 col = (i64)blockIdx.x * 32 + threadIdx.x;
              const i64 r0 = (i64)blockIdx.y * rowsPerChunk;
              const i64 r1 = min(rows, r0 + rowsPerChunk);
              float s = 0.0f;
              if (col < channels) {
                for (i64 r = r0 + threadIdx.y; r < r1; r += 8) {
                  s += C::load(g[r * channels + col]);
                }
              }
              sums[threadIdx.y][threadIdx.x] = s;
              __syncthreads();
              if (threadIdx.y == 0 && col < channels) {
                float t = 0.0f;
                for (int j = 0; j < 8; j++) {
                  t += sums[j][threadIdx.x];
                }
                partial[(i64)blockIdx.y * channels + col] = t;
              }
            }
            """
            + HalfFloatCodecs.instantiate("bias_relu", "bias_relu",
                    "const S* value, const S* bias, S* out, i64 n, i64 channels, i64 inner",
                    "value, bias, out, n, channels, inner", DType.BFLOAT16, DType.HALF)
            + HalfFloatCodecs.instantiate("bias_relu_v8", "bias_relu_v8",
                    "const uint4* value, const uint4* bias, uint4* out, unsigned n8, unsigned c8",
                    "value, bias, out, n8, c8", DType.BFLOAT16, DType.HALF)
            + HalfFloatCodecs.instantiate("bias_grad_part", "bias_grad_part",
                    "const S* g, float* partial, i64 rows, i64 channels, i64 rowsPerChunk",
                    "g, partial, rows, channels, rowsPerChunk", DType.BFLOAT16, DType.HALF));
}
