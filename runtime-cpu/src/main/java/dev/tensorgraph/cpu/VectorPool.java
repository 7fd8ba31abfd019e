package dev.tensorgraph.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 max-pooling over NHWC windows with the JDK's vector API, a vector of channels at a time, by the
 * rule of {@link PoolLoops#forwardRows}: a value replaces the window's maximum only when greater (NaN never
 * wins, padding is skipped), so the results are the same bits. Used where the JVM has the vector API; the
 * scalar loop's channel loop reads two arrays at different offsets, which C2 leaves scalar.
 */
final class VectorPool {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Channels per vector: below this the scalar loop does as well. */
    static final int LANES = S.length();

    private VectorPool() {}

    /** Output rows {@code [r0, r1)} (a row is one (n, oy)) of a max-pool. */
    static void maxRows(NnGeometry g, float[] x, float[] y, int r0, int r1) {
        int c = g.c();
        int vectorEnd = c - c % LANES;
        FloatVector lowest = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int r = r0; r < r1; r++) {
            int n = r / g.oh();
            int oy = r - n * g.oh();
            int ys = Math.max(0, oy * g.sh() - g.padTop());
            int ye = Math.min(g.h(), oy * g.sh() - g.padTop() + g.kh());
            for (int ox = 0; ox < g.ow(); ox++) {
                int xs = Math.max(0, ox * g.sw() - g.padLeft());
                int xe = Math.min(g.w(), ox * g.sw() - g.padLeft() + g.kw());
                int o = ((n * g.oh() + oy) * g.ow() + ox) * c;
                // The running maximum lives in y, not in a vector carried through the window's two loops:
                // C2 (Java 17) boxes vectors carried through nested loops.
                for (int ch = 0; ch < vectorEnd; ch += LANES) {
                    lowest.intoArray(y, o + ch);
                }
                for (int iy = ys; iy < ye; iy++) {
                    for (int ix = xs; ix < xe; ix++) {
                        int xo = ((n * g.h() + iy) * g.w() + ix) * c;
                        for (int ch = 0; ch < vectorEnd; ch += LANES) {
                            FloatVector m = FloatVector.fromArray(S, y, o + ch);
                            FloatVector v = FloatVector.fromArray(S, x, xo + ch);
                            m.blend(v, v.compare(VectorOperators.GT, m)).intoArray(y, o + ch);
                        }
                    }
                }
                for (int ch = vectorEnd; ch < c; ch++) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int iy = ys; iy < ye; iy++) {
                        for (int ix = xs; ix < xe; ix++) {
                            float v = x[((n * g.h() + iy) * g.w() + ix) * c + ch];
                            m = v > m ? v : m;
                        }
                    }
                    y[o + ch] = m;
                }
            }
        }
    }

    /**
     * Max-pool 2x2 stride 2 without padding ({@link PoolKernels#isWindow2x2}) of output rows {@code [r0, r1)},
     * for channels in whole vectors ({@code c % LANES == 0}): the four taps of a window are four loads at fixed
     * offsets, with no index arithmetic per tap. Same rule and bits as {@link PoolLoops#forwardRows}: a tap
     * replaces the running maximum (from -inf) only when greater, so NaN never wins and the first of equal
     * zeros stays.
     */
    static void max2x2Rows(NnGeometry g, float[] x, float[] y, int r0, int r1) {
        windows2x2(g, x, null, y, r0, r1, false);
    }

    /**
     * MaxPoolGrad for the windows of {@link #max2x2Rows} (output rows {@code [r0, r1)}), writing all four cells
     * of every window, so {@code out} need not be zeroed where the windows tile it. The rule and bits of
     * {@link PoolLoops#maxGradImages}: the gradient goes to the first tap unless a later one is greater than
     * every tap before it (so a NaN never wins unless it is first); a cell gets {@code 0 + grad} (a gradient
     * of -0 lands as +0, as when added to a zeroed cell) or +0.
     */
    static void maxGrad2x2Rows(NnGeometry g, float[] x, float[] gr, float[] out, int r0, int r1) {
        windows2x2(g, x, gr, out, r0, r1, false);
    }

    /**
     * {@link #maxGrad2x2Rows} followed by ReluGrad with x as the features ({@code x > 0 ? cell : +0}, the bits of
     * ReluGrad run after it), for the max-pool of a Relu's output: one pass instead of two.
     */
    static void maxGrad2x2ReluRows(NnGeometry g, float[] x, float[] gr, float[] out, int r0, int r1) {
        windows2x2(g, x, gr, out, r0, r1, true);
    }

    /**
     * The loop of {@link #max2x2Rows} ({@code gr == null}), {@link #maxGrad2x2Rows} and
     * {@link #maxGrad2x2ReluRows}; C2 unswitches the tests.
     */
    private static void windows2x2(NnGeometry g, float[] x, float[] gr, float[] out, int r0, int r1, boolean relu) {
        int c = g.c();
        int pair = 2 * c;
        int outRow = g.ow() * c;
        FloatVector lowest = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector zero = FloatVector.zero(S);
        for (int r = r0; r < r1; r++) {
            int image = r / g.oh();
            int upper = (image * g.h() + 2 * (r - image * g.oh())) * g.w() * c;
            int lower = upper + g.w() * c;
            for (int q = r * outRow, a = upper, b = lower; q < (r + 1) * outRow; q += c, a += pair, b += pair) {
                for (int ch = 0; ch < c; ch += LANES) {
                    FloatVector v0 = FloatVector.fromArray(S, x, a + ch);
                    FloatVector v1 = FloatVector.fromArray(S, x, a + c + ch);
                    FloatVector v2 = FloatVector.fromArray(S, x, b + ch);
                    FloatVector v3 = FloatVector.fromArray(S, x, b + c + ch);
                    if (gr == null) {
                        FloatVector m = lowest.blend(v0, v0.compare(VectorOperators.GT, lowest));
                        m = m.blend(v1, v1.compare(VectorOperators.GT, m));
                        m = m.blend(v2, v2.compare(VectorOperators.GT, m));
                        m.blend(v3, v3.compare(VectorOperators.GT, m)).intoArray(out, q + ch);
                        continue;
                    }
                    VectorMask<Float> won1 = v1.compare(VectorOperators.GT, v0);
                    FloatVector best = v0.blend(v1, won1);
                    VectorMask<Float> won2 = v2.compare(VectorOperators.GT, best);
                    VectorMask<Float> won3 = v3.compare(VectorOperators.GT, best.blend(v2, won2));
                    if (relu) {
                        won1 = won1.and(v1.compare(VectorOperators.GT, 0f));
                        won2 = won2.and(v2.compare(VectorOperators.GT, 0f));
                        won3 = won3.and(v3.compare(VectorOperators.GT, 0f));
                    }
                    // From the last tap back: each takes the gradient in the lanes it won, leaving the rest on.
                    // Under relu a tap takes it only where it is also positive; where the window's winner is not,
                    // no tap before it is (they are smaller), so the gradient lands nowhere.
                    FloatVector left = FloatVector.fromArray(S, gr, q + ch).add(zero);
                    zero.blend(left, won3).intoArray(out, b + c + ch);
                    left = left.blend(zero, won3);
                    zero.blend(left, won2).intoArray(out, b + ch);
                    left = left.blend(zero, won2);
                    zero.blend(left, won1).intoArray(out, a + c + ch);
                    left = left.blend(zero, won1);
                    if (relu) {
                        left = zero.blend(left, v0.compare(VectorOperators.GT, 0f));
                    }
                    left.intoArray(out, a + ch);
                }
            }
        }
    }

    /**
     * MaxPoolGrad of images {@code [n0, n1)}: adds each output's gradient to its window's maximum in
     * {@code out} (zeroed), by the rule of {@link PoolLoops#maxGradImages}: the first tap in row-major order
     * unless a later one is greater (so NaN in a later tap never wins). A vector of channels finds its taps'
     * indices in one loop over the window, then each tap adds the gradient in the lanes it won (adding zero
     * elsewhere, which changes no sum), in the reference's order, so the sums have its bits.
     *
     * <p>With {@code reluOfInput}, the result is also the ReluGrad of the Relu whose output {@code x} is ({@code x > 0
     * ? cell : +0}) without a second pass: a window whose maximum is not positive adds +0 to it, and every window a
     * cell wins has that cell's value as its maximum, so such a cell stays +0 and any other sums what it summed.
     */
    static void maxGradImages(NnGeometry g, float[] x, float[] gr, float[] out, int n0, int n1, boolean reluOfInput) {
        int c = g.c();
        int vectorEnd = c - c % LANES;
        int[] taps = new int[g.kh() * g.kw()];
        FloatVector zero = FloatVector.zero(S);
        for (int n = n0; n < n1; n++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                int ys = Math.max(0, oy * g.sh() - g.padTop());
                int ye = Math.min(g.h(), oy * g.sh() - g.padTop() + g.kh());
                for (int ox = 0; ox < g.ow(); ox++) {
                    int xs = Math.max(0, ox * g.sw() - g.padLeft());
                    int xe = Math.min(g.w(), ox * g.sw() - g.padLeft() + g.kw());
                    int count = 0;
                    for (int iy = ys; iy < ye; iy++) {
                        for (int ix = xs; ix < xe; ix++) {
                            taps[count++] = ((n * g.h() + iy) * g.w() + ix) * c;
                        }
                    }
                    int o = ((n * g.oh() + oy) * g.ow() + ox) * c;
                    for (int ch = 0; ch < vectorEnd; ch += LANES) {
                        FloatVector best = FloatVector.fromArray(S, x, taps[0] + ch);
                        FloatVector winner = zero;
                        for (int t = 1; t < count; t++) {
                            FloatVector v = FloatVector.fromArray(S, x, taps[t] + ch);
                            VectorMask<Float> greater = v.compare(VectorOperators.GT, best);
                            best = best.blend(v, greater);
                            winner = winner.blend(t, greater);
                        }
                        FloatVector grad = FloatVector.fromArray(S, gr, o + ch);
                        if (reluOfInput) {
                            grad = zero.blend(grad, best.compare(VectorOperators.GT, 0f));
                        }
                        for (int t = 0; t < count; t++) {
                            VectorMask<Float> won = winner.compare(VectorOperators.EQ, t);
                            FloatVector.fromArray(S, out, taps[t] + ch).add(zero.blend(grad, won))
                                    .intoArray(out, taps[t] + ch);
                        }
                    }
                    for (int ch = vectorEnd; ch < c; ch++) {
                        int best = taps[0] + ch;
                        for (int t = 1; t < count; t++) {
                            if (x[taps[t] + ch] > x[best]) {
                                best = taps[t] + ch;
                            }
                        }
                        if (!reluOfInput || x[best] > 0f) {
                            out[best] += gr[o + ch];
                        }
                    }
                }
            }
        }
    }
}
