package dev.tensorgraph.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * ReluGrad over float32 runs with the JDK's vector API: the gradient where the ReLU's input (or output) is
 * positive, else +0. The scalar form masks the gradient's bits ({@link BinaryLoops#positiveMask}), which C2
 * (Java 17) does not vectorize (it moves no float bits to int lanes), and ran a 128×512 gradient at about a
 * nanosecond per element; a select on a compare gives the same bits (a NaN input selects +0, a NaN gradient
 * passes where the input is positive). Without the module this class must not be touched at all.
 */
final class ReluGradVectors {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private ReluGradVectors() {}

    /**
     * Whether {@link #applyWithChannelSums} is quicker than ReluGrad and then its channel sums as two passes: for a
     * single vector of channels, whose sum stays in a register, and for sixteen vectors or more, where a row's
     * additions are enough apart to wait for none. On a Zen 5 with its two cores on two third-level caches, one pass
     * against two: {@code [128,512]} 9.8 against 19.4 us, {@code [2704,256]} 103 against 131, {@code [43264,16]}
     * (W4's convolution) 110 against 141; {@code [10816,32]} 82 against 63 and {@code [5408,64]} 84 against 71, each
     * row's sums then waiting on the row before.
     */
    static boolean sumsInOnePass(int c) {
        return c == S.length() || c >= 16 * S.length();
    }

    /**
     * ReluGrad of {@code [m, c]} into {@code dx} and its per-channel sums in one pass over the rows: the sums are
     * {@link BatchNormVectors#channelSums}' over dx to the bit, both made by {@link BatchNormVectors#foldedSums}.
     * Two passes, the gradient and then its sums, read dx again. {@code c} must fill whole vectors.
     */
    static double[] applyWithChannelSums(float[] g, float[] y, float[] dx, int m, int c, int threads) {
        return BatchNormVectors.foldedSums(m, c, threads, (r0, r1, acc) -> {
            if (c == S.length()) {
                oneVectorRows(g, y, dx, r0, r1, acc);
            } else {
                rows(g, y, dx, c, r0, r1, acc);
            }
        });
    }

    /** Rows [r0, r1) of one vector each, their sum carried in a register and added to {@code acc}. */
    private static void oneVectorRows(float[] g, float[] y, float[] dx, int r0, int r1, float[] acc) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector sum = FloatVector.fromArray(S, acc, 0);
        for (int i = r0 * S.length(); i < r1 * S.length(); i += S.length()) {
            FloatVector v = zero.blend(FloatVector.fromArray(S, g, i),
                    FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, 0f));
            v.intoArray(dx, i);
            sum = sum.add(v);
        }
        sum.intoArray(acc, 0);
    }

    /** Rows [r0, r1) of c channels, each row added to the sums in {@code acc}. */
    private static void rows(float[] g, float[] y, float[] dx, int c, int r0, int r1, float[] acc) {
        FloatVector zero = FloatVector.zero(S);
        for (int r = r0; r < r1; r++) {
            int row = r * c;
            for (int j = 0; j < c; j += S.length()) {
                FloatVector v = zero.blend(FloatVector.fromArray(S, g, row + j),
                        FloatVector.fromArray(S, y, row + j).compare(VectorOperators.GT, 0f));
                v.intoArray(dx, row + j);
                FloatVector.fromArray(S, acc, j).add(v).intoArray(acc, j);
            }
        }
    }

    /**
     * ReluGrad in place of rows [r0, r1) of {@code dx}, columns from {@code j0} in whole vectors up to {@code j1},
     * against the features {@code y} (both n columns a row); each masked vector added to its columns' sums in
     * {@code sums} when that is not null, in order of rows, as the scalar loop adds them. Returns the first column
     * left to the caller (those past the last whole vector).
     */
    static int maskRows(float[] dx, float[] y, int n, int r0, int r1, int j0, int j1, float[] sums) {
        int end = j0 + (j1 - j0) / S.length() * S.length();
        FloatVector zero = FloatVector.zero(S);
        for (int r = r0; r < r1; r++) {
            int row = r * n;
            for (int j = j0; j < end; j += S.length()) {
                FloatVector v = zero.blend(FloatVector.fromArray(S, dx, row + j),
                        FloatVector.fromArray(S, y, row + j).compare(VectorOperators.GT, 0f));
                v.intoArray(dx, row + j);
                if (sums != null) {
                    FloatVector.fromArray(S, sums, j).add(v).intoArray(sums, j);
                }
            }
        }
        return end;
    }

    /** {@code out[oo + i] = y[yo + i] > 0 ? g[go + i] : +0} for {@code i < n}. */
    static void apply(float[] g, int go, float[] y, int yo, float[] out, int oo, int n) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, g, go + i);
            zero.blend(gv, FloatVector.fromArray(S, y, yo + i).compare(VectorOperators.GT, 0f)).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] = Float.intBitsToFloat(Float.floatToRawIntBits(g[go + i]) & BinaryLoops.positiveMask(y[yo + i]));
        }
    }
}
