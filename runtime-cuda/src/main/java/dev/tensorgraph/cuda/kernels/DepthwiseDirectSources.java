package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.cuda.CudaSource;

/**
 * CUDA C of a depthwise convolution computed directly: one thread per output value, its window read from the
 * input and its taps from the filter, summed in float32 (16-bit values widened, the sum rounded once), then
 * optionally a bias of the output channels added and an activation ({@link ConvEpilogueSources}' codes) applied
 * before that rounding. TensorFlow's
 * filter {@code [kh, kw, c, m]} is read as it lies: output channel {@code oc = c * m + q} takes tap
 * {@code (i, j)} at {@code f[(i * kw + j) * (c * m) + oc]}. In NHWC, neighbouring threads take neighbouring output
 * channels, so a warp reads neighbouring input channels and filter taps; in NCHW they take neighbouring columns.
 * Depthwise layers move little arithmetic per value (9 products for a 3x3 window), so they are bound by memory:
 * cuDNN's grouped convolutions, one group per channel, spend several times longer on them.
 */
final class DepthwiseDirectSources {
    private DepthwiseDirectSources() {}

    private static final String GEOMETRY = "int n, int h, int w, int c, int m, int oh, int ow, int kh, int kw, "
            + "int sh, int sw, int dh, int dw, int pad_top, int pad_left";
    private static final String GEOMETRY_NAMES = "n, h, w, c, m, oh, ow, kh, kw, sh, sw, dh, dw, pad_top, pad_left";

