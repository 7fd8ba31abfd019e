package dev.tensorgraph.cpu;

import java.util.Arrays;

/**
 * Stride-1 float32 convolutions with few taps (a small {@code kh * kw * c}, as in a first layer over a
 * gray or color image), where a patch matrix times the filter would be a product with a tiny inner
 * dimension that neither BLAS nor the JIT runs well.
 *
 * <p>Each image is copied once into channel planes with the padding written out, each plane rows of
 * {@code pitch} floats. Output position {@code (oy, ox)} then reads tap {@code (ky, kx)} at flat index
 * {@code oy * pitch + ox + ky * dh * pitch + kx * dw}: every tap is one shifted stream over the plane.
 * Positions with {@code ox >= ow} are computed too and dropped (at most {@code pitch - ow} per row).
 *
 * <p>The streams are copied, a tile of positions at a time, into arrays of their own that start at index
 * 0, and the multiply-adds run over such arrays with one shared index: HotSpot's C2 (as of Java 17) leaves
 * a loop scalar when its arrays are indexed at different variable offsets, since they might be one array.
 */
final class ConvDirect {
    /** The largest {@code kh * kw * c} taken here; above it patches times the filter runs better. */
    static final int MAX_TAPS = 64;
    /** The most output channels taken here. */
    static final int MAX_OUT = 64;

    private ConvDirect() {}

    /** Whether the direct kernels handle this convolution. */
    static boolean applies(NnGeometry g) {
        return g.sh() == 1 && g.sw() == 1 && g.kh() * g.kw() * g.c() <= MAX_TAPS && g.o() <= MAX_OUT
                && g.oh() > 0 && g.ow() > 0;
    }

    /** Row length of the padded planes: wide enough for the last output column's last tap. */
    private static int pitch(NnGeometry g) {
        return Math.max(g.padLeft() + g.w(), g.ow() + (g.kw() - 1) * g.dw());
    }

    private static int planeRows(NnGeometry g) {
        return Math.max(g.padTop() + g.h(), g.oh() + (g.kh() - 1) * g.dh());
    }

    /** Flat positions an output plane spans, from (0, 0) to (oh - 1, ow - 1). */
    private static int span(NnGeometry g, int pitch) {
        return (g.oh() - 1) * pitch + g.ow();
    }

    /** Copies image {@code n} of NHWC {@code x} into zero-padded channel planes of {@code planes}. */
    private static void toPlanes(NnGeometry g, float[] x, int n, float[] planes, int pitch, int planeSize) {
        Arrays.fill(planes, 0, g.c() * planeSize, 0f);
        int c = g.c();
        for (int iy = 0; iy < g.h(); iy++) {
            int src = (n * g.h() + iy) * g.w() * c;
            int rowStart = (iy + g.padTop()) * pitch + g.padLeft();
            if (c == 1) {
                System.arraycopy(x, src, planes, rowStart, g.w());
                continue;
            }
            for (int ix = 0; ix < g.w(); ix++) {
                int s = src + ix * c;
                int d = rowStart + ix;
                for (int ci = 0; ci < c; ci++) {
                    planes[ci * planeSize + d] = x[s + ci];
                }
            }
        }
    }

    /** Positions per tile: the tap and channel rows of a tile stay in the core's cache. */
    private static final int TILE = 1024;
    /** Above this many (tap, output channel) pairs the filter gradient sums dot products directly. */
    private static final int MAX_PARTIAL_ROWS = 1024;

    /**
     * The stream layout of a convolution, the same for every image: plane rows of {@code pitch} floats,
     * {@code span} flat positions cut into tiles, and each tile's NHWC pixel offsets ({@link #pixelOffsets}).
     */
    private record Streams(int pitch, int planeSize, int span, int taps, int tile, int[][] offsets, long work) {
        static Streams of(NnGeometry g) {
            int pitch = ConvDirect.pitch(g);
            int span = ConvDirect.span(g, pitch);
            int taps = g.kh() * g.kw() * g.c();
            int tile = Math.min(TILE, span);
            return new Streams(pitch, planeRows(g) * pitch, span, taps, tile, tileOffsets(g, span, tile, pitch),
                    (long) g.n() * g.o() * taps * span);
        }
    }

