package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.cuda.CudaSource;

/**
 * CUDA C of RandomUniform, RandomStandardNormal and TruncatedNormal (float32), producing the numbers of the
 * CPU kernels: the same Philox4x32-10 with TensorFlow's key/counter layout, the same float conversion and
 * Box-Muller arithmetic (double log, sqrt, sin and cos of float values, rounded to float), the same group
 * layout. Every output group's position in the stream is computed from the base counter, so threads work
 * independently.
 *
 * <p>The base counter lives in device memory (4 words, low first) and {@code philox_advance} moves it by
 * the samples a run reserves, in stream order after the sampling kernel: a recorded run replayed later
 * continues the sequence without the host. The key never changes and is passed by value.
 *
 * <p>Products that feed nothing but a rounding are written plainly; no sum here may be fused into an FMA
 * differently from the CPU, because none of the exact steps mixes a multiply with an add.
 */
final class RandomSources {
    private RandomSources() {}

    static final CudaSource RANDOM = new CudaSource("tg_random", """
            typedef long long i64;
            typedef unsigned long long u64;

            struct PhiloxCounter { unsigned c0, c1, c2, c3; };

            __device__ __forceinline__ void philox_block(PhiloxCounter c, unsigned k0, unsigned k1, unsigned out[4]) {
              unsigned x0 = c.c0, x1 = c.c1, x2 = c.c2, x3 = c.c3;
              #pragma unroll
              for (int round = 0; round < 10; round++) {
                if (round > 0) { k0 += 0x9E3779B9u; k1 += 0xBB67AE85u; }
                const unsigned hi0 = __umulhi(0xD2511F53u, x0);
                const unsigned lo0 = 0xD2511F53u * x0;
                const unsigned hi1 = __umulhi(0xCD9E8D57u, x2);
                const unsigned lo1 = 0xCD9E8D57u * x2;
                const unsigned y0 = hi1 ^ x1 ^ k0;
                const unsigned y2 = hi0 ^ x3 ^ k1;
                x0 = y0; x1 = lo1; x2 = y2; x3 = lo0;
              }
              out[0] = x0; out[1] = x1; out[2] = x2; out[3] = x3;
            }

            // TensorFlow's Skip(count), carries and all: the low word of count into c0, the high word into c1,
            // a carry out of c1 into c2 and on into c3.
            __device__ __forceinline__ PhiloxCounter philox_skip(PhiloxCounter c, u64 count) {
              const unsigned lo = (unsigned)count;
              unsigned hi = (unsigned)(count >> 32);
              c.c0 += lo;
              if (c.c0 < lo) ++hi;
              c.c1 += hi;
              if (c.c1 < hi && ++c.c2 == 0) ++c.c3;
              return c;
            }

            // One step of next(): the 128-bit counter plus one.
            __device__ __forceinline__ void philox_increment(PhiloxCounter& c) {
              if (++c.c0 == 0 && ++c.c1 == 0 && ++c.c2 == 0) ++c.c3;
            }

            // The counter `blocks` next() calls past c (a 128-bit addition).
            __device__ __forceinline__ PhiloxCounter philox_add(PhiloxCounter c, u64 blocks) {
              const u64 low = ((u64)c.c1 << 32) | c.c0;
              const u64 sum = low + blocks;
              c.c0 = (unsigned)sum;
              c.c1 = (unsigned)(sum >> 32);
              if (sum < low && ++c.c2 == 0) ++c.c3;
              return c;
            }

            __device__ __forceinline__ PhiloxCounter philox_load(const unsigned* state) {
              PhiloxCounter c;
              c.c0 = state[0]; c.c1 = state[1]; c.c2 = state[2]; c.c3 = state[3];
              return c;
            }

            // [0, 1): exponent 127 with 23 random mantissa bits, minus one (exact).
            __device__ __forceinline__ float philox_uniform(unsigned x) {
              return __uint_as_float((x & 0x7fffffu) | 0x3f800000u) - 1.0f;
            }

            // TensorFlow's BoxMullerFloat as the CPU kernel computes it.
            __device__ __forceinline__ void philox_box_muller(unsigned x0, unsigned x1, float& z0, float& z1) {
              float u1 = philox_uniform(x0);
              if (u1 < 1.0e-7f) u1 = 1.0e-7f;
              const float v1 = (float)(2.0 * 3.14159265358979323846 * (double)philox_uniform(x1));
              const float u2 = (float)sqrt((double)(-2.0f * (float)log((double)u1)));
              z0 = (float)sin((double)v1) * u2;
              z1 = (float)cos((double)v1) * u2;
            }

            #define PHILOX_GROUP_LOOP(groups) \\
              for (i64 g = (i64)blockIdx.x * blockDim.x + threadIdx.x; g < (groups); g += (i64)gridDim.x * blockDim.x)

            // Group g of 4 outputs takes block base + g.
            extern "C" __global__ void philox_uniform_f32(float* __restrict__ out, i64 n, const unsigned* state,
                                                          unsigned k0, unsigned k1) {
              const PhiloxCounter base = philox_load(state);
              PHILOX_GROUP_LOOP((n + 3) / 4) {
                unsigned s[4];
                philox_block(philox_add(base, (u64)g), k0, k1, s);
                const i64 at = g * 4;
                #pragma unroll
                for (int j = 0; j < 4; j++) if (at + j < n) out[at + j] = philox_uniform(s[j]);
              }
            }

            extern "C" __global__ void philox_normal_f32(float* __restrict__ out, i64 n, const unsigned* state,
                                                         unsigned k0, unsigned k1) {
              const PhiloxCounter base = philox_load(state);
              PHILOX_GROUP_LOOP((n + 3) / 4) {
                unsigned s[4];
                philox_block(philox_add(base, (u64)g), k0, k1, s);
                float z[4];
                philox_box_muller(s[0], s[1], z[0], z[1]);
                philox_box_muller(s[2], s[3], z[2], z[3]);
                const i64 at = g * 4;
                #pragma unroll
                for (int j = 0; j < 4; j++) if (at + j < n) out[at + j] = z[j];
              }
            }

            // Group g of 4 outputs starts at Skip(g * 256) of the base and draws single 32-bit samples in order,
            // two per candidate pair, keeping values with |z| < 2 until it has 4.
            extern "C" __global__ void philox_truncated_normal_f32(float* __restrict__ out, i64 n, const unsigned* state,
                                                                   unsigned k0, unsigned k1) {
              const PhiloxCounter base = philox_load(state);
              PHILOX_GROUP_LOOP((n + 3) / 4) {
                PhiloxCounter c = philox_skip(base, (u64)g * 256u);
                unsigned s[4];
                int used = 4;
                const i64 at = g * 4;
                const int wanted = (int)(n - at < 4 ? n - at : 4);
                int filled = 0;
                while (filled < 4) {
                  unsigned x[2];
                  for (int q = 0; q < 2; q++) {
                    if (used == 4) { philox_block(c, k0, k1, s); philox_increment(c); used = 0; }
                    x[q] = s[used++];
                  }
                  float z[2];
                  philox_box_muller(x[0], x[1], z[0], z[1]);
                  for (int q = 0; q < 2 && filled < 4; q++) {
                    if (fabsf(z[q]) < 2.0f) {
                      if (filled < wanted) out[at + filled] = z[q];
                      filled++;
                    }
                  }
                }
              }
            }

            // After a run's sampling kernel: reserve its samples, as the CPU generator's Skip.
            extern "C" __global__ void philox_advance(unsigned* state, i64 blocks) {
              if (blockIdx.x == 0 && threadIdx.x == 0) {
                const PhiloxCounter c = philox_skip(philox_load(state), (u64)blocks);
                state[0] = c.c0; state[1] = c.c1; state[2] = c.c2; state[3] = c.c3;
              }
            }
            """);
}
