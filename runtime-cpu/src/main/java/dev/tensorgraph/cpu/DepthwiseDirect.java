package dev.tensorgraph.cpu;

import java.util.Arrays;

/**
 * Float32 depthwise convolution in NHWC, computed a tile of output columns at a time with loops that run over
 * {@code columns * channels} contiguous floats, so that HotSpot's C2 vectorizes them. Output channel {@code k =
 * c * m + q} of a pixel is input channel {@code c} times filter entry {@code (tap, k)}; so for each tap, the
 * input pixels under the tile are copied, each channel repeated {@code m} times, into a row that starts at index
 * 0 (C2, as of Java 17, leaves loops over arrays at different variable offsets scalar) and multiplied with the
 * tap's filter row repeated over the tile's columns.
 *
 * <p>Rows of the output (forward, filter gradient) or of the input (input gradient) are split over the intra-op
 * threads; every row is computed by one thread, so the results do not depend on the thread count except for the
 * filter gradient's summation order across rows.
 */
final class DepthwiseDirect {
    /** Floats per tile row: a few rows of this size stay in the core's L1/L2 cache. */
    private static final int TILE_FLOATS = 4096;

    private DepthwiseDirect() {}

    /** Columns per tile for {@code cm} output channels. */
    private static int tileCols(int cm, int cols) {
        return Math.max(1, Math.min(cols, TILE_FLOATS / Math.max(1, cm)));
    }

    /** For each tap, its {@code cm} filter values repeated over {@code tile} columns. */
    private static float[][] repeatTaps(float[] f, int taps, int cm, int tile) {
        float[][] rep = new float[taps][tile * cm];
        for (int t = 0; t < taps; t++) {
            for (int j = 0; j < tile; j++) {
                System.arraycopy(f, t * cm, rep[t], j * cm, cm);
            }
        }
        return rep;
    }

    /**
     * Row {@code iy} of image {@code n} of {@code x} under tap column {@code kx} for output columns
     * {@code [ox0, ox0 + len)}, each channel repeated {@code m} times, into {@code xs} (zeros in the padding).
     */
    private static void gatherInput(NnGeometry g, float[] x, int n, int iy, int kx, int ox0, int len, int m, float[] xs) {
        int c = g.c();
        int cm = c * m;
        int rowBase = (n * g.h() + iy) * g.w() * c;
        int shift = kx * g.dw() - g.padLeft();
        if (m == 1 && g.sw() == 1) {
            // One contiguous run of input pixels, padding on either side.
            int lo = Math.max(0, -(ox0 + shift));
            int hi = Math.min(len, g.w() - ox0 - shift);
            if (hi <= lo) {
                Arrays.fill(xs, 0, len * c, 0f);
                return;
            }
            Arrays.fill(xs, 0, lo * c, 0f);
            System.arraycopy(x, rowBase + (ox0 + lo + shift) * c, xs, lo * c, (hi - lo) * c);
            Arrays.fill(xs, hi * c, len * c, 0f);
            return;
        }
        for (int j = 0; j < len; j++) {
            int ix = (ox0 + j) * g.sw() + shift;
            int d = j * cm;
            if (ix < 0 || ix >= g.w()) {
                Arrays.fill(xs, d, d + cm, 0f);
            } else if (m == 1) {
                System.arraycopy(x, rowBase + ix * c, xs, d, c);
            } else {
                int s = rowBase + ix * c;
                for (int ci = 0; ci < c; ci++) {
                    float v = x[s + ci];
                    for (int q = 0; q < m; q++) {
                        xs[d + ci * m + q] = v;
                    }
                }
            }
        }
    }

    /** What to do with one tap's gathered input row. */
    @FunctionalInterface
    private interface TapBody {
        void run(int tap);
    }

