package dev.tensorgraph.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 NHWC 3x3 stride-1 convolutions by Winograd's minimal filtering F(2x2, 3x3): each 2x2 block of
 * outputs comes from a 4x4 block of the input with 16 multiplications per channel pair instead of 36. The
 * input's 4x4 blocks and the filter are transformed ({@code B^T d B}, {@code G g G^T}), the 16 transformed
 * components are 16 independent matrix products (blocks x input channels times input channels x output
 * channels, each run by {@link VectorConv#pointwise}), and each product's 2x2 outputs come back by
 * {@code A^T m A}, with the epilogue applied on the way out. Used with the vector API where it applies;
 * channels are transformed a vector at a time.
 *
 * <p>Numerics: the transforms add and subtract up to four values and halve (exactly) in the filter's, so
 * results differ from the direct convolution by float32 rounding of the reordered sums (tests allow
 * {@code 1e-4} relative on unit-scale data, as for the direct kernels).
 */
final class WinogradConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Transformed components per block: 4 x 4. */
    static final int COMPONENTS = 16;
    /** The fewest blocks {@link #forward} takes through its stages at a time. */
    private static final int MIN_CHUNK_BLOCKS = 64;

    private WinogradConv() {}

    /** Whether this kernel computes {@code g}: 3x3, stride and dilation 1, channels in whole vectors. */
    static boolean applies(NnGeometry g) {
        return g.kh() == 3 && g.kw() == 3 && g.sh() == 1 && g.sw() == 1 && g.dh() == 1 && g.dw() == 1
                && g.c() % L == 0 && g.o() % L == 0 && g.o() >= VectorConv.MIN_OUT && g.padTop() <= 2
                && g.padLeft() <= 2;
    }

    /** Length of a filter transformed by {@link #pack}. */
    static int packedLength(int c, int o) {
        return COMPONENTS * VectorConv.packedLength(c, o);
    }

    /**
     * The filter {@code f[3, 3, c, o]} transformed ({@code G g G^T} for every channel pair) and laid out as 16
     * filters of {@link VectorConv#pack}, one per component, each {@code VectorConv.packedLength(c, o)} long.
     */
    static float[] pack(float[] f, int c, int o) {
        return packInto(f, c, o, new float[packedLength(c, o)]);
    }

    /** As {@link #pack}, into {@code out} (at least {@link #packedLength} long), which it returns. */
    static float[] packInto(float[] f, int c, int o, float[] out) {
        int len = VectorConv.packedLength(c, o);
        float[] u = Scratch.floats(Scratch.Slot.WINOGRAD_FILTER, c * o * COMPONENTS);
        float[] g = new float[9];
        float[] gg = new float[12];
        for (int ic = 0; ic < c; ic++) {
            for (int oc = 0; oc < o; oc++) {
                for (int t = 0; t < 9; t++) {
                    g[t] = f[(t * c + ic) * o + oc];
                }
                // G g (4 x 3), then (G g) G^T (4 x 4); G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1].
                for (int col = 0; col < 3; col++) {
                    float g0 = g[col];
                    float g1 = g[3 + col];
                    float g2 = g[6 + col];
                    gg[col] = g0;
                    gg[3 + col] = 0.5f * (g0 + g1 + g2);
                    gg[6 + col] = 0.5f * (g0 - g1 + g2);
                    gg[9 + col] = g2;
                }
                for (int row = 0; row < 4; row++) {
                    float a = gg[row * 3];
                    float b = gg[row * 3 + 1];
                    float cc = gg[row * 3 + 2];
                    int base = (ic * o + oc) * COMPONENTS + row * 4;
                    u[base] = a;
                    u[base + 1] = 0.5f * (a + b + cc);
                    u[base + 2] = 0.5f * (a - b + cc);
                    u[base + 3] = cc;
                }
            }
        }
        // Component xi of channel pair (ic, oc) is row ic, column oc of the xi-th filter, in VectorConv's blocks.
        java.util.Arrays.fill(out, 0, COMPONENTS * len, 0f);
        int nr = VectorConv.NR;
        for (int ic = 0; ic < c; ic++) {
            for (int oc = 0; oc < o; oc++) {
                int from = (ic * o + oc) * COMPONENTS;
                int to = ((oc / nr) * c + ic) * nr + oc % nr;
                for (int xi = 0; xi < COMPONENTS; xi++) {
                    out[xi * len + to] = u[from + xi];
                }
            }
        }
        return out;
    }

    /** {@code y = epilogue(conv(x, filter))} with the filter transformed by {@link #pack}. */
    static void forward(NnGeometry g, float[] x, float[] packed, float[] y, VectorConv.Epilogue e, int threads) {
        int th = (g.oh() + 1) / 2;
        int tw = (g.ow() + 1) / 2;
        int blocks = g.n() * th * tw;
        int c = g.c();
        int o = g.o();
        int len = VectorConv.packedLength(c, o);
        int chunk = chunkBlocks(c, o);
        // Each thread takes one range of blocks through all three stages, so the transformed blocks it multiplies
        // and the products it transforms back are the ones it wrote itself: when the host puts the two cores on
        // different last-level caches, handing them between cores made ResNet50's 3x3 layers at batch 1 up to
        // 1.8x slower (1462 against 826 us at 28x28x128). It goes through its range a chunk of blocks at a time, in
        // arrays of its own that the next chunk overwrites (see chunkBlocks).
        Parallel.forRange(blocks, threads, (long) blocks * COMPONENTS * (c + o + (long) c * o), (b0, b1) -> {
            int cap = Math.min(chunk, b1 - b0);
            float[] v = Scratch.floats(Scratch.Slot.WINOGRAD_BLOCKS, COMPONENTS * cap * c);
            float[] m = Scratch.floats(Scratch.Slot.WINOGRAD_PRODUCTS, COMPONENTS * cap * o);
            for (int s0 = b0; s0 < b1; s0 += cap) {
                int s1 = Math.min(b1, s0 + cap);
                inputTransform(g, x, v, cap, th, tw, s0, s1, s0);
                for (int xi = 0; xi < COMPONENTS; xi++) {
                    VectorConv.pointwise(s1 - s0, c, o, v, xi * cap * c, packed, xi * len, m, xi * cap * o);
                }
                outputTransform(g, m, y, e, cap, th, tw, s0, s1, s0);
            }
        });
    }

    /**
     * Blocks a thread takes through the three stages of {@link #forward} at a time. Where the transformed filter is
     * small, a chunk's transformed blocks and products are about twice its size, so they stay in the second-level
     * cache between the stages instead of going to memory and back: ResNet50's 56x56x64 layer at batch 8 otherwise
     * writes and reads 13 MB of each per thread. Where the filter is large, the chunk is large too, as each chunk
     * reads the whole filter.
     */
    static int chunkBlocks(int c, int o) {
        long filterBytes = (long) COMPONENTS * c * o * Float.BYTES;
        long bytesPerBlock = (long) COMPONENTS * (c + o) * Float.BYTES;
        return (int) Math.max(MIN_CHUNK_BLOCKS, Math.min(Integer.MAX_VALUE, 2 * filterBytes / bytesPerBlock));
    }

    /**
     * The filter gradient {@code df[3, 3, c, o] += sum over positions of x-patch times dy} of convolution
     * {@code g} by the same method: the gradient of each transformed filter component is the product of the
     * transformed input blocks (transposed) with the output gradient's blocks transformed by {@code A dy A^T},
     * and the filter's gradient is {@code G^T dU G} of those 16 products.
     */
    static void backpropFilter(NnGeometry g, float[] x, float[] dy, float[] df, int threads) {
        int th = (g.oh() + 1) / 2;
        int tw = (g.ow() + 1) / 2;
        int blocks = g.n() * th * tw;
        int c = g.c();
        int o = g.o();
        float[] v = Scratch.floats(Scratch.Slot.WINOGRAD_BLOCKS, COMPONENTS * blocks * c);
        float[] m = Scratch.floats(Scratch.Slot.WINOGRAD_PRODUCTS, COMPONENTS * blocks * o);
        long transformWork = (long) blocks * (c + o) * COMPONENTS;
        Parallel.forRange(blocks, threads, transformWork, (b0, b1) -> {
            inputTransform(g, x, v, blocks, th, tw, b0, b1, 0);
            gradientTransform(g, dy, m, blocks, th, tw, b0, b1);
        });
        float[] du = Scratch.floats(Scratch.Slot.WINOGRAD_GRADIENT, COMPONENTS * c * o);
        Parallel.forRange(COMPONENTS, threads, (long) blocks * c * o * COMPONENTS, (x0, x1) -> {
            for (int xi = x0; xi < x1; xi++) {
                Gemm.jvmSgemm(true, false, c, o, blocks, v, xi * blocks * c, m, xi * blocks * o, du, xi * c * o, false,
                        1);
            }
        });
        // df[ky][kx] += (G^T dU G)[ky][kx], G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1].
        Parallel.forRange(c, threads, (long) c * o * 64, (c0, c1) -> {
            for (int ic = c0; ic < c1; ic++) {
                for (int oc = 0; oc < o; oc++) {
                    int at = ic * o + oc;
                    float[] t = new float[12];
                    for (int j = 0; j < 4; j++) {
                        float u0 = du[j * c * o + at];
                        float u1 = du[(4 + j) * c * o + at];
                        float u2 = du[(8 + j) * c * o + at];
                        float u3 = du[(12 + j) * c * o + at];
                        t[j] = u0 + 0.5f * (u1 + u2);
                        t[4 + j] = 0.5f * (u1 - u2);
                        t[8 + j] = 0.5f * (u1 + u2) + u3;
                    }
                    for (int ky = 0; ky < 3; ky++) {
                        float a0 = t[4 * ky];
                        float a1 = t[4 * ky + 1];
                        float a2 = t[4 * ky + 2];
                        float a3 = t[4 * ky + 3];
                        df[((ky * 3) * c + ic) * o + oc] += a0 + 0.5f * (a1 + a2);
                        df[((ky * 3 + 1) * c + ic) * o + oc] += 0.5f * (a1 - a2);
                        df[((ky * 3 + 2) * c + ic) * o + oc] += 0.5f * (a1 + a2) + a3;
                    }
                }
            }
        });
    }

    /**
     * {@code m[xi][block][o] = (A dy A^T)[xi]} for blocks {@code [b0, b1)}, A = [1 0; 1 1; 1 -1; 0 -1]: the
     * 2x2 block of dy (zero past the output's edge) spread over the 16 components.
     */
    private static void gradientTransform(NnGeometry g, float[] dy, float[] m, int blocks, int th, int tw, int b0,
                                          int b1) {
        int o = g.o();
        int stride = blocks * o;
        FloatVector z = FloatVector.zero(S);
        for (int b = b0; b < b1; b++) {
            int n = b / (th * tw);
            int r = b - n * th * tw;
            int oy = 2 * (r / tw);
            int ox = 2 * (r - (r / tw) * tw);
            boolean secondRow = oy + 1 < g.oh();
            boolean secondColumn = ox + 1 < g.ow();
            int row0 = ((n * g.oh() + oy) * g.ow() + ox) * o;
            int row1 = row0 + g.ow() * o;
            int at = b * o;
            for (int o0 = 0; o0 < o; o0 += L) {
                FloatVector d00 = FloatVector.fromArray(S, dy, row0 + o0);
                FloatVector d01 = secondColumn ? FloatVector.fromArray(S, dy, row0 + o + o0) : z;
                FloatVector d10 = secondRow ? FloatVector.fromArray(S, dy, row1 + o0) : z;
                FloatVector d11 = secondRow && secondColumn ? FloatVector.fromArray(S, dy, row1 + o + o0) : z;
                // Rows of A dy: [d0, d0 + d1, d0 - d1, -d1] per column; then the same across columns.
                FloatVector p0 = z.add(d00);
                FloatVector p1 = d00.add(d10);
                FloatVector p2 = d00.sub(d10);
                FloatVector p3 = z.sub(d10);
                FloatVector q0 = z.add(d01);
                FloatVector q1 = d01.add(d11);
                FloatVector q2 = d01.sub(d11);
                FloatVector q3 = z.sub(d11);
                int out = at + o0;
                p0.intoArray(m, out);
                p0.add(q0).intoArray(m, stride + out);
                p0.sub(q0).intoArray(m, 2 * stride + out);
                z.sub(q0).intoArray(m, 3 * stride + out);
                p1.intoArray(m, 4 * stride + out);
                p1.add(q1).intoArray(m, 5 * stride + out);
                p1.sub(q1).intoArray(m, 6 * stride + out);
                z.sub(q1).intoArray(m, 7 * stride + out);
                p2.intoArray(m, 8 * stride + out);
                p2.add(q2).intoArray(m, 9 * stride + out);
                p2.sub(q2).intoArray(m, 10 * stride + out);
                z.sub(q2).intoArray(m, 11 * stride + out);
                p3.intoArray(m, 12 * stride + out);
                p3.add(q3).intoArray(m, 13 * stride + out);
                p3.sub(q3).intoArray(m, 14 * stride + out);
                z.sub(q3).intoArray(m, 15 * stride + out);
            }
        }
    }

    /**
     * {@code v[xi][block - first][c] = (B^T d B)[xi]} for blocks {@code [b0, b1)}, v holding {@code blocks} blocks a
     * component; d is zero outside the input.
     */
    private static void inputTransform(NnGeometry g, float[] x, float[] v, int blocks, int th, int tw, int b0, int b1,
                                       int first) {
        int c = g.c();
        int stride = blocks * c;
        int[] rowAt = new int[4];
        int[] colAt = new int[4];
        FloatVector z = FloatVector.zero(S);
        for (int b = b0; b < b1; b++) {
            int n = b / (th * tw);
            int r = b - n * th * tw;
            int ty = r / tw;
            int tx = r - ty * tw;
            for (int i = 0; i < 4; i++) {
                int iy = 2 * ty - g.padTop() + i;
                int ix = 2 * tx - g.padLeft() + i;
                rowAt[i] = iy >= 0 && iy < g.h() ? (n * g.h() + iy) * g.w() : -1;
                colAt[i] = ix >= 0 && ix < g.w() ? ix : -1;
            }
            int out = (b - first) * c;
            for (int c0 = 0; c0 < c; c0 += L) {
                // t = B^T d, column by column; then v = t B, row by row. Unrolled: vectors kept in arrays or
                // carried through loops would be boxed.
                FloatVector d00 = load(x, rowAt[0], colAt[0], c, c0, z);
                FloatVector d10 = load(x, rowAt[1], colAt[0], c, c0, z);
                FloatVector d20 = load(x, rowAt[2], colAt[0], c, c0, z);
                FloatVector d30 = load(x, rowAt[3], colAt[0], c, c0, z);
                FloatVector d01 = load(x, rowAt[0], colAt[1], c, c0, z);
                FloatVector d11 = load(x, rowAt[1], colAt[1], c, c0, z);
                FloatVector d21 = load(x, rowAt[2], colAt[1], c, c0, z);
                FloatVector d31 = load(x, rowAt[3], colAt[1], c, c0, z);
                FloatVector d02 = load(x, rowAt[0], colAt[2], c, c0, z);
                FloatVector d12 = load(x, rowAt[1], colAt[2], c, c0, z);
                FloatVector d22 = load(x, rowAt[2], colAt[2], c, c0, z);
                FloatVector d32 = load(x, rowAt[3], colAt[2], c, c0, z);
                FloatVector d03 = load(x, rowAt[0], colAt[3], c, c0, z);
                FloatVector d13 = load(x, rowAt[1], colAt[3], c, c0, z);
                FloatVector d23 = load(x, rowAt[2], colAt[3], c, c0, z);
                FloatVector d33 = load(x, rowAt[3], colAt[3], c, c0, z);
                FloatVector t00 = d00.sub(d20);
                FloatVector t10 = d10.add(d20);
                FloatVector t20 = d20.sub(d10);
                FloatVector t30 = d10.sub(d30);
                FloatVector t01 = d01.sub(d21);
                FloatVector t11 = d11.add(d21);
                FloatVector t21 = d21.sub(d11);
                FloatVector t31 = d11.sub(d31);
                FloatVector t02 = d02.sub(d22);
                FloatVector t12 = d12.add(d22);
                FloatVector t22 = d22.sub(d12);
                FloatVector t32 = d12.sub(d32);
                FloatVector t03 = d03.sub(d23);
                FloatVector t13 = d13.add(d23);
                FloatVector t23 = d23.sub(d13);
                FloatVector t33 = d13.sub(d33);
                int at = out + c0;
                t00.sub(t02).intoArray(v, 0 * stride + at);
                t01.add(t02).intoArray(v, 1 * stride + at);
                t02.sub(t01).intoArray(v, 2 * stride + at);
                t01.sub(t03).intoArray(v, 3 * stride + at);
                t10.sub(t12).intoArray(v, 4 * stride + at);
                t11.add(t12).intoArray(v, 5 * stride + at);
                t12.sub(t11).intoArray(v, 6 * stride + at);
                t11.sub(t13).intoArray(v, 7 * stride + at);
                t20.sub(t22).intoArray(v, 8 * stride + at);
                t21.add(t22).intoArray(v, 9 * stride + at);
                t22.sub(t21).intoArray(v, 10 * stride + at);
                t21.sub(t23).intoArray(v, 11 * stride + at);
                t30.sub(t32).intoArray(v, 12 * stride + at);
                t31.add(t32).intoArray(v, 13 * stride + at);
                t32.sub(t31).intoArray(v, 14 * stride + at);
                t31.sub(t33).intoArray(v, 15 * stride + at);
            }
        }
    }

    private static FloatVector load(float[] x, int row, int col, int c, int c0, FloatVector zero) {
        return row < 0 || col < 0 ? zero : FloatVector.fromArray(S, x, (row + col) * c + c0);
    }

    /**
     * The 2x2 outputs {@code A^T m A} of blocks {@code [b0, b1)}, with the epilogue, into NHWC {@code y}; m holds
     * {@code blocks} blocks a component, block {@code b} at {@code b - first}.
     */
    private static void outputTransform(NnGeometry g, float[] m, float[] y, VectorConv.Epilogue e, int blocks, int th,
                                        int tw, int b0, int b1, int first) {
        int o = g.o();
        int stride = blocks * o;
        FloatVector zero = FloatVector.zero(S);
        FloatVector cap = FloatVector.broadcast(S, e.cap());
        boolean capped = e.relu() && e.cap() != Float.POSITIVE_INFINITY;
        for (int b = b0; b < b1; b++) {
            int n = b / (th * tw);
            int r = b - n * th * tw;
            int oy = 2 * (r / tw);
            int ox = 2 * (r - (r / tw) * tw);
            int in = (b - first) * o;
            boolean secondRow = oy + 1 < g.oh();
            boolean secondColumn = ox + 1 < g.ow();
            int row0 = ((n * g.oh() + oy) * g.ow() + ox) * o;
            int row1 = row0 + g.ow() * o;
            for (int o0 = 0; o0 < o; o0 += L) {
                // s = A^T m, column by column; then s A, row by row (unrolled, as the input transform).
                int at = in + o0;
                FloatVector m00 = FloatVector.fromArray(S, m, 0 * stride + at);
                FloatVector m01 = FloatVector.fromArray(S, m, 1 * stride + at);
                FloatVector m02 = FloatVector.fromArray(S, m, 2 * stride + at);
                FloatVector m03 = FloatVector.fromArray(S, m, 3 * stride + at);
                FloatVector m10 = FloatVector.fromArray(S, m, 4 * stride + at);
                FloatVector m11 = FloatVector.fromArray(S, m, 5 * stride + at);
                FloatVector m12 = FloatVector.fromArray(S, m, 6 * stride + at);
                FloatVector m13 = FloatVector.fromArray(S, m, 7 * stride + at);
                FloatVector m20 = FloatVector.fromArray(S, m, 8 * stride + at);
                FloatVector m21 = FloatVector.fromArray(S, m, 9 * stride + at);
                FloatVector m22 = FloatVector.fromArray(S, m, 10 * stride + at);
                FloatVector m23 = FloatVector.fromArray(S, m, 11 * stride + at);
                FloatVector m30 = FloatVector.fromArray(S, m, 12 * stride + at);
                FloatVector m31 = FloatVector.fromArray(S, m, 13 * stride + at);
                FloatVector m32 = FloatVector.fromArray(S, m, 14 * stride + at);
                FloatVector m33 = FloatVector.fromArray(S, m, 15 * stride + at);
                FloatVector s00 = m00.add(m10).add(m20);
                FloatVector s10 = m10.sub(m20).sub(m30);
                FloatVector s01 = m01.add(m11).add(m21);
                FloatVector s11 = m11.sub(m21).sub(m31);
                FloatVector s02 = m02.add(m12).add(m22);
                FloatVector s12 = m12.sub(m22).sub(m32);
                FloatVector s03 = m03.add(m13).add(m23);
                FloatVector s13 = m13.sub(m23).sub(m33);
                FloatVector bias = e.bias() != null ? FloatVector.fromArray(S, e.bias(), o0) : zero;
                store(bias.add(s00.add(s01).add(s02)), y, row0 + o0, e, zero, cap, capped);
                if (secondColumn) {
                    store(bias.add(s01.sub(s02).sub(s03)), y, row0 + o + o0, e, zero, cap, capped);
                }
                if (secondRow) {
                    store(bias.add(s10.add(s11).add(s12)), y, row1 + o0, e, zero, cap, capped);
                    if (secondColumn) {
                        store(bias.add(s11.sub(s12).sub(s13)), y, row1 + o + o0, e, zero, cap, capped);
                    }
                }
            }
        }
    }

    private static void store(FloatVector v, float[] y, int at, VectorConv.Epilogue e, FloatVector zero,
                              FloatVector cap, boolean capped) {
        if (e.addend() != null) {
            v = v.add(FloatVector.fromArray(S, e.addend(), at));
        }
        if (e.relu()) {
            v = v.max(zero);
        }
        if (capped) {
            v = v.min(cap);
        }
        v.intoArray(y, at);
    }
}
