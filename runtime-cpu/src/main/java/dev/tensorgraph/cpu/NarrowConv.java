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
 * vector of channels, the output gradient's vectors times the tap's input values along each output row, over
 * the columns where the tap falls inside the input (so it never checks a position), and adds each row's sum
 * into the tap's row of the gradient.
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

    /** Input row of output row {@code oy} for filter row {@code ky}, or -1 in the padding. */
    private static int inputRow(NnGeometry g, int oy, int ky) {
        int iy = oy * g.sh() + ky * g.dh() - g.padTop();
        return iy >= 0 && iy < g.h() ? iy : -1;
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
        long work = (long) g.n() * g.oh() * g.ow() * taps * o;
        Parallel.forRangeSum(g.n(), threads, work, taps * o, df, (n0, n1, sums) -> {
            for (int n = n0; n < n1; n++) {
                for (int ky = 0; ky < g.kh(); ky++) {
                    for (int kx = 0; kx < g.kw(); kx++) {
                        int from = firstColumn(g, kx);
                        int to = endColumn(g, kx);
                        for (int oy = 0; oy < g.oh() && from < to; oy++) {
                            int iy = inputRow(g, oy, ky);
                            if (iy < 0) {
                                continue;
                            }
                            int xRow = ((n * g.h() + iy) * g.w() + kx * g.dw() - g.padLeft()) * c;
                            int dyRow = (n * g.oh() + oy) * g.ow() * o;
                            for (int ci = 0; ci < c; ci++) {
                                int t = (ky * g.kw() + kx) * c + ci;
                                for (int j = 0; j < o; j += L) {
                                    rowSum(g, x, xRow + ci, dy, dyRow + j, from, to, sums, t * o + j);
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /**
     * Adds into {@code sums[at..]} the sum over columns {@code [from, to)} of the output gradient's vector at
     * {@code dyRow + ox * o} times the input value at {@code xRow + ox * sw * c}.
     */
    private static void rowSum(NnGeometry g, float[] x, int xRow, float[] dy, int dyRow, int from, int to, float[] sums,
                               int at) {
        int o = g.o();
        int step = g.sw() * g.c();
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        int ox = from;
        for (; ox + 4 <= to; ox += 4) {
            int xi = xRow + ox * step;
            int di = dyRow + ox * o;
            a0 = FloatVector.fromArray(S, dy, di).fma(FloatVector.broadcast(S, x[xi]), a0);
            a1 = FloatVector.fromArray(S, dy, di + o).fma(FloatVector.broadcast(S, x[xi + step]), a1);
            a2 = FloatVector.fromArray(S, dy, di + 2 * o).fma(FloatVector.broadcast(S, x[xi + 2 * step]), a2);
            a3 = FloatVector.fromArray(S, dy, di + 3 * o).fma(FloatVector.broadcast(S, x[xi + 3 * step]), a3);
        }
        for (; ox < to; ox++) {
            a0 = FloatVector.fromArray(S, dy, dyRow + ox * o).fma(FloatVector.broadcast(S, x[xRow + ox * step]), a0);
        }
        a0.add(a1).add(a2.add(a3)).add(FloatVector.fromArray(S, sums, at)).intoArray(sums, at);
    }
}