    /** y (NHWC) = conv(x, f) for images split over {@code threads}. */
    static void forward(NnGeometry g, float[] x, float[] f, float[] y, int threads) {
        Streams st = Streams.of(g);
        int taps = st.taps();
        int o = g.o();
        Parallel.forRange(g.n(), threads, st.work(), (n0, n1) -> {
            float[] planes = new float[g.c() * st.planeSize()];
            float[][] tapRows = new float[taps][st.tile()];
            float[][] acc = new float[o][st.tile()];
            for (int n = n0; n < n1; n++) {
                toPlanes(g, x, n, planes, st.pitch(), st.planeSize());
                for (int ti = 0; ti < st.offsets().length; ti++) {
                    int len = st.offsets()[ti].length;
                    copyTaps(g, planes, st.planeSize(), st.pitch(), ti * st.tile(), len, tapRows);
                    for (int q = 0; q < o; q++) {
                        float[] a = acc[q];
                        Arrays.fill(a, 0, len, 0f);
                        int t = 0;
                        for (; t + 2 < taps; t += 3) {
                            multiplyAdd3(a, tapRows[t], tapRows[t + 1], tapRows[t + 2],
                                    f[t * o + q], f[(t + 1) * o + q], f[(t + 2) * o + q], len);
                        }
                        for (; t < taps; t++) {
                            multiplyAdd1(a, tapRows[t], f[t * o + q], len);
                        }
                    }
                    scatterNhwc(g, acc, st.offsets()[ti], len, y, n);
                }
            }
        });
    }

    /**
     * Row {@code t} of {@code tapRows} = positions {@code [p0, p0 + len)} of tap {@code t}'s stream, taps
     * in the filter's {@code (ky, kx, c)} order.
     */
    private static void copyTaps(NnGeometry g, float[] planes, int planeSize, int pitch, int p0, int len, float[][] tapRows) {
        int t = 0;
        for (int ky = 0; ky < g.kh(); ky++) {
            for (int kx = 0; kx < g.kw(); kx++) {
                int shift = ky * g.dh() * pitch + kx * g.dw() + p0;
                for (int ci = 0; ci < g.c(); ci++) {
                    System.arraycopy(planes, ci * planeSize + shift, tapRows[t++], 0, len);
                }
            }
        }
    }

    private static void multiplyAdd3(float[] acc, float[] s0, float[] s1, float[] s2, float w0, float w1, float w2, int len) {
        for (int i = 0; i < len; i++) {
            acc[i] += w0 * s0[i] + w1 * s1[i] + w2 * s2[i];
        }
    }

    private static void multiplyAdd1(float[] acc, float[] s0, float w0, int len) {
        for (int i = 0; i < len; i++) {
            acc[i] += w0 * s0[i];
        }
    }

    /** {@link #pixelOffsets} of every tile of {@code span} positions. */
    private static int[][] tileOffsets(NnGeometry g, int span, int tile, int pitch) {
        int[][] at = new int[(span + tile - 1) / tile][];
        for (int t = 0; t < at.length; t++) {
            at[t] = pixelOffsets(g, t * tile, Math.min(tile, span - t * tile), pitch);
        }
        return at;
    }

    /**
     * For positions {@code [p0, p0 + len)}: the offset of each kept position's pixel within an NHWC image
     * of the output (in units of channels-rows, times {@code o}), or -1 for a dropped column. The same for
     * every image, so computed once per tile rather than per image and element.
     */
    private static int[] pixelOffsets(NnGeometry g, int p0, int len, int pitch) {
        int[] at = new int[len];
        for (int i = 0; i < len; i++) {
            int pos = p0 + i;
            int oy = pos / pitch;
            int ox = pos - oy * pitch;
            at[i] = ox < g.ow() ? (oy * g.ow() + ox) * g.o() : -1;
        }
        return at;
    }