    static final CudaSource DEPTHWISE = new CudaSource("tg_depthwise_direct", "typedef long long i64;\n"
            + HalfFloatCodecs.CODE + ConvEpilogueSources.ACTIVATE + """
            struct tg_dw_geometry {
              int n, h, w, c, m, oh, ow, kh, kw, sh, sw, dh, dw, pad_top, pad_left;
            };

            // The window of one output value in either layout: input rows row_stride values apart, columns
            // col_stride apart, taps tap_stride apart; taps outside the input count as zero.
            template <class C>
            __device__ __forceinline__ float dw_window(const typename C::S* __restrict__ xp, i64 row_stride,
                                                       int col_stride, const typename C::S* __restrict__ taps,
                                                       int tap_stride, const tg_dw_geometry& g, int y0, int x0) {
              float sum = 0.0f;
              for (int i = 0; i < g.kh; i++) {
                const int iy = y0 + i * g.dh;
                if (iy < 0 || iy >= g.h) continue;
                for (int j = 0; j < g.kw; j++) {
                  const int ix = x0 + j * g.dw;
                  if (ix < 0 || ix >= g.w) continue;
                  sum = fmaf(C::load(xp[iy * row_stride + (i64)ix * col_stride]),
                             C::load(taps[(i * g.kw + j) * tap_stride]), sum);
                }
              }
              return sum;
            }

            template <class C>
            __device__ void depthwise_nhwc(const typename C::S* __restrict__ x, const typename C::S* __restrict__ f,
                                           typename C::S* __restrict__ y,
                                           const typename C::S* __restrict__ bias, int act, int n, int h, int w,
                                           int c, int m, int oh, int ow, int kh, int kw, int sh, int sw, int dh,
                                           int dw, int pad_top, int pad_left) {
              const tg_dw_geometry g = {n, h, w, c, m, oh, ow, kh, kw, sh, sw, dh, dw, pad_top, pad_left};
              const int oc_count = g.c * g.m;
              const i64 total = (i64)g.n * g.oh * g.ow * oc_count;
              for (i64 idx = (i64)blockIdx.x * blockDim.x + threadIdx.x; idx < total;
                   idx += (i64)gridDim.x * blockDim.x) {
                const int oc = (int)(idx % oc_count);
                i64 rest = idx / oc_count;
                const int ox = (int)(rest % g.ow);
                rest /= g.ow;
                const int oy = (int)(rest % g.oh);
                const int b = (int)(rest / g.oh);
                const int ic = oc / g.m;
                const int y0 = oy * g.sh - g.pad_top;
                const int x0 = ox * g.sw - g.pad_left;
                const typename C::S* xb = x + (i64)b * g.h * g.w * g.c + ic;
                const float sum = dw_window<C>(xb, (i64)g.w * g.c, g.c, f + oc, oc_count, g, y0, x0);
                y[idx] = C::store(ce_activate(bias != nullptr ? sum + C::load(bias[oc]) : sum, act));
              }
            }

            // Four neighbouring values in one load: 16 bytes of float32, 8 of 16-bit values.
            __device__ __forceinline__ void dw_raw4(const float* p, float* o) {
              const float4 v = *reinterpret_cast<const float4*>(p);
              o[0] = v.x; o[1] = v.y; o[2] = v.z; o[3] = v.w;
            }
            __device__ __forceinline__ void dw_raw4(const unsigned short* p, unsigned short* o) {
              const ushort4 v = *reinterpret_cast<const ushort4*>(p);
              o[0] = v.x; o[1] = v.y; o[2] = v.z; o[3] = v.w;
            }
            __device__ __forceinline__ void dw_put4(float* p, const float* v) {
              float4 o;
              o.x = v[0]; o.y = v[1]; o.z = v[2]; o.w = v[3];
              *reinterpret_cast<float4*>(p) = o;
            }
            __device__ __forceinline__ void dw_put4(unsigned short* p, const unsigned short* v) {
              ushort4 o;
              o.x = v[0]; o.y = v[1]; o.z = v[2]; o.w = v[3];
              *reinterpret_cast<ushort4*>(p) = o;
            }

            // NHWC with one output channel per input channel and channels in fours: each thread computes four
            // neighbouring channels of one output pixel with 32-bit index arithmetic (the host checks the sizes).
            template <class C>
            __device__ void depthwise_nhwc4(const typename C::S* __restrict__ x, const typename C::S* __restrict__ f,
                                            typename C::S* __restrict__ y,
                                            const typename C::S* __restrict__ bias, int act, int n, int h, int w,
                                            int c, int m, int oh, int ow, int kh, int kw, int sh, int sw, int dh,
                                            int dw, int pad_top, int pad_left) {
              const int quads = c / 4;
              const int total = n * oh * ow * quads;
              for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += gridDim.x * blockDim.x) {
                const int q = idx % quads;
                int rest = idx / quads;
                const int ox = rest % ow;
                rest /= ow;
                const int oy = rest % oh;
                const int b = rest / oh;
                const int y0 = oy * sh - pad_top;
                const int x0 = ox * sw - pad_left;
                const typename C::S* xb = x + (i64)b * h * w * c + q * 4;
                const typename C::S* fq = f + q * 4;
                float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
                for (int i = 0; i < kh; i++) {
                  const int iy = y0 + i * dh;
                  if (iy < 0 || iy >= h) continue;
                  for (int j = 0; j < kw; j++) {
                    const int ix = x0 + j * dw;
                    if (ix < 0 || ix >= w) continue;
                    typename C::S xv[4], fv[4];
                    dw_raw4(xb + (i64)(iy * w + ix) * c, xv);
                    dw_raw4(fq + (i * kw + j) * c, fv);
                    for (int k = 0; k < 4; k++) acc[k] = fmaf(C::load(xv[k]), C::load(fv[k]), acc[k]);
                  }
                }
                typename C::S out[4];
                if (bias != nullptr) {
                  typename C::S bv[4];
                  dw_raw4(bias + q * 4, bv);
                  for (int k = 0; k < 4; k++) acc[k] += C::load(bv[k]);
                }
                for (int k = 0; k < 4; k++) out[k] = C::store(ce_activate(acc[k], act));
                dw_put4(y + (i64)idx * 4, out);
              }
            }

            template <class C>
            __device__ void depthwise_nchw(const typename C::S* __restrict__ x, const typename C::S* __restrict__ f,
                                           typename C::S* __restrict__ y,
                                           const typename C::S* __restrict__ bias, int act, int n, int h, int w,
                                           int c, int m, int oh, int ow, int kh, int kw, int sh, int sw, int dh,
                                           int dw, int pad_top, int pad_left) {
              const tg_dw_geometry g = {n, h, w, c, m, oh, ow, kh, kw, sh, sw, dh, dw, pad_top, pad_left};
              const int oc_count = g.c * g.m;
              const i64 total = (i64)g.n * oc_count * g.oh * g.ow;
              for (i64 idx = (i64)blockIdx.x * blockDim.x + threadIdx.x; idx < total;
                   idx += (i64)gridDim.x * blockDim.x) {
                const int ox = (int)(idx % g.ow);
                i64 rest = idx / g.ow;
                const int oy = (int)(rest % g.oh);
                rest /= g.oh;
                const int oc = (int)(rest % oc_count);
                const int b = (int)(rest / oc_count);
                const int ic = oc / g.m;
                const int y0 = oy * g.sh - g.pad_top;
                const int x0 = ox * g.sw - g.pad_left;
                const typename C::S* xp = x + ((i64)b * g.c + ic) * g.h * g.w;
                const float sum = dw_window<C>(xp, g.w, 1, f + oc, oc_count, g, y0, x0);
                y[idx] = C::store(ce_activate(bias != nullptr ? sum + C::load(bias[oc]) : sum, act));
              }
            }
            """
            + HalfFloatCodecs.instantiate("depthwise_nhwc", "depthwise_nhwc",
                    "const S* x, const S* f, S* y, const S* bias, int act, " + GEOMETRY,
                    "x, f, y, bias, act, " + GEOMETRY_NAMES, HalfFloatCodecs.FORMATS)
            + HalfFloatCodecs.instantiate("depthwise_nhwc4", "depthwise_nhwc4",
                    "const S* x, const S* f, S* y, const S* bias, int act, " + GEOMETRY,
                    "x, f, y, bias, act, " + GEOMETRY_NAMES, HalfFloatCodecs.FORMATS)
            + HalfFloatCodecs.instantiate("depthwise_nchw", "depthwise_nchw",
                    "const S* x, const S* f, S* y, const S* bias, int act, " + GEOMETRY,
                    "x, f, y, bias, act, " + GEOMETRY_NAMES, HalfFloatCodecs.FORMATS));
}
