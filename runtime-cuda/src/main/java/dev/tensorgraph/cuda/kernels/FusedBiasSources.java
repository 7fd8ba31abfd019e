package dev.tensorgraph.cuda.kernels;

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
}
