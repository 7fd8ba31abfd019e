package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.cuda.CudaSource;

/**
 * CUDA C of Softmax, LogSoftmax, the two softmax cross-entropy losses and BiasAdd (float32). A row (the
 * last axis) is handled by one warp, or by one block of 256 threads when it is long; blockDim.y rows share a
 * block. One pass over the row finds its maximum and the sum of exp(x - max) together (the running sum is
 * rescaled when the maximum grows), a second writes the outputs. NaN in a row gives NaN for the whole
 * row, as on the CPU.
 */
final class SoftmaxSources {
    private SoftmaxSources() {}

    static final CudaSource SOFTMAX = new CudaSource("tg_softmax", """
            typedef long long i64;

            __device__ __forceinline__ float sm_nan() { return __int_as_float(0x7fc00000); }
            // Max that lets NaN through, as Java's Math.max.
            __device__ __forceinline__ float sm_max(float a, float b) { return (a != a || a > b) ? a : b; }

            // Adds x to a running (max m, sum s of exp(v - m)).
            __device__ __forceinline__ void sm_add(float& m, float& s, float x) {
              const float nm = sm_max(m, x);
              s = (m == nm ? s : s * expf(m - nm)) + (x == nm ? 1.0f : expf(x - nm));
              m = nm;
            }

            // Merges two running (max, sum) pairs; symmetric, so every lane of a butterfly ends equal.
            __device__ __forceinline__ void sm_merge(float& m, float& s, float m2, float s2) {
              const float nm = sm_max(m, m2);
              s = (m == nm ? s : s * expf(m - nm)) + (m2 == nm ? s2 : s2 * expf(m2 - nm));
              m = nm;
            }

            // Every thread of the row's group (a warp, or the whole block when blockDim.x > 32) gets the row's
            // max and sum. x(k) = p[k * colStride].
            __device__ __forceinline__ void sm_row_stats(const float* __restrict__ p, i64 colStride, i64 d, float& m,
                                                         float& s) {
              __shared__ float maxes[32];
              __shared__ float sums[32];
              const int lane = threadIdx.x;
              m = __int_as_float(0xff800000);
              s = 0.0f;
              for (i64 k = lane; k < d; k += blockDim.x) sm_add(m, s, p[k * colStride]);
              for (int o = 16; o > 0; o >>= 1) {
                const float m2 = __shfl_xor_sync(0xffffffffu, m, o);
                const float s2 = __shfl_xor_sync(0xffffffffu, s, o);
                sm_merge(m, s, m2, s2);
              }
              if (blockDim.x > 32) {
                if ((lane & 31) == 0) { maxes[lane >> 5] = m; sums[lane >> 5] = s; }
                __syncthreads();
                m = maxes[0];
                s = sums[0];
                for (int w = 1; w < (int)(blockDim.x >> 5); w++) sm_merge(m, s, maxes[w], sums[w]);
                __syncthreads();
              }
            }

            // Sum over the row's group; every thread gets it.
            __device__ __forceinline__ float sm_row_sum(float v) {
              __shared__ float partial[32];
              for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
              if (blockDim.x > 32) {
                const int lane = threadIdx.x;
                if ((lane & 31) == 0) partial[lane >> 5] = v;
                __syncthreads();
                v = partial[0];
                for (int w = 1; w < (int)(blockDim.x >> 5); w++) v += partial[w];
                __syncthreads();
              }
              return v;
            }

            #define SM_ROW_LOOP(rows) \\
              for (i64 row = (i64)blockIdx.x * blockDim.y + threadIdx.y; row < (rows); row += (i64)gridDim.x * blockDim.y)

            extern "C" __global__ void softmax_f32(const float* __restrict__ in, float* __restrict__ out, i64 rows,
                                                   i64 d, int logSoftmax) {
              SM_ROW_LOOP(rows) {
                const float* p = in + row * d;
                float* o = out + row * d;
                float m, s;
                sm_row_stats(p, 1, d, m, s);
                if (logSoftmax) {
                  const float logSum = logf(s);
                  for (i64 k = threadIdx.x; k < d; k += blockDim.x) o[k] = (p[k] - m) - logSum;
                } else {
                  const float inv = 1.0f / s;
                  for (i64 k = threadIdx.x; k < d; k += blockDim.x) o[k] = expf(p[k] - m) * inv;
                }
              }
            }

            // Logits and labels are read through (row, column) strides, so either may broadcast a size-1 axis.
            extern "C" __global__ void xent_dense_f32(const float* __restrict__ logits, const float* __restrict__ labels,
                                                      float* __restrict__ loss, float* __restrict__ backprop, i64 rows,
                                                      i64 classes, i64 logitRowStride, i64 logitColStride,
                                                      i64 labelRowStride, i64 labelColStride) {
              SM_ROW_LOOP(rows) {
                const float* x = logits + row * logitRowStride;
                const float* y = labels + row * labelRowStride;
                float* b = backprop + row * classes;
                float m, s;
                sm_row_stats(x, logitColStride, classes, m, s);
                const float logSum = logf(s);
                float partialLoss = 0.0f;
                for (i64 k = threadIdx.x; k < classes; k += blockDim.x) {
                  const float label = y[k * labelColStride];
                  const float shifted = x[k * logitColStride] - m;
                  if (label != 0.0f) partialLoss += label * (logSum - shifted);
                  b[k] = expf(shifted - logSum) - label;
                }
                const float rowLoss = sm_row_sum(partialLoss);
                if (threadIdx.x == 0) loss[row] = rowLoss;
              }
            }

            // A label outside [0, classes) gives a NaN loss and a NaN gradient row (as TensorFlow on a GPU): the
            // CPU kernel fails instead, but a GPU kernel cannot without waiting for the device.
            template <typename L>
            __device__ __forceinline__ void xent_sparse(const float* __restrict__ logits, const L* __restrict__ labels,
                                                        float* __restrict__ loss, float* __restrict__ backprop, i64 rows,
                                                        i64 classes) {
              SM_ROW_LOOP(rows) {
                const float* x = logits + row * classes;
                float* b = backprop + row * classes;
                const i64 label = (i64)labels[row];
                const bool valid = label >= 0 && label < classes;
                float m, s;
                sm_row_stats(x, 1, classes, m, s);
                const float inv = 1.0f / s;
                for (i64 k = threadIdx.x; k < classes; k += blockDim.x) {
                  const float p = expf(x[k] - m) * inv;
                  b[k] = valid ? (k == label ? p - 1.0f : p) : sm_nan();
                }
                if (threadIdx.x == 0) loss[row] = valid ? logf(s) - (x[label] - m) : sm_nan();
              }
            }

            extern "C" __global__ void xent_sparse_f32_i32(const float* logits, const int* labels, float* loss,
                                                           float* backprop, i64 rows, i64 classes) {
              xent_sparse<int>(logits, labels, loss, backprop, rows, classes);
            }

            extern "C" __global__ void xent_sparse_f32_i64(const float* logits, const long long* labels, float* loss,
                                                           float* backprop, i64 rows, i64 classes) {
              xent_sparse<long long>(logits, labels, loss, backprop, rows, classes);
            }

            // value seen as [outer, channels, inner]; inner == 1 is NHWC.
            extern "C" __global__ void bias_add_f32(const float* __restrict__ value, const float* __restrict__ bias,
                                                    float* __restrict__ out, i64 n, i64 channels, i64 inner) {
              for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)gridDim.x * blockDim.x) {
                const i64 c = (inner == 1 ? i : i / inner) % channels;
                out[i] = value[i] + bias[c];
              }
            }
            """);
}
