package dev.tensorgraph.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 NHWC convolutions with few taps ({@code kh * kw * c}, a first layer over a gray or color image) and
 * output channels in whole vectors, too few for {@link VectorConv}'s blocks: the forward pass and the filter
 * gradient, with the JDK's vector API. Without the module this class must not be touched at all.
 *
 * <p>A filter {@code [kh, kw, c, o]} is {@code taps} rows of {@code o} floats, so one tap's weights for a vector
 * of output channels are one load, and an output position's vector of channels is a sum over taps of that load
 * times one input value. The forward pass computes four positions of a row at once (four accumulators, so the
 * multiply-adds do not wait on each other) over one flat loop of taps whose input offsets are worked out once:
 * C2 (Java 17) keeps vectors in registers across one loop but boxes them when they are carried through nested
 * ones. Positions whose window reaches into the padding check each tap. The filter gradient sums, per tap and
 * vector of channels, the output gradient's vectors times the tap's input values over all positions of an
 * image in one flat loop (four chains, so long that the multiply-adds never wait), reading an image copied with
 * its padding written out where the windows reach past it.
 */
final class NarrowConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** The most taps taken here; wider windows run better as patches times the filter. */
    static final int MAX_TAPS = 64;
    /** The most output channels taken here; above it {@link VectorConv} fills its blocks. */
    static final int MAX_OUT = 4 * L;

    private NarrowConv() {}

    /** Whether these kernels compute {@code g}. */
    static boolean applies(NnGeometry g) {
        return g.o() % L == 0 && g.o() <= MAX_OUT && g.kh() * g.kw() * g.c() <= MAX_TAPS && g.oh() > 0 && g.ow() > 0;
    }

    /** First output column whose tap in filter column {@code kx} lies inside the input. */
    private static int firstColumn(NnGeometry g, int kx) {
        int shift = g.padLeft() - kx * g.dw();
        return shift <= 0 ? 0 : Math.min(g.ow(), (shift + g.sw() - 1) / g.sw());
    }

    /** One past the last output column whose tap in filter column {@code kx} lies inside the input. */
    private static int endColumn(NnGeometry g, int kx) {
        int limit = g.w() - 1 + g.padLeft() - kx * g.dw();
        return limit < 0 ? 0 : Math.min(g.ow(), limit / g.sw() + 1);
    }

    /** {@code y[n, oy, ox, :] = sum over taps of x * f}; every element of y is written. */
    static void forward(NnGeometry g, float[] x, float[] f, float[] y, int threads) {
        int c = g.c();
        int taps = g.kh() * g.kw() * c;
        // Offset of each tap from the input index of its position's window corner (inside the input).
        int[] offset = new int[taps];
        int[] tapRow = new int[taps];
        int[] tapCol = new int[taps];
        for (int ky = 0, t = 0; ky < g.kh(); ky++) {
            for (int kx = 0; kx < g.kw(); kx++) {
                for (int ci = 0; ci < c; ci++, t++) {
                    offset[t] = (ky * g.dh() * g.w() + kx * g.dw()) * c + ci;
                    tapRow[t] = ky * g.dh();
                    tapCol[t] = kx * g.dw();
                }
            }
        }
        // Columns whose whole window lies inside the input horizontally.
        int inFrom = firstColumn(g, 0);
        int inTo = endColumn(g, g.kw() - 1);
        int rows = g.n() * g.oh();
        long work = (long) rows * g.ow() * taps * g.o();
        Parallel.forRange(rows, threads, work, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int n = r / g.oh();
                int oy = r % g.oh();
                int top = oy * g.sh() - g.padTop();
                boolean rowInside = top >= 0 && top + (g.kh() - 1) * g.dh() < g.h();
                int from = rowInside ? Math.min(inFrom, g.ow()) : g.ow();
                int to = rowInside ? Math.max(from, inTo) : g.ow();
                for (int j = 0; j < g.o(); j += L) {
                    for (int ox = 0; ox < from; ox++) {
                        edgePosition(g, x, f, y, n, oy, ox, j, tapRow, tapCol);
                    }
                    int ox = from;
                    for (; ox + 4 <= to; ox += 4) {
                        insideQuad(g, x, f, y, n, top, oy, ox, j, offset);
                    }
                    for (; ox < g.ow(); ox++) {
                        if (ox < to) {
                            insideOne(g, x, f, y, n, top, oy, ox, j, offset);
                        } else {
                            edgePosition(g, x, f, y, n, oy, ox, j, tapRow, tapCol);
                        }
                    }
                }
            }
        });
    }

    /** Four positions from column {@code ox}, their windows inside the input. */
    private static void insideQuad(NnGeometry g, float[] x, float[] f, float[] y, int n, int top, int oy, int ox, int j,
                                   int[] offset) {
        int c = g.c();
        int o = g.o();
        int step = g.sw() * c;
        int base = ((n * g.h() + top) * g.w() + ox * g.sw() - g.padLeft()) * c;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        for (int t = 0; t < offset.length; t++) {
            FloatVector w = FloatVector.fromArray(S, f, t * o + j);
            int at = base + offset[t];
            a0 = w.fma(FloatVector.broadcast(S, x[at]), a0);
            a1 = w.fma(FloatVector.broadcast(S, x[at + step]), a1);
            a2 = w.fma(FloatVector.broadcast(S, x[at + 2 * step]), a2);
            a3 = w.fma(FloatVector.broadcast(S, x[at + 3 * step]), a3);
        }
        int out = ((n * g.oh() + oy) * g.ow() + ox) * o + j;
        a0.intoArray(y, out);
        a1.intoArray(y, out + o);
        a2.intoArray(y, out + 2 * o);
        a3.intoArray(y, out + 3 * o);
    }

    /** One position whose window lies inside the input. */
    private static void insideOne(NnGeometry g, float[] x, float[] f, float[] y, int n, int top, int oy, int ox, int j,
                                  int[] offset) {
        int o = g.o();
        int base = ((n * g.h() + top) * g.w() + ox * g.sw() - g.padLeft()) * g.c();
        FloatVector a = FloatVector.zero(S);
        for (int t = 0; t < offset.length; t++) {
            a = FloatVector.fromArray(S, f, t * o + j).fma(FloatVector.broadcast(S, x[base + offset[t]]), a);
        }
        a.intoArray(y, ((n * g.oh() + oy) * g.ow() + ox) * o + j);
    }

    /** One position whose window reaches into the padding: taps there add nothing. */
    private static void edgePosition(NnGeometry g, float[] x, float[] f, float[] y, int n, int oy, int ox, int j,
                                     int[] tapRow, int[] tapCol) {
        int c = g.c();
        int o = g.o();
        int top = oy * g.sh() - g.padTop();
        int left = ox * g.sw() - g.padLeft();
        FloatVector a = FloatVector.zero(S);
        for (int t = 0; t < tapRow.length; t++) {
            int iy = top + tapRow[t];
            int ix = left + tapCol[t];
            if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) {
                float v = x[((n * g.h() + iy) * g.w() + ix) * c + t % c];
                a = FloatVector.fromArray(S, f, t * o + j).fma(FloatVector.broadcast(S, v), a);
            }
        }
        a.intoArray(y, ((n * g.oh() + oy) * g.ow() + ox) * o + j);
    }

    /**
     * {@code df[ky, kx, ci, :] += sum over positions of x * dy}; images are split over threads, each summing into
     * its own array, added in image order.
     */
    static void backFilter(NnGeometry g, float[] x, float[] dy, float[] df, int threads) {
        int c = g.c();
        int o = g.o();
        int taps = g.kh() * g.kw() * c;
        int positions = g.oh() * g.ow();
        // Rows and columns the windows span, padding included; an image is copied with its padding written out
        // when the windows reach past it, so that every tap of every position reads a value.
        int rows = Math.max(g.h() + g.padTop(), (g.oh() - 1) * g.sh() + (g.kh() - 1) * g.dh() + 1);
        int cols = Math.max(g.w() + g.padLeft(), (g.ow() - 1) * g.sw() + (g.kw() - 1) * g.dw() + 1);
        boolean padded = rows > g.h() || cols > g.w() || g.padTop() > 0 || g.padLeft() > 0;
        int pitch = (padded ? cols : g.w()) * c;
        int[] at = new int[positions];
        for (int oy = 0, p = 0; oy < g.oh(); oy++) {
            for (int ox = 0; ox < g.ow(); ox++, p++) {
                at[p] = oy * g.sh() * pitch + ox * g.sw() * c;
            }
        }
        int[] tapAt = new int[taps];
        for (int ky = 0, t = 0; ky < g.kh(); ky++) {
            for (int kx = 0; kx < g.kw(); kx++) {
                for (int ci = 0; ci < c; ci++, t++) {
                    tapAt[t] = ky * g.dh() * pitch + kx * g.dw() * c + ci;
                }
            }
        }
        long work = (long) g.n() * positions * taps * o;
        Parallel.forRangeSum(g.n(), threads, work, taps * o, df, (n0, n1, sums) -> {
            float[] image = padded ? new float[rows * pitch] : null;
            for (int n = n0; n < n1; n++) {
                float[] src = x;
                int base = n * g.h() * g.w() * c;
                if (padded) {
                    for (int iy = 0; iy < g.h(); iy++) {
                        System.arraycopy(x, base + iy * g.w() * c, image, (iy + g.padTop()) * pitch + g.padLeft() * c,
                                g.w() * c);
                    }
                    src = image;
                    base = 0;
                }
                int dyBase = n * positions * o;
                for (int j = 0; j < o; j += L) {
                    int t = 0;
                    for (; t + 4 <= taps; t += 4) {
                        fourTapSums(src, base, tapAt, t, at, dy, dyBase + j, o, sums, j);
                    }
                    for (; t < taps; t++) {
                        tapSum(src, base + tapAt[t], at, dy, dyBase + j, o, sums, t * o + j);
                    }
                }
            }
        });
    }

    /**
     * The sums of {@link #tapSum} for taps {@code t..t+3} at once: each output gradient vector is read once for
     * four taps instead of once a tap, which halves the loads per multiply-add (the loop was bound by loads).
     */
    private static void fourTapSums(float[] x, int xBase, int[] tapAt, int t, int[] at, float[] dy, int dyBase, int o,
                                    float[] sums, int j) {
        int x0 = xBase + tapAt[t];
        int x1 = xBase + tapAt[t + 1];
        int x2 = xBase + tapAt[t + 2];
        int x3 = xBase + tapAt[t + 3];
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        for (int p = 0; p < at.length; p++) {
            FloatVector d = FloatVector.fromArray(S, dy, dyBase + p * o);
            int q = at[p];
            a0 = d.fma(FloatVector.broadcast(S, x[x0 + q]), a0);
            a1 = d.fma(FloatVector.broadcast(S, x[x1 + q]), a1);
            a2 = d.fma(FloatVector.broadcast(S, x[x2 + q]), a2);
            a3 = d.fma(FloatVector.broadcast(S, x[x3 + q]), a3);
        }
        int to = t * o + j;
        a0.add(FloatVector.fromArray(S, sums, to)).intoArray(sums, to);
        a1.add(FloatVector.fromArray(S, sums, to + o)).intoArray(sums, to + o);
        a2.add(FloatVector.fromArray(S, sums, to + 2 * o)).intoArray(sums, to + 2 * o);
        a3.add(FloatVector.fromArray(S, sums, to + 3 * o)).intoArray(sums, to + 3 * o);
    }

    /**
     * Adds into {@code sums[to..]} the sum over positions {@code p} of the output gradient's vector at
     * {@code dyBase + p * o} times the input value at {@code xBase + at[p]}: one flat loop, four chains.
     */
    private static void tapSum(float[] x, int xBase, int[] at, float[] dy, int dyBase, int o, float[] sums, int to) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        int p = 0;
        for (; p + 4 <= at.length; p += 4) {
            int d = dyBase + p * o;
            a0 = FloatVector.fromArray(S, dy, d).fma(FloatVector.broadcast(S, x[xBase + at[p]]), a0);
            a1 = FloatVector.fromArray(S, dy, d + o).fma(FloatVector.broadcast(S, x[xBase + at[p + 1]]), a1);
            a2 = FloatVector.fromArray(S, dy, d + 2 * o).fma(FloatVector.broadcast(S, x[xBase + at[p + 2]]), a2);
            a3 = FloatVector.fromArray(S, dy, d + 3 * o).fma(FloatVector.broadcast(S, x[xBase + at[p + 3]]), a3);
        }
        for (; p < at.length; p++) {
            a0 = FloatVector.fromArray(S, dy, dyBase + p * o).fma(FloatVector.broadcast(S, x[xBase + at[p]]), a0);
        }
        a0.add(a1).add(a2.add(a3)).add(FloatVector.fromArray(S, sums, to)).intoArray(sums, to);
    }
}
