package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.cuda.CudaSource;

/**
 * Max and average pooling, the max-pool argmax and the gathering max-pool gradient over bfloat16 and float16
 * NHWC tensors whose channels come in whole groups of eight, for windows of at most 3x3: each thread takes
 * eight channels as one 16-byte word, and the window's (or the covering windows') loads are unrolled, so all
 * of them are in flight at once. The one-value-a-thread kernels of {@link PoolSources} issue one load per
 * loop turn and wait for it: AlexNet's first 16-bit max-pool gradient took 0.41 ms on an H100, about eight
 * memory latencies per input cell, where its memory traffic needs a few tens of microseconds.
 *
 * <p>Results are those of {@link PoolSources} bit for bit: the same float32 arithmetic in the same order (window
 * cells row-major, covering windows in output order), the same first-maximum rule, one rounding. The argmax is
 * stored as one byte per value (the cell's place in its window, 255 for an empty window) instead of an int.
 */
final class PoolEightWideSources {
    private PoolEightWideSources() {}

    /** The widest window these kernels take, per dimension. */
    static final int MAX_WINDOW = 3;

    private static final String PARAMS = "int n, int h, int w, int c, int oh, int ow, int kh, int kw, int sh, int sw, "
            + "int padTop, int padLeft, int total";
    private static final String ARGS = "n, h, w, c, oh, ow, kh, kw, sh, sw, padTop, padLeft, total";

