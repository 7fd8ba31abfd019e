package dev.tensorgraph.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 NHWC convolutions with the JDK's vector API, read straight from the input without a patch matrix.
 * Used instead of {@link Im2Col} and a matrix product where the JVM has the vector API (see
 * {@link Gemm#vectorApiAvailable()}); without the module this class must not be touched at all.
 *
 * <p>In NHWC, the {@code kw} taps of one filter row over all {@code c} channels are {@code kw * c}
 * consecutive floats of the (padded) input, and the filter stores its rows in the same order. So an output
 * position's dot product with the filter walks {@code kh} runs of {@code kw * c} floats, a fixed jump apart,
 * and the filter's rows in order. The micro-kernel computes {@link #MR} output positions by {@link #NR}
 * output channels ({@link #NV} vectors) with sixteen vector accumulators: per step it loads the NV filter
 * vectors of one filter row and broadcasts one input value per position. The filter is copied once into
 * blocks of NR channels ({@link #pack}), which the kernel reads in order; callers keep the copy of a constant
 * filter. Padding is written out into a copy of the input ({@link Padded}) when the window reaches past it.
 *
 * <p>The accumulation runs as one flat loop over {@code kh * kw * c} steps that jumps to the next filter
 * row when a run ends: C2 (Java 17) keeps vectors in registers across one loop, but boxes them when they
 * are carried through two nested loops, which was measured at 5 GFLOP/s instead of about 100 on one core.
 *
 * <p>The epilogue (bias, a tensor added, ReLU) is applied to the accumulators before they are stored, in the
 * order the unfused ops would apply it, so a fused convolution rounds as the ops run one by one.
 */
final class VectorConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Output positions per micro-kernel call. */
    static final int MR = 4;
    /** Vectors of output channels per micro-kernel call. */
    static final int NV = 4;
    /** Output channels per micro-kernel call: the block width of a packed filter. */
    static final int NR = NV * L;
    /** Below this many output channels, most lanes of a block would be padding. */
    static final int MIN_OUT = NR / 2;
    /** Positions per parallel work item: large enough that a block of the filter is read from cache. */
    private static final int TILES_PER_ITEM = 16;

    private VectorConv() {}

    /** Whether this kernel computes {@code g}: unit dilations and enough output channels to fill blocks. */
    static boolean applies(NnGeometry g) {
        return g.dh() == 1 && g.dw() == 1 && g.o() >= MIN_OUT;
    }

    /**
     * What is done to every output before it is stored, in this order: add {@code bias} (per channel, or null),
     * add {@code addend} (a tensor of the output's shape, or null), then apply ReLU when {@code relu}, and
     * with it clip at {@code cap} (ReLU6: 6; no clipping: infinity).
     */
    record Epilogue(float[] bias, float[] addend, boolean relu, float cap) {
        static final Epilogue NONE = new Epilogue(null, null, false, Float.POSITIVE_INFINITY);
    }

    /** Length of the packed copy of a filter with {@code taps} rows and {@code o} output channels. */
    static int packedLength(int taps, int o) {
        return blocks(o) * taps * NR;
    }

    private static int blocks(int o) {
        return (o + NR - 1) / NR;
    }

    /**
     * Copies filter {@code f[taps, o]} (row-major; {@code taps = kh * kw * c}) into blocks of NR output
     * channels: {@code packed[(block * taps + t) * NR + j] = f[t, block * NR + j]}, zeros past {@code o}.
     */
    static float[] pack(float[] f, int taps, int o) {
        return packInto(f, taps, o, new float[packedLength(taps, o)]);
    }

    /** As {@link #pack}, into {@code p} (at least {@link #packedLength} long), which it returns. */
    static float[] packInto(float[] f, int taps, int o, float[] p) {
        if (o % NR != 0) {
            java.util.Arrays.fill(p, 0, packedLength(taps, o), 0f);
        }
        for (int b = 0; b < blocks(o); b++) {
            int o0 = b * NR;
            int w = Math.min(NR, o - o0);
            for (int t = 0; t < taps; t++) {
                System.arraycopy(f, t * o + o0, p, (b * taps + t) * NR, w);
            }
        }
        return p;
    }

    /**
     * The input gradient of stride-1 convolution {@code g} as a convolution: of {@code dy} ({@code g}'s
     * output, the new input) with the filter turned by 180 degrees and its channel axes swapped ({@link #turnAround}), padded by {@code k - 1 - pad} before, giving {@code g}'s input size. Null for
     * strides or dilations other than 1.
     */
    static NnGeometry transposedGeometry(NnGeometry g) {
        if (g.sh() != 1 || g.sw() != 1 || g.dh() != 1 || g.dw() != 1 || g.padTop() > g.kh() - 1
                || g.padLeft() > g.kw() - 1) {
            return null;
        }
        return new NnGeometry(g.n(), g.oh(), g.ow(), g.o(), g.kh(), g.kw(), g.c(), 1, 1, 1, 1, g.h(), g.w(),
                g.kh() - 1 - g.padTop(), g.kw() - 1 - g.padLeft());
    }

    /**
     * The filter of {@link #transposedGeometry}, HWIO: {@code t[ky, kx, o, c] = f[kh - 1 - ky, kw - 1 - kx, c, o]}
     * for filter {@code f[kh, kw, c, o]}, in this thread's scratch array.
     */
    static float[] turnAround(float[] f, int kh, int kw, int c, int o) {
        float[] t = Scratch.floats(Scratch.Slot.TURNED_FILTER, f.length);
        for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
                int src = ((kh - 1 - ky) * kw + (kw - 1 - kx)) * c * o;
                int dst = (ky * kw + kx) * o * c;
                for (int ic = 0; ic < c; ic++) {
                    for (int oc = 0; oc < o; oc++) {
                        t[dst + oc * c + ic] = f[src + ic * o + oc];
                    }
                }
            }
        }
        return t;
    }

    /**
     * {@code y = epilogue(conv(x, filter))}, NHWC, with the filter packed by {@link #pack}; positions and
     * channel blocks are split over {@code threads}.
     */
    static void forward(NnGeometry g, float[] x, float[] packed, float[] y, Epilogue e, int threads) {
        Padded in = Padded.of(g, x);
        int m = g.n() * g.oh() * g.ow();
        int tiles = (m + MR - 1) / MR;
        int nb = blocks(g.o());
        int taps = g.kh() * g.kw() * g.c();
        long work = (long) m * taps * g.o();
        if (nb >= 2 * threads || tiles < 2 * TILES_PER_ITEM) {
            Parallel.forRange(nb, threads, work, (b0, b1) -> run(g, in, packed, y, e, b0, b1, 0, tiles));
        } else {
            int items = (tiles + TILES_PER_ITEM - 1) / TILES_PER_ITEM;
            Parallel.forRange(items, threads, work, (i0, i1) -> run(g, in, packed, y, e, 0, nb, i0 * TILES_PER_ITEM,
                    Math.min(tiles, i1 * TILES_PER_ITEM)));
        }
    }

    /**
     * {@code y[yOff..] = x[xOff..] (m x c, row-major) times the packed filter at {@code packed[pOff..]} (c x o)}, on the
     * calling thread: a 1x1 convolution of m positions, as {@link WinogradConv} runs each of its products.
     */
    static void pointwise(int m, int c, int o, float[] x, int xOff, float[] packed, int pOff, float[] y, int yOff) {
        float[] edge = new float[MR * NR];
        for (int b = 0; b < blocks(o); b++) {
            int o0 = b * NR;
            int wBase = pOff + b * c * NR;
            boolean fullWidth = o0 + NR <= o;
            for (int p0 = 0; p0 < m; p0 += MR) {
                int rows = Math.min(MR, m - p0);
                int last = rows - 1;
                boolean full = fullWidth && rows == MR;
                tile(x, xOff + p0 * c, xOff + (p0 + Math.min(1, last)) * c, xOff + (p0 + Math.min(2, last)) * c,
                        xOff + (p0 + Math.min(3, last)) * c, c, 0, c, packed, wBase, full ? y : edge,
                        full ? yOff + p0 * o + o0 : 0, full ? o : NR);
                if (!full) {
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(edge, r * NR, y, yOff + (p0 + r) * o + o0, Math.min(NR, o - o0));
                    }
                }
            }
        }
    }

    /** The input with the padding the window needs written out, and the row lengths of that copy. */
    record Padded(float[] x, int rows, int cols) {
        static Padded of(NnGeometry g, float[] x) {
            int rows = Math.max(g.padTop() + g.h(), (g.oh() - 1) * g.sh() + g.kh());
            int cols = Math.max(g.padLeft() + g.w(), (g.ow() - 1) * g.sw() + g.kw());
            if (g.padTop() == 0 && g.padLeft() == 0 && rows == g.h() && cols == g.w()) {
                return new Padded(x, rows, cols);
            }
            int c = g.c();
            int length = g.n() * rows * cols * c;
            float[] p = Scratch.floats(Scratch.Slot.PADDED_INPUT, length);
            java.util.Arrays.fill(p, 0, length, 0f);
            for (int n = 0; n < g.n(); n++) {
                for (int iy = 0; iy < g.h(); iy++) {
                    System.arraycopy(x, ((n * g.h() + iy) * g.w()) * c, p,
                            ((n * rows + iy + g.padTop()) * cols + g.padLeft()) * c, g.w() * c);
                }
            }
            return new Padded(p, rows, cols);
        }
    }

    /**
     * Channel blocks {@code [b0, b1)} of tiles {@code [t0, t1)}. A last block of at most two vectors of channels
     * (AlexNet's 96 = 64 + 32) runs {@link #narrowTile} on twice the positions instead of the full kernel on half
     * zeros.
     */
    private static void run(NnGeometry g, Padded in, float[] packed, float[] y, Epilogue e, int b0, int b1, int t0,
                            int t1) {
        int c = g.c();
        int o = g.o();
        int m = g.n() * g.oh() * g.ow();
        int runLength = g.kw() * c;
        int rowStride = in.cols() * c;
        int steps = g.kh() * runLength;
        float[] edge = new float[2 * MR * NR];
        int[] off = new int[2 * MR];
        for (int b = b0; b < b1; b++) {
            int o0 = b * NR;
            int wBase = b * steps * NR;
            int width = Math.min(NR, o - o0);
            if (width <= 2 * L) {
                int end = Math.min(m, t1 * MR);
                for (int p0 = t0 * MR; p0 < end; p0 += 2 * MR) {
                    int rows = Math.min(2 * MR, end - p0);
                    offsets(g, in, p0, rows, off);
                    narrowTile(in.x(), off, runLength, rowStride - runLength, steps, packed, wBase, edge);
                    storeEdge(edge, y, p0, rows, o0, width, o, e);
                }
                continue;
            }
            for (int t = t0; t < t1; t++) {
                int p0 = t * MR;
                int rows = Math.min(MR, m - p0);
                offsets(g, in, p0, rows, off);
                boolean full = rows == MR && width == NR;
                tile(in.x(), off[0], off[1], off[2], off[3], runLength, rowStride - runLength, steps, packed, wBase,
                        full ? y : edge, full ? p0 * o + o0 : 0, full ? o : NR);
                if (!full) {
                    storeEdge(edge, y, p0, rows, o0, width, o, e);
                } else if (e != Epilogue.NONE) {
                    // Apart from tile(): inlined there, the epilogue made C2 stop inlining (too many nodes) before
                    // the stores, and the accumulators were boxed.
                    epilogueRows(y, p0, p0 + MR, o0, o0 + NR, o, e);
                }
            }
        }
    }

    /** Input offsets of positions {@code p0, p0 + 1, ...} into {@code off}, past the last real one repeating it. */
    private static void offsets(NnGeometry g, Padded in, int p0, int rows, int[] off) {
        int ohw = g.oh() * g.ow();
        for (int j = 0; j < off.length; j++) {
            int p = p0 + Math.min(j, rows - 1);
            int img = p / ohw;
            int r = p - img * ohw;
            int oy = r / g.ow();
            int ox = r - oy * g.ow();
            off[j] = ((img * in.rows() + oy * g.sh()) * in.cols() + ox * g.sw()) * g.c();
        }
    }

    /**
     * Eight positions by the first two vectors of a block's channels (the block's filter rows are still NR
     * apart), into {@code edge} (rows NR apart): sixteen accumulators, as in {@link #tile}.
     */
    private static void narrowTile(float[] x, int[] off, int runLength, int jump, int steps, float[] w, int wi,
                                   float[] edge) {
        int x0 = off[0], x1 = off[1], x2 = off[2], x3 = off[3], x4 = off[4], x5 = off[5], x6 = off[6], x7 = off[7];
        FloatVector z = FloatVector.zero(S);
        FloatVector a00 = z, a01 = z, a10 = z, a11 = z, a20 = z, a21 = z, a30 = z, a31 = z;
        FloatVector a40 = z, a41 = z, a50 = z, a51 = z, a60 = z, a61 = z, a70 = z, a71 = z;
        int q = 0;
        int runEnd = runLength;
        for (int s = 0; s < steps; s++, q++, wi += NR) {
            if (q == runEnd) {
                q += jump;
                runEnd = q + runLength;
            }
            FloatVector w0 = FloatVector.fromArray(S, w, wi);
            FloatVector w1 = FloatVector.fromArray(S, w, wi + L);
            FloatVector v = FloatVector.broadcast(S, x[x0 + q]);
            a00 = v.fma(w0, a00);
            a01 = v.fma(w1, a01);
            v = FloatVector.broadcast(S, x[x1 + q]);
            a10 = v.fma(w0, a10);
            a11 = v.fma(w1, a11);
            v = FloatVector.broadcast(S, x[x2 + q]);
            a20 = v.fma(w0, a20);
            a21 = v.fma(w1, a21);
            v = FloatVector.broadcast(S, x[x3 + q]);
            a30 = v.fma(w0, a30);
            a31 = v.fma(w1, a31);
            v = FloatVector.broadcast(S, x[x4 + q]);
            a40 = v.fma(w0, a40);
            a41 = v.fma(w1, a41);
            v = FloatVector.broadcast(S, x[x5 + q]);
            a50 = v.fma(w0, a50);
            a51 = v.fma(w1, a51);
            v = FloatVector.broadcast(S, x[x6 + q]);
            a60 = v.fma(w0, a60);
            a61 = v.fma(w1, a61);
            v = FloatVector.broadcast(S, x[x7 + q]);
            a70 = v.fma(w0, a70);
            a71 = v.fma(w1, a71);
        }
        store(edge, 0, z, a00, a01, a10, a11, NR);
        store(edge, 2 * NR, z, a20, a21, a30, a31, NR);
        store(edge, 4 * NR, z, a40, a41, a50, a51, NR);
        store(edge, 6 * NR, z, a60, a61, a70, a71, NR);
    }

    /** Two rows of two vectors: {@code (v0, v1)} at {@code o}, {@code (v2, v3)} a row ({@code ld}) further. */
    private static void store(float[] t, int o, FloatVector z, FloatVector v0, FloatVector v1, FloatVector v2,
                              FloatVector v3, int ld) {
        z.add(v0).intoArray(t, o);
        z.add(v1).intoArray(t, o + L);
        z.add(v2).intoArray(t, o + ld);
        z.add(v3).intoArray(t, o + ld + L);
    }

    /** One tile of MR positions (input offsets {@code x0..x3}) by NR channels into {@code y} at {@code yo}, rows {@code ldy} apart. */
    private static void tile(float[] x, int x0, int x1, int x2, int x3, int runLength, int jump, int steps,
                             float[] w, int wi, float[] y, int yo, int ldy) {
        FloatVector z = FloatVector.zero(S);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z;
        FloatVector a10 = z, a11 = z, a12 = z, a13 = z;
        FloatVector a20 = z, a21 = z, a22 = z, a23 = z;
        FloatVector a30 = z, a31 = z, a32 = z, a33 = z;
        int q = 0;
        int runEnd = runLength;
        for (int s = 0; s < steps; s++, q++, wi += NR) {
            if (q == runEnd) {
                q += jump;
                runEnd = q + runLength;
            }
            FloatVector w0 = FloatVector.fromArray(S, w, wi);
            FloatVector w1 = FloatVector.fromArray(S, w, wi + L);
            FloatVector w2 = FloatVector.fromArray(S, w, wi + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, w, wi + 3 * L);
            FloatVector v = FloatVector.broadcast(S, x[x0 + q]);
            a00 = v.fma(w0, a00);
            a01 = v.fma(w1, a01);
            a02 = v.fma(w2, a02);
            a03 = v.fma(w3, a03);
            v = FloatVector.broadcast(S, x[x1 + q]);
            a10 = v.fma(w0, a10);
            a11 = v.fma(w1, a11);
            a12 = v.fma(w2, a12);
            a13 = v.fma(w3, a13);
            v = FloatVector.broadcast(S, x[x2 + q]);
            a20 = v.fma(w0, a20);
            a21 = v.fma(w1, a21);
            a22 = v.fma(w2, a22);
            a23 = v.fma(w3, a23);
            v = FloatVector.broadcast(S, x[x3 + q]);
            a30 = v.fma(w0, a30);
            a31 = v.fma(w1, a31);
            a32 = v.fma(w2, a32);
            a33 = v.fma(w3, a33);
        }
        store(y, yo, z, a00, a01, a02, a03);
        store(y, yo + ldy, z, a10, a11, a12, a13);
        store(y, yo + 2 * ldy, z, a20, a21, a22, a23);
        store(y, yo + 3 * ldy, z, a30, a31, a32, a33);
    }

    /**
     * Stores one row of accumulators. Each is added to zero first: C2 makes a call on a vector carried through
     * the loop a virtual call, which boxes every accumulator, while a vector of known type as the receiver
     * keeps them in registers.
     */
    private static void store(float[] y, int yo, FloatVector z, FloatVector a0, FloatVector a1, FloatVector a2,
                              FloatVector a3) {
        z.add(a0).intoArray(y, yo);
        z.add(a1).intoArray(y, yo + L);
        z.add(a2).intoArray(y, yo + 2 * L);
        z.add(a3).intoArray(y, yo + 3 * L);
    }

    /**
     * The epilogue on rows {@code [r0, r1)}, columns {@code [c0, c1)} of {@code y} (rows of {@code o} values), in
     * place, one pass over each row: for a stored tile, and for a product computed elsewhere ({@link PointwiseConv}).
     */
    static void epilogueRows(float[] y, int r0, int r1, int c0, int c1, int o, Epilogue e) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector cap = FloatVector.broadcast(S, e.cap());
        boolean capped = e.relu() && e.cap() != Float.POSITIVE_INFINITY;
        int vectorEnd = c0 + (c1 - c0) / L * L;
        for (int r = r0; r < r1; r++) {
            int row = r * o;
            for (int j = c0; j < vectorEnd; j += L) {
                FloatVector t = FloatVector.fromArray(S, y, row + j);
                if (e.bias() != null) {
                    t = t.add(FloatVector.fromArray(S, e.bias(), j));
                }
                if (e.addend() != null) {
                    t = t.add(FloatVector.fromArray(S, e.addend(), row + j));
                }
                if (e.relu()) {
                    t = t.max(zero);
                }
                if (capped) {
                    t = t.min(cap);
                }
                t.intoArray(y, row + j);
            }
            for (int j = vectorEnd; j < c1; j++) {
                float v = y[row + j];
                if (e.bias() != null) {
                    v += e.bias()[j];
                }
                if (e.addend() != null) {
                    v += e.addend()[row + j];
                }
                if (e.relu()) {
                    v = Math.min(Math.max(v, 0f), e.cap());
                }
                y[row + j] = v;
            }
        }
    }

    /** The real part of an edge tile (rows past the last position, channels past the last) with the epilogue. */
    private static void storeEdge(float[] edge, float[] y, int p0, int rows, int o0, int width, int o, Epilogue e) {
        for (int r = 0; r < rows; r++) {
            int yo = (p0 + r) * o + o0;
            for (int j = 0; j < width; j++) {
                float v = edge[r * NR + j];
                if (e.bias() != null) {
                    v = v + e.bias()[o0 + j];
                }
                if (e.addend() != null) {
                    v = v + e.addend()[yo + j];
                }
                if (e.relu()) {
                    v = Math.min(Math.max(v, 0f), e.cap());
                }
                y[yo + j] = v;
            }
        }
    }
}