    /**
     * For each tap whose row lies inside the image: gathers into {@code xs} the input under it for output row
     * {@code oy} of image {@code n}, columns {@code [ox0, ox0 + len)}, and runs {@code body} with the tap's index.
     */
    private static void inputTaps(NnGeometry g, int m, float[] x, int n, int oy, int ox0, int len, float[] xs,
                                  TapBody body) {
        for (int ky = 0; ky < g.kh(); ky++) {
            int iy = oy * g.sh() + ky * g.dh() - g.padTop();
            if (iy < 0 || iy >= g.h()) {
                continue;
            }
            for (int kx = 0; kx < g.kw(); kx++) {
                gatherInput(g, x, n, iy, kx, ox0, len, m, xs);
                body.run(ky * g.kw() + kx);
            }
        }
    }

    private static void multiplyAdd(float[] acc, float[] a, float[] b, int len) {
        for (int i = 0; i < len; i++) {
            acc[i] += a[i] * b[i];
        }
    }

    /** y (NHWC, [n, oh, ow, c * m]) = the depthwise convolution of x by f ([kh, kw, c, m]). */
    static void forward(NnGeometry g, int m, float[] x, float[] f, float[] y, int threads) {
        int cm = g.c() * m;
        int tile = tileCols(cm, g.ow());
        float[][] rep = repeatTaps(f, g.kh() * g.kw(), cm, tile);
        int rows = g.n() * g.oh();
        long work = (long) rows * g.ow() * cm * g.kh() * g.kw();
        Parallel.forRange(rows, threads, work, (r0, r1) -> {
            float[] acc = new float[tile * cm];
            float[] xs = new float[tile * cm];
            for (int r = r0; r < r1; r++) {
                int n = r / g.oh();
                int oy = r - n * g.oh();
                for (int ox0 = 0; ox0 < g.ow(); ox0 += tile) {
                    int len = Math.min(tile, g.ow() - ox0);
                    int l = len * cm;
                    Arrays.fill(acc, 0, l, 0f);
                    inputTaps(g, m, x, n, oy, ox0, len, xs, tap -> multiplyAdd(acc, xs, rep[tap], l));
                    System.arraycopy(acc, 0, y, (r * g.ow() + ox0) * cm, l);
                }
            }
        });
    }

    /**
     * dx (NHWC, [n, h, w, c]) = the input gradient for dy ([n, oh, ow, c * m]): each input row gathers the
     * output pixels its taps reach.
     */
    static void backInput(NnGeometry g, int m, float[] f, float[] dy, float[] dx, int threads) {
        int c = g.c();
        int cm = c * m;
        int tile = tileCols(cm, g.w());
        float[][] rep = repeatTaps(f, g.kh() * g.kw(), cm, tile);
        int rows = g.n() * g.h();
        long work = (long) rows * g.w() * cm * g.kh() * g.kw();
        Parallel.forRange(rows, threads, work, (r0, r1) -> {
            float[] acc = new float[tile * cm];
            float[] ds = new float[tile * cm];
            for (int r = r0; r < r1; r++) {
                int n = r / g.h();
                int iy = r - n * g.h();
                for (int ix0 = 0; ix0 < g.w(); ix0 += tile) {
                    int len = Math.min(tile, g.w() - ix0);
                    int l = len * cm;
                    Arrays.fill(acc, 0, l, 0f);
                    for (int ky = 0; ky < g.kh(); ky++) {
                        int t = iy + g.padTop() - ky * g.dh();
                        if (t < 0 || t % g.sh() != 0 || t / g.sh() >= g.oh()) {
                            continue;
                        }
                        int oy = t / g.sh();
                        for (int kx = 0; kx < g.kw(); kx++) {
                            gatherOutput(g, dy, n, oy, kx, ix0, len, cm, ds);
                            multiplyAdd(acc, ds, rep[ky * g.kw() + kx], l);
                        }
                    }
                    int base = (r * g.w() + ix0) * c;
                    if (m == 1) {
                        System.arraycopy(acc, 0, dx, base, l);
                    } else {
                        for (int i = 0; i < len * c; i++) {
                            float s = 0f;
                            for (int q = 0; q < m; q++) {
                                s += acc[i * m + q];
                            }
                            dx[base + i] = s;
                        }
                    }
                }
            }
        });
    }

