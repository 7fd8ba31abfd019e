package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.cuda.CudaSource;

/**
 * Max and average pooling and their gradients over NHWC or NCHW float32 (pooling, the max-pool argmax and the
 * gathering max-pool gradient also over bfloat16 and float16, computed in float32 and rounded once), with TensorFlow's rules as the CPU
 * kernels apply them: padded cells never win a max and are not counted in an average, a NaN never wins a
 * max, and a max gradient goes to the first maximum of its window in row-major order. Sums run in the CPU
 * kernel's order, so results match it bit for bit, except overlapping max-pool gradients, which add
 * atomically unless {@code -Dtensorgraph.cuda.maxPoolGrad=gather} chooses the ordered variant.
 */
final class PoolSources {
    private PoolSources() {}

    /** The geometry parameters of the templated kernels, and their names as passed on. */
    private static final String PARAMS = "TG_POOL_PARAMS, i64 total";
    private static final String ARGS = "nchw, n, h, w, c, oh, ow, kh, kw, sh, sw, padTop, padLeft, total";

    static final CudaSource POOL = new CudaSource("pool", "typedef long long i64;\n" + HalfFloatCodecs.CODE + """

            struct Geometry {
              int nchw, n, h, w, c, oh, ow, kh, kw, sh, sw, padTop, padLeft;
            };

            // Kernel arguments are scalars (a per-run device struct would break replay), gathered here.
            #define TG_POOL_PARAMS int nchw, int n, int h, int w, int c, int oh, int ow, int kh, int kw, \
                                   int sh, int sw, int padTop, int padLeft
            #define TG_POOL_GEOMETRY Geometry g = {nchw, n, h, w, c, oh, ow, kh, kw, sh, sw, padTop, padLeft}

            // Index arithmetic is 32-bit where every index fits (I = int), else 64-bit (I = i64): a 64-bit division
            // costs several times a 32-bit one, and dividing each element's index into its coordinates dominated
            // these memory-bound kernels (AlexNet's first 16-bit max-pool gradient took ~0.4 ms on an H100).
            __device__ __forceinline__ bool tg_pool_fits32(const Geometry& g, i64 total) {
              return total <= 0x7fffffff && (i64)g.n * g.h * g.w * g.c <= 0x7fffffff
                  && (i64)g.n * g.oh * g.ow * g.c <= 0x7fffffff;
            }

            template <class I>
            __device__ __forceinline__ I tg_pool_index(const Geometry& g, I b, I y, I x, I ch, int height, int width) {
              return g.nchw ? ((b * g.c + ch) * height + y) * width + x
                            : ((b * height + y) * width + x) * g.c + ch;
            }

            // (b, y, x, ch) of flat index i of a tensor of spatial size height x width in the layout.
            template <class I>
            __device__ __forceinline__ void tg_pool_coords(const Geometry& g, I i, int height, int width,
                                                           I* b, I* y, I* x, I* ch) {
              if (g.nchw) {
                *x = i % width; i /= width;
                *y = i % height; i /= height;
                *ch = i % g.c; *b = i / g.c;
              } else {
                *ch = i % g.c; i /= g.c;
                *x = i % width; i /= width;
                *y = i % height; *b = i / height;
              }
            }

            // Flat index of the first maximum of output window (b, oy, ox, ch), or -1 for an empty window.
            template <class I>
            __device__ __forceinline__ I tg_pool_argmax(const Geometry& g, const float* x, I b, I oy, I ox, I ch) {
              int ys = (int)oy * g.sh - g.padTop;
              int ye = min(g.h, ys + g.kh);
              ys = max(0, ys);
              int xs = (int)ox * g.sw - g.padLeft;
              int xe = min(g.w, xs + g.kw);
              xs = max(0, xs);
              I best = -1;
              float bv = 0.0f;
              for (int iy = ys; iy < ye; ++iy) {
                for (int ix = xs; ix < xe; ++ix) {
                  I xi = tg_pool_index<I>(g, b, iy, ix, ch, g.h, g.w);
                  float v = x[xi];
                  if (best < 0 || v > bv) { best = xi; bv = v; }
                }
              }
              return best;
            }

            // mode 0: max, 1: average. One thread per output element.
            template <class C, class I>
            __device__ void pool_forward_in(const typename C::S* x, typename C::S* y, int mode, const Geometry& g,
                                            i64 total) {
              for (i64 i = blockIdx.x * (i64)blockDim.x + threadIdx.x; i < total; i += (i64)blockDim.x * gridDim.x) {
                I b, oy, ox, ch;
                tg_pool_coords<I>(g, (I)i, g.oh, g.ow, &b, &oy, &ox, &ch);
                int ys = (int)oy * g.sh - g.padTop;
                int ye = min(g.h, ys + g.kh);
                ys = max(0, ys);
                int xs = (int)ox * g.sw - g.padLeft;
                int xe = min(g.w, xs + g.kw);
                xs = max(0, xs);
                float acc = mode == 0 ? __int_as_float(0xff800000) : 0.0f;
                for (int iy = ys; iy < ye; ++iy) {
                  for (int ix = xs; ix < xe; ++ix) {
                    float v = C::load(x[tg_pool_index<I>(g, b, iy, ix, ch, g.h, g.w)]);
                    if (mode == 0) {
                      acc = v > acc ? v : acc;
                    } else {
                      acc += v;
                    }
                  }
                }
                if (mode == 1) {
                  float inv = 1.0f / (float)((ye - ys) * (xe - xs));
                  acc *= inv;
                }
                y[i] = C::store(acc);
              }
            }

            template <class C>
            __device__ void pool_forward(const typename C::S* x, typename C::S* y, int mode, TG_POOL_PARAMS, i64 total) {
              TG_POOL_GEOMETRY;
              if (tg_pool_fits32(g, total)) {
                pool_forward_in<C, int>(x, y, mode, g, total);
              } else {
                pool_forward_in<C, i64>(x, y, mode, g, total);
              }
            }

            // dx must be zeroed first. Where windows do not overlap each input cell has one writer and a plain
            // add is exact and deterministic; overlapping windows add atomically, in no fixed order.
            template <class I>
            __device__ void max_pool_grad_in(const float* x, const float* grad, float* dx, int overlap,
                                             const Geometry& g, i64 total) {
              for (i64 i = blockIdx.x * (i64)blockDim.x + threadIdx.x; i < total; i += (i64)blockDim.x * gridDim.x) {
                I b, oy, ox, ch;
                tg_pool_coords<I>(g, (I)i, g.oh, g.ow, &b, &oy, &ox, &ch);
                I best = tg_pool_argmax<I>(g, x, b, oy, ox, ch);
                if (best >= 0) {
                  if (overlap) {
                    atomicAdd(dx + best, grad[i]);
                  } else {
                    dx[best] += grad[i];
                  }
                }
              }
            }

            extern "C" __global__ void max_pool_grad_f32(const float* x, const float* grad, float* dx, int overlap,
                                                         TG_POOL_PARAMS, i64 total) {
              TG_POOL_GEOMETRY;
              if (tg_pool_fits32(g, total)) {
                max_pool_grad_in<int>(x, grad, dx, overlap, g, total);
              } else {
                max_pool_grad_in<i64>(x, grad, dx, overlap, g, total);
              }
            }

            // Overlapping windows, first pass: the position of each window's first maximum within the window,
            // (y - window top) * kw + (x - window left), or -1 for an empty window.
            template <class C, class I>
            __device__ void max_pool_argmax_in(const typename C::S* x, int* where, const Geometry& g, i64 total) {
              for (i64 i = blockIdx.x * (i64)blockDim.x + threadIdx.x; i < total; i += (i64)blockDim.x * gridDim.x) {
                I b, oy, ox, ch;
                tg_pool_coords<I>(g, (I)i, g.oh, g.ow, &b, &oy, &ox, &ch);
                int top = (int)oy * g.sh - g.padTop;
                int left = (int)ox * g.sw - g.padLeft;
                int ys = max(0, top);
                int ye = min(g.h, top + g.kh);
                int xs = max(0, left);
                int xe = min(g.w, left + g.kw);
                int best = -1;
                float bv = 0.0f;
                for (int iy = ys; iy < ye; ++iy) {
                  for (int ix = xs; ix < xe; ++ix) {
                    float v = C::load(x[tg_pool_index<I>(g, b, iy, ix, ch, g.h, g.w)]);
                    if (best < 0 || v > bv) { best = (iy - top) * g.kw + (ix - left); bv = v; }
                  }
                }
                where[i] = best;
              }
            }

            template <class C>
            __device__ void max_pool_argmax(const typename C::S* x, int* where, TG_POOL_PARAMS, i64 total) {
              TG_POOL_GEOMETRY;
              if (tg_pool_fits32(g, total)) {
                max_pool_argmax_in<C, int>(x, where, g, total);
              } else {
                max_pool_argmax_in<C, i64>(x, where, g, total);
              }
            }

            // Overlapping windows, second pass: one thread per input cell adds the gradients of the windows
            // whose maximum it is, in output order as the CPU does, so the sums match it bit for bit and no
            // atomic additions (nor a zeroed dx) are needed. 32-bit index arithmetic (the host checks the
            // sizes): 64-bit divisions per input cell would cost more than the atomics saved.
            template <class C>
            __device__ void max_pool_grad_gather(const int* where, const typename C::S* grad, typename C::S* dx,
                                                 TG_POOL_PARAMS, i64 total) {
              const int cells = (int)total;
              for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < cells; i += blockDim.x * gridDim.x) {
                int r = i;
                int b, iy, ix, ch;
                if (nchw) {
                  ix = r % w; r /= w; iy = r % h; r /= h; ch = r % c; b = r / c;
                } else {
                  ch = r % c; r /= c; ix = r % w; r /= w; iy = r % h; b = r / h;
                }
                int py = iy + padTop;
                int px = ix + padLeft;
                int oy0 = py < kh ? 0 : (py - kh) / sh + 1;
                int oy1 = min(oh - 1, py / sh);
                int ox0 = px < kw ? 0 : (px - kw) / sw + 1;
                int ox1 = min(ow - 1, px / sw);
                float acc = 0.0f;
                for (int oy = oy0; oy <= oy1; ++oy) {
                  for (int ox = ox0; ox <= ox1; ++ox) {
                    int o = nchw ? ((b * c + ch) * oh + oy) * ow + ox : ((b * oh + oy) * ow + ox) * c + ch;
                    if (where[o] == (py - oy * sh) * kw + (px - ox * sw)) {
                      acc += C::load(grad[o]);
                    }
                  }
                }
                dx[i] = C::store(acc);
              }
            }

            // One thread per input cell, gathering from the windows that cover it in output order.
            template <class I>
            __device__ void avg_pool_grad_in(const float* grad, float* dx, const Geometry& g, i64 total) {
              for (i64 i = blockIdx.x * (i64)blockDim.x + threadIdx.x; i < total; i += (i64)blockDim.x * gridDim.x) {
                I b, iy, ix, ch;
                tg_pool_coords<I>(g, (I)i, g.h, g.w, &b, &iy, &ix, &ch);
                // Window oy covers rows [oy*sh - padTop, oy*sh - padTop + kh).
                int py = (int)iy + g.padTop;
                int px = (int)ix + g.padLeft;
                int oy0 = py < g.kh ? 0 : (py - g.kh) / g.sh + 1;
                int oy1 = min(g.oh - 1, py / g.sh);
                int ox0 = px < g.kw ? 0 : (px - g.kw) / g.sw + 1;
                int ox1 = min(g.ow - 1, px / g.sw);
                float acc = 0.0f;
                for (int oy = oy0; oy <= oy1; ++oy) {
                  int ys = oy * g.sh - g.padTop;
                  int ye = min(g.h, ys + g.kh);
                  ys = max(0, ys);
                  for (int ox = ox0; ox <= ox1; ++ox) {
                    int xs = ox * g.sw - g.padLeft;
                    int xe = min(g.w, xs + g.kw);
                    xs = max(0, xs);
                    float inv = 1.0f / (float)((ye - ys) * (xe - xs));
                    // No fused multiply-add: the CPU rounds the product first.
                    acc += __fmul_rn(grad[tg_pool_index<I>(g, b, (I)oy, (I)ox, ch, g.oh, g.ow)], inv);
                  }
                }
                dx[i] = acc;
              }
            }

            extern "C" __global__ void avg_pool_grad_f32(const float* grad, float* dx, TG_POOL_PARAMS, i64 total) {
              TG_POOL_GEOMETRY;
              if (tg_pool_fits32(g, total)) {
                avg_pool_grad_in<int>(grad, dx, g, total);
              } else {
                avg_pool_grad_in<i64>(grad, dx, g, total);
              }
            }
            """
            + HalfFloatCodecs.instantiate("pool_forward", "pool_forward", "const S* x, S* y, int mode, " + PARAMS,
                    "x, y, mode, " + ARGS, HalfFloatCodecs.FORMATS)
            + HalfFloatCodecs.instantiate("max_pool_argmax", "max_pool_argmax", "const S* x, int* where, " + PARAMS,
                    "x, where, " + ARGS, HalfFloatCodecs.FORMATS)
            + HalfFloatCodecs.instantiate("max_pool_grad_gather", "max_pool_grad_gather",
                    "const int* where, const S* grad, S* dx, " + PARAMS, "where, grad, dx, " + ARGS,
                    HalfFloatCodecs.FORMATS));
}