    static final CudaSource POOL_EIGHT_WIDE = new CudaSource("pool_eight_wide", HalfFloatCodecs.CODE + """

            union tg_pool8 { uint4 u; unsigned short h[8]; };

            // The byte of channel j (0..7) of a group's argmax word.
            __device__ __forceinline__ int tg_where_byte(uint2 v, int j) {
              return (int)(((j < 4 ? v.x : v.y) >> (8 * (j & 3))) & 0xffu);
            }

            // Loads the up to 3x3 window cells of output group i (b, oy, ox, group), row-major; ok[k]: whether
            // cell k lies in the window and inside the input. Returns the number of such cells.
            __device__ __forceinline__ int tg_pool8_window(const uint4* x, int i, int h, int w, int c, int oh, int ow,
                                                           int kh, int kw, int sh, int sw, int padTop, int padLeft,
                                                           tg_pool8* v, bool* ok) {
              const int groups = c >> 3;
              int g8 = i % groups;
              int r = i / groups;
              int ox = r % ow; r /= ow;
              int oy = r % oh;
              int b = r / oh;
              int top = oy * sh - padTop, left = ox * sw - padLeft;
              int cells = 0;
            #pragma unroll
              for (int k = 0; k < 9; ++k) {
                int ky = k / 3, kx = k % 3;
                int iy = top + ky, ix = left + kx;
                ok[k] = ky < kh && kx < kw && iy >= 0 && iy < h && ix >= 0 && ix < w;
                if (ok[k]) {
                  v[k].u = x[((b * h + iy) * w + ix) * groups + g8];
                  ++cells;
                }
              }
              return cells;
            }

            // mode 0: max, 1: average. One thread per eight output values.
            template <class C>
            __device__ void pool8_forward(const uint4* x, uint4* y, int mode, int n, int h, int w, int c, int oh, int ow,
                                          int kh, int kw, int sh, int sw, int padTop, int padLeft, int total) {
              for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += blockDim.x * gridDim.x) {
                tg_pool8 v[9];
                bool ok[9];
                int cells = tg_pool8_window(x, i, h, w, c, oh, ow, kh, kw, sh, sw, padTop, padLeft, v, ok);
                float acc[8];
            #pragma unroll
                for (int j = 0; j < 8; ++j) acc[j] = mode == 0 ? __int_as_float(0xff800000) : 0.0f;
            #pragma unroll
                for (int k = 0; k < 9; ++k) {
                  if (ok[k]) {
            #pragma unroll
                    for (int j = 0; j < 8; ++j) {
                      float f = C::load(v[k].h[j]);
                      if (mode == 0) {
                        acc[j] = f > acc[j] ? f : acc[j];
                      } else {
                        acc[j] += f;
                      }
                    }
                  }
                }
                tg_pool8 out;
                float inv = 1.0f / (float)cells;
            #pragma unroll
                for (int j = 0; j < 8; ++j) out.h[j] = C::store(mode == 1 ? acc[j] * inv : acc[j]);
                y[i] = out.u;
              }
            }

            // Overlapping windows, first pass: per value, the place of its window's first maximum in the window,
            // ky * kw + kx, or 255 for an empty window.
            template <class C>
            __device__ void pool8_argmax(const uint4* x, uint2* where, int n, int h, int w, int c, int oh, int ow,
                                         int kh, int kw, int sh, int sw, int padTop, int padLeft, int total) {
              for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += blockDim.x * gridDim.x) {
                tg_pool8 v[9];
                bool ok[9];
                tg_pool8_window(x, i, h, w, c, oh, ow, kh, kw, sh, sw, padTop, padLeft, v, ok);
                int best[8];
                float bv[8];
            #pragma unroll
                for (int j = 0; j < 8; ++j) { best[j] = 255; bv[j] = 0.0f; }
            #pragma unroll
                for (int k = 0; k < 9; ++k) {
                  if (ok[k]) {
                    int place = (k / 3) * kw + k % 3;
            #pragma unroll
                    for (int j = 0; j < 8; ++j) {
                      float f = C::load(v[k].h[j]);
                      if (best[j] == 255 || f > bv[j]) { best[j] = place; bv[j] = f; }
                    }
                  }
                }
                uint2 packed;
                packed.x = (unsigned)best[0] | ((unsigned)best[1] << 8) | ((unsigned)best[2] << 16) | ((unsigned)best[3] << 24);
                packed.y = (unsigned)best[4] | ((unsigned)best[5] << 8) | ((unsigned)best[6] << 16) | ((unsigned)best[7] << 24);
                where[i] = packed;
              }
            }

            // Second pass: one thread per eight input values adds the gradients of the windows whose maximum each
            // value is, in output order. With windows of at most 3 cells a side, at most 3x3 windows cover a cell.
            template <class C>
            __device__ void pool8_grad_gather(const uint2* where, const uint4* grad, uint4* dx, int n, int h, int w,
                                              int c, int oh, int ow, int kh, int kw, int sh, int sw, int padTop,
                                              int padLeft, int total) {
              const int groups = c >> 3;
              for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += blockDim.x * gridDim.x) {
                int g8 = i % groups;
                int r = i / groups;
                int ix = r % w; r /= w;
                int iy = r % h;
                int b = r / h;
                int py = iy + padTop, px = ix + padLeft;
                int oy0 = py < kh ? 0 : (py - kh) / sh + 1;
                int oy1 = min(oh - 1, py / sh);
                int ox0 = px < kw ? 0 : (px - kw) / sw + 1;
                int ox1 = min(ow - 1, px / sw);
                uint2 wv[9];
                tg_pool8 gv[9];
                bool ok[9];
            #pragma unroll
                for (int k = 0; k < 9; ++k) {
                  int oy = oy0 + k / 3, ox = ox0 + k % 3;
                  ok[k] = oy <= oy1 && ox <= ox1;
                  if (ok[k]) {
                    int o = ((b * oh + oy) * ow + ox) * groups + g8;
                    wv[k] = where[o];
                    gv[k].u = grad[o];
                  }
                }
                float acc[8];
            #pragma unroll
                for (int j = 0; j < 8; ++j) acc[j] = 0.0f;
            #pragma unroll
                for (int k = 0; k < 9; ++k) {
                  if (ok[k]) {
                    int place = (py - (oy0 + k / 3) * sh) * kw + (px - (ox0 + k % 3) * sw);
            #pragma unroll
                    for (int j = 0; j < 8; ++j) {
                      if (tg_where_byte(wv[k], j) == place) acc[j] += C::load(gv[k].h[j]);
                    }
                  }
                }
                tg_pool8 out;
            #pragma unroll
                for (int j = 0; j < 8; ++j) out.h[j] = C::store(acc[j]);
                dx[i] = out.u;
              }
            }
            """
            + HalfFloatCodecs.instantiate("pool8_forward", "pool8_forward", "const uint4* x, uint4* y, int mode, " + PARAMS,
                    "x, y, mode, " + ARGS, DType.BFLOAT16, DType.HALF)
            + HalfFloatCodecs.instantiate("pool8_argmax", "pool8_argmax", "const uint4* x, uint2* where, " + PARAMS,
                    "x, where, " + ARGS, DType.BFLOAT16, DType.HALF)
            + HalfFloatCodecs.instantiate("pool8_grad_gather", "pool8_grad_gather",
                    "const uint2* where, const uint4* grad, uint4* dx, " + PARAMS, "where, grad, dx, " + ARGS,
                    DType.BFLOAT16, DType.HALF));
}