    /** Writes the kept positions of the channel rows into image {@code n} of NHWC y, one channel at a time. */
    private static void scatterNhwc(NnGeometry g, float[][] acc, int[] at, int len, float[] y, int n) {
        int o = g.o();
        int imageBase = n * g.oh() * g.ow() * o;
        for (int q = 0; q < o; q++) {
            float[] a = acc[q];
            int base = imageBase + q;
            for (int i = 0; i < len; i++) {
                int d = at[i];
                if (d >= 0) {
                    y[base + d] = a[i];
                }
            }
        }
    }

    /**
     * df[kh, kw, c, o] (zeroed) += the filter gradient: for each tap and output channel, the dot product of
     * the tap's stream with the output channel's gradient (zero at dropped positions). Images are split
     * over {@code threads}; each thread keeps elementwise partial products per pair and sums them at the end,
     * since C2 does not vectorize a float dot product (its additions must stay in order).
     */
    static void backFilter(NnGeometry g, float[] x, float[] dy, float[] df, int threads) {
        Streams st = Streams.of(g);
        int taps = st.taps();
        int o = g.o();
        boolean partials = taps * o <= MAX_PARTIAL_ROWS;
        Parallel.forRangeSum(g.n(), threads, st.work(), taps * o, df, (n0, n1, sums) -> {
            float[] planes = new float[g.c() * st.planeSize()];
            float[][] tapRows = new float[taps][st.tile()];
            float[][] grad = new float[o][st.tile()];
            float[][] partial = partials ? new float[taps * o][st.tile()] : null;
            for (int n = n0; n < n1; n++) {
                toPlanes(g, x, n, planes, st.pitch(), st.planeSize());
                for (int ti = 0; ti < st.offsets().length; ti++) {
                    int len = st.offsets()[ti].length;
                    copyTaps(g, planes, st.planeSize(), st.pitch(), ti * st.tile(), len, tapRows);
                    gatherNhwc(g, dy, n, st.offsets()[ti], len, grad);
                    for (int t = 0; t < taps; t++) {
                        for (int q = 0; q < o; q++) {
                            if (partials) {
                                multiplyInto(partial[t * o + q], tapRows[t], grad[q], len);
                            } else {
                                sums[t * o + q] += dot(tapRows[t], grad[q], len);
                            }
                        }
                    }
                }
            }
            if (partials) {
                for (int r = 0; r < sums.length; r++) {
                    sums[r] += sum(partial[r]);
                }
            }
        });
    }

    /** Rows {@code q} of {@code grad} = output channel q of image n of NHWC dy at the tile's positions, 0 where dropped. */
    private static void gatherNhwc(NnGeometry g, float[] dy, int n, int[] at, int len, float[][] grad) {
        int o = g.o();
        int imageBase = n * g.oh() * g.ow() * o;
        for (int q = 0; q < o; q++) {
            float[] r = grad[q];
            int base = imageBase + q;
            for (int i = 0; i < len; i++) {
                int d = at[i];
                r[i] = d >= 0 ? dy[base + d] : 0f;
            }
        }
    }

    private static void multiplyInto(float[] acc, float[] a, float[] b, int len) {
        for (int i = 0; i < len; i++) {
            acc[i] += a[i] * b[i];
        }
    }

    /** Sum of a[i] * b[i]; four partial sums so the additions do not wait on each other. */
    private static float dot(float[] a, float[] b, int len) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int i = 0;
        for (; i + 3 < len; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < len; i++) {
            s0 += a[i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static float sum(float[] a) {
        float s0 = 0f;
        float s1 = 0f;
        int i = 0;
        for (; i + 1 < a.length; i += 2) {
            s0 += a[i];
            s1 += a[i + 1];
        }
        return i < a.length ? s0 + s1 + a[i] : s0 + s1;
    }
}
