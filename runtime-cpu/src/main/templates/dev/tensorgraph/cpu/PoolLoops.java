package dev.tensorgraph.cpu;

/**
 * The reference loops of the pooling kernels over NHWC windows, one copy per floating dtype (see
 * {@link PoolKernels}, which also has fast paths for 2x2 windows). Padded cells never win a max and are not
 * counted in an average; the max gradient goes to the first maximum of a window in row-major order.
 */
final class PoolLoops {
    static final int MAX = 0;
    static final int AVG = 1;

    private PoolLoops() {}
//# for float double

    /** Output rows {@code [r0, r1)} (a row is one (n, oy)). */
    static void forwardRows(NnGeometry g, ${T}[] x, ${T}[] y, int r0, int r1, int mode) {
        int c = g.c();
        for (int r = r0; r < r1; r++) {
            int n = r / g.oh();
            int oy = r - n * g.oh();
            int ys = oy * g.sh() - g.padTop();
            int ye = Math.min(g.h(), ys + g.kh());
            ys = Math.max(0, ys);
            for (int ox = 0; ox < g.ow(); ox++) {
                int xs = ox * g.sw() - g.padLeft();
                int xe = Math.min(g.w(), xs + g.kw());
                xs = Math.max(0, xs);
                int o = ((n * g.oh() + oy) * g.ow() + ox) * c;
                ${T} init = mode == MAX ? ${Boxed}.NEGATIVE_INFINITY : 0;
                for (int ch = 0; ch < c; ch++) {
                    y[o + ch] = init;
                }
                for (int iy = ys; iy < ye; iy++) {
                    for (int ix = xs; ix < xe; ix++) {
                        int xo = ((n * g.h() + iy) * g.w() + ix) * c;
                        if (mode == MAX) {
                            for (int ch = 0; ch < c; ch++) {
                                ${T} v = x[xo + ch];
                                y[o + ch] = v > y[o + ch] ? v : y[o + ch];
                            }
                        } else {
                            for (int ch = 0; ch < c; ch++) {
                                y[o + ch] += x[xo + ch];
                            }
                        }
                    }
                }
                if (mode == AVG) {
//# if float
                    float inv = 1f / ((ye - ys) * (xe - xs));
                    for (int ch = 0; ch < c; ch++) {
                        y[o + ch] *= inv;
                    }
//# else
                    double cnt = (ye - ys) * (xe - xs);
                    for (int ch = 0; ch < c; ch++) {
                        y[o + ch] /= cnt;
                    }
//# end
                }
            }
        }
    }

    /**
     * MaxPoolGrad (images {@code [n0, n1)}): adds each grad element to its window's argmax in {@code out}; with
     * {@code gradGrad}, MaxPoolGradGrad: gathers grad (of the input's shape) at each argmax.
     */
    static void maxGradImages(NnGeometry g, ${T}[] x, ${T}[] gr, ${T}[] out, int n0, int n1, boolean gradGrad) {
        int c = g.c();
        for (int n = n0; n < n1; n++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                int ys = oy * g.sh() - g.padTop();
                int ye = Math.min(g.h(), ys + g.kh());
                ys = Math.max(0, ys);
                for (int ox = 0; ox < g.ow(); ox++) {
                    int xs = ox * g.sw() - g.padLeft();
                    int xe = Math.min(g.w(), xs + g.kw());
                    xs = Math.max(0, xs);
                    int o = ((n * g.oh() + oy) * g.ow() + ox) * c;
                    for (int ch = 0; ch < c; ch++) {
                        int best = -1;
                        ${T} bv = 0;
                        for (int iy = ys; iy < ye; iy++) {
                            for (int ix = xs; ix < xe; ix++) {
                                int xi = ((n * g.h() + iy) * g.w() + ix) * c + ch;
                                ${T} v = x[xi];
                                if (best < 0 || v > bv) {
                                    best = xi;
                                    bv = v;
                                }
                            }
                        }
                        if (gradGrad) {
                            out[o + ch] = gr[best];
                        } else {
                            out[best] += gr[o + ch];
                        }
                    }
                }
            }
        }
    }

    /** AvgPoolGrad (images {@code [n0, n1)}): adds each grad element, over its window's size, into the window. */
    static void avgGradImages(NnGeometry g, ${T}[] gr, ${T}[] out, int n0, int n1) {
        int c = g.c();
        for (int n = n0; n < n1; n++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                int ys = oy * g.sh() - g.padTop();
                int ye = Math.min(g.h(), ys + g.kh());
                ys = Math.max(0, ys);
                for (int ox = 0; ox < g.ow(); ox++) {
                    int xs = ox * g.sw() - g.padLeft();
                    int xe = Math.min(g.w(), xs + g.kw());
                    xs = Math.max(0, xs);
                    int o = ((n * g.oh() + oy) * g.ow() + ox) * c;
                    int cnt = (ye - ys) * (xe - xs);
//# if float
                    float inv = 1f / cnt;
//# end
                    for (int iy = ys; iy < ye; iy++) {
                        for (int ix = xs; ix < xe; ix++) {
                            int xo = ((n * g.h() + iy) * g.w() + ix) * c;
                            for (int ch = 0; ch < c; ch++) {
//# if float
                                out[xo + ch] += gr[o + ch] * inv;
//# else
                                out[xo + ch] += gr[o + ch] / cnt;
//# end
                            }
                        }
                    }
                }
            }
        }
    }
//# end
}