    /**
     * Into {@code ds}: for input columns {@code [ix0, ix0 + len)}, the output pixel of row {@code oy} that tap
     * column {@code kx} reaches from each ({@code cm} values), or zeros where none does.
     */
    private static void gatherOutput(NnGeometry g, float[] dy, int n, int oy, int kx, int ix0, int len, int cm,
                                     float[] ds) {
        int rowBase = (n * g.oh() + oy) * g.ow() * cm;
        int shift = g.padLeft() - kx * g.dw();
        if (g.sw() == 1) {
            int lo = Math.max(0, -(ix0 + shift));
            int hi = Math.min(len, g.ow() - ix0 - shift);
            if (hi <= lo) {
                Arrays.fill(ds, 0, len * cm, 0f);
                return;
            }
            Arrays.fill(ds, 0, lo * cm, 0f);
            System.arraycopy(dy, rowBase + (ix0 + lo + shift) * cm, ds, lo * cm, (hi - lo) * cm);
            Arrays.fill(ds, hi * cm, len * cm, 0f);
            return;
        }
        for (int j = 0; j < len; j++) {
            int t = ix0 + j + shift;
            int d = j * cm;
            if (t < 0 || t % g.sw() != 0 || t / g.sw() >= g.ow()) {
                Arrays.fill(ds, d, d + cm, 0f);
            } else {
                System.arraycopy(dy, rowBase + t / g.sw() * cm, ds, d, cm);
            }
        }
    }

    /** Rows of output a filter-gradient worker sums in float before adding them to its double totals. */
    private static final int FLUSH_ROWS = 16;

    /**
     * df ([kh, kw, c, m], zeroed) += the filter gradient: for each tap, the input pixels under it times dy,
     * summed per lane over a worker's rows (in float, flushed to double every few rows) and then over the lanes.
     */
    static void backFilter(NnGeometry g, int m, float[] x, float[] dy, float[] df, int threads) {
        int cm = g.c() * m;
        int taps = g.kh() * g.kw();
        int tile = tileCols(cm, g.ow());
        int rows = g.n() * g.oh();
        long work = (long) rows * g.ow() * cm * taps;
        Parallel.forRangeSum(rows, threads, work, taps * cm, df, (r0, r1, sums) -> {
            float[][] partial = new float[taps][tile * cm];
            double[] totals = new double[taps * cm];
            float[] xs = new float[tile * cm];
            float[] ds = new float[tile * cm];
            for (int r = r0; r < r1; r++) {
                int n = r / g.oh();
                int oy = r - n * g.oh();
                for (int ox0 = 0; ox0 < g.ow(); ox0 += tile) {
                    int len = Math.min(tile, g.ow() - ox0);
                    int l = len * cm;
                    System.arraycopy(dy, (r * g.ow() + ox0) * cm, ds, 0, l);
                    inputTaps(g, m, x, n, oy, ox0, len, xs, tap -> multiplyAdd(partial[tap], xs, ds, l));
                }
                if ((r - r0) % FLUSH_ROWS == FLUSH_ROWS - 1 || r == r1 - 1) {
                    flush(partial, totals, cm);
                }
            }
            for (int i = 0; i < totals.length; i++) {
                sums[i] += (float) totals[i];
            }
        });
    }

    /** Adds each tap's lanes into its {@code cm} totals and clears them. */
    private static void flush(float[][] partial, double[] totals, int cm) {
        for (int t = 0; t < partial.length; t++) {
            float[] p = partial[t];
            for (int j = 0; j < p.length; j += cm) {
                for (int k = 0; k < cm; k++) {
                    totals[t * cm + k] += p[j + k];
                }
            }
            Arrays.fill(p, 0f);
        }
    }
}
