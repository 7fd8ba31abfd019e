package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.cuda.CudaSource;

/**
 * The small kernels that make cuDNN's batch normalization produce what the CPU kernel produces: TensorFlow
 * reports the unbiased batch variance (blended with the running value by exponential_avg_factor) and keeps
 * the batch mean and the biased variance as reserve spaces, where cuDNN keeps the mean and 1/sqrt(var + eps).
 * Also the gradient of inference-mode normalization, which cuDNN does not offer.
 */
final class BatchNormSources {
    private BatchNormSources() {}

    /** Block size of {@code bn_grad_inference_sums_f32}, which reduces in shared memory. */
    static final int SUM_THREADS = 256;

    static final CudaSource BATCH_NORM = new CudaSource("batch_norm", """
            typedef long long i64;

            // After cuDNN's training pass with factor 1 into zeroed running buffers, batchMean holds the batch
            // mean and batchVar the unbiased batch variance. Writes TensorFlow's outputs: batch mean and unbiased
            // variance (blended with the old running values when `blend`), and the biased variance in savedVar
            // (reserve_space_2) over cuDNN's inverse standard deviation.
            extern "C" __global__ void bn_finish_training_f32(const float* oldMean, const float* oldVar, float* batchMean,
                                                              float* batchVar, float* savedVar, int c, i64 m,
                                                              float factor, int blend) {
              for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < c; j += blockDim.x * gridDim.x) {
                double mean = batchMean[j];
                double unbiased = m > 1 ? (double)batchVar[j] : 0.0;
                savedVar[j] = (float)(m > 1 ? unbiased * (double)(m - 1) / (double)m : 0.0);
                if (blend) {
                  double f = factor;
                  batchMean[j] = (float)((1.0 - f) * (double)oldMean[j] + f * mean);
                  batchVar[j] = (float)((1.0 - f) * (double)oldVar[j] + f * unbiased);
                } else {
                  batchVar[j] = (float)unbiased;
                }
              }
            }

            // cuDNN's saved inverse standard deviation from TensorFlow's reserve_space_2 (the biased variance).
            extern "C" __global__ void bn_inv_std_f32(const float* var, float* inv, int c, float eps) {
              for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < c; j += blockDim.x * gridDim.x) {
                inv[j] = (float)(1.0 / sqrt((double)var[j] + (double)eps));
              }
            }

            __device__ __forceinline__ i64 tg_bn_index(int nchw, int c, i64 hw, i64 r, int j) {
              return nchw ? ((r / hw) * c + j) * hw + r % hw : r * c + j;
            }

            // Inference-mode gradient sums, one block of 256 threads per channel: dOffset = sum(dy),
            // dScale = sum(dy * (x - mean)) / sqrt(var + eps), accumulated in double as on the CPU.
            extern "C" __global__ void bn_grad_inference_sums_f32(const float* dy, const float* x, const float* mean,
                                                                  const float* var, float* dScale, float* dOffset,
                                                                  int nchw, int c, i64 hw, i64 m, float eps) {
              __shared__ double sumDy[256];
              __shared__ double sumDyXc[256];
              for (int j = blockIdx.x; j < c; j += gridDim.x) {
                double mu = mean[j];
                double a = 0.0;
                double b = 0.0;
                for (i64 r = threadIdx.x; r < m; r += blockDim.x) {
                  i64 idx = tg_bn_index(nchw, c, hw, r, j);
                  double g = dy[idx];
                  a += g;
                  b += g * ((double)x[idx] - mu);
                }
                sumDy[threadIdx.x] = a;
                sumDyXc[threadIdx.x] = b;
                __syncthreads();
                for (int s = blockDim.x / 2; s > 0; s >>= 1) {
                  if (threadIdx.x < s) {
                    sumDy[threadIdx.x] += sumDy[threadIdx.x + s];
                    sumDyXc[threadIdx.x] += sumDyXc[threadIdx.x + s];
                  }
                  __syncthreads();
                }
                if (threadIdx.x == 0) {
                  double inv = 1.0 / sqrt((double)var[j] + (double)eps);
                  dScale[j] = (float)(sumDyXc[0] * inv);
                  dOffset[j] = (float)sumDy[0];
                }
                __syncthreads();
              }
            }

            // Inference-mode input gradient: dx = dy * scale / sqrt(var + eps).
            extern "C" __global__ void bn_grad_inference_dx_f32(const float* dy, const float* scale, const float* var,
                                                                float* dx, int nchw, int c, i64 hw, float eps, i64 total) {
              for (i64 i = blockIdx.x * (i64)blockDim.x + threadIdx.x; i < total; i += (i64)blockDim.x * gridDim.x) {
                int j = (int)(nchw ? (i / hw) % c : i % c);
                dx[i] = (float)((double)dy[i] * (double)scale[j] * (1.0 / sqrt((double)var[j] + (double)eps)));
              }
            }
            """);
}
