package dev.tensorgraph.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Squares of a transposed B turned around in the registers on their way into {@link VectorSgemm}'s panels, for
 * 16-lane vectors (AVX-512): sixteen rows of B, sixteen floats each, become sixteen panel rows in four rounds, each
 * round swapping the off-diagonal halves of every block of twice its distance with one permute and one blend a vector.
 * Copied element by element, the panel is written one float at a time a panel row apart: W3's {@code [512,256]^T}
 * took 60-65 us on one thread of a Zen 5 that way, and 25-27 us in squares. Each float is multiplied by alpha once,
 * as in the element loop, so both give the same bits. Without the vector API module this class must not be touched
 * at all.
 */
final class PanelTransposeVectors {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector: the side of a square. */
    static final int SIDE = 16;
    private static final int NR = VectorSgemm.NR;

    // For each distance d of a round: the lanes whose index has bit d set, and the shuffles that move lanes d up
    // (lane i takes lane i - d) and d down (lane i takes lane i + d). Built only where the vectors have SIDE lanes.
    private static final VectorMask<Float> HIGH8 = high(8);
    private static final VectorMask<Float> HIGH4 = high(4);
    private static final VectorMask<Float> HIGH2 = high(2);
    private static final VectorMask<Float> HIGH1 = high(1);
    private static final VectorShuffle<Float> UP8 = moved(-8);
    private static final VectorShuffle<Float> UP4 = moved(-4);
    private static final VectorShuffle<Float> UP2 = moved(-2);
    private static final VectorShuffle<Float> UP1 = moved(-1);
    private static final VectorShuffle<Float> DOWN8 = moved(8);
    private static final VectorShuffle<Float> DOWN4 = moved(4);
    private static final VectorShuffle<Float> DOWN2 = moved(2);
    private static final VectorShuffle<Float> DOWN1 = moved(1);

    private PanelTransposeVectors() {}

    /** Whether the squares apply: vectors of {@link #SIDE} lanes. */
    static boolean available() {
        return S.length() == SIDE;
    }

    private static VectorMask<Float> high(int d) {
        if (!available()) {
            return null;
        }
        long bits = 0;
        for (int i = 0; i < SIDE; i++) {
            if ((i & d) != 0) {
                bits |= 1L << i;
            }
        }
        return VectorMask.fromLong(S, bits);
    }

    private static VectorShuffle<Float> moved(int by) {
        return available() ? VectorShuffle.fromOp(S, i -> (i + by) & (SIDE - 1)) : null;
    }

    /**
     * {@code bp[dst + q * NR + r] = alpha * b[src + r * k + q]} for q, r below {@link #SIDE}: the square of B whose
     * rows start at {@code src}, {@code k} floats apart, into sixteen panel rows from {@code dst}. The rounds are
     * written out so that the vectors stay in registers (see {@link VectorSgemm}'s kernel on why).
     */
    static void square(float[] b, int src, int k, float alpha, float[] bp, int dst) {
        FloatVector v0 = FloatVector.fromArray(S, b, src);
        FloatVector v1 = FloatVector.fromArray(S, b, src + 1 * k);
        FloatVector v2 = FloatVector.fromArray(S, b, src + 2 * k);
        FloatVector v3 = FloatVector.fromArray(S, b, src + 3 * k);
        FloatVector v4 = FloatVector.fromArray(S, b, src + 4 * k);
        FloatVector v5 = FloatVector.fromArray(S, b, src + 5 * k);
        FloatVector v6 = FloatVector.fromArray(S, b, src + 6 * k);
        FloatVector v7 = FloatVector.fromArray(S, b, src + 7 * k);
        FloatVector v8 = FloatVector.fromArray(S, b, src + 8 * k);
        FloatVector v9 = FloatVector.fromArray(S, b, src + 9 * k);
        FloatVector v10 = FloatVector.fromArray(S, b, src + 10 * k);
        FloatVector v11 = FloatVector.fromArray(S, b, src + 11 * k);
        FloatVector v12 = FloatVector.fromArray(S, b, src + 12 * k);
        FloatVector v13 = FloatVector.fromArray(S, b, src + 13 * k);
        FloatVector v14 = FloatVector.fromArray(S, b, src + 14 * k);
        FloatVector v15 = FloatVector.fromArray(S, b, src + 15 * k);
        // Round d pairs rows r and r + d (bit d of r clear): row r's lanes with bit d set trade places with row
        // r + d's lanes with it clear, d lanes lower. After the rounds of 8, 4, 2 and 1, row q holds column q.
        FloatVector a0 = v0.blend(v8.rearrange(UP8), HIGH8);
        FloatVector a8 = v0.rearrange(DOWN8).blend(v8, HIGH8);
        FloatVector a1 = v1.blend(v9.rearrange(UP8), HIGH8);
        FloatVector a9 = v1.rearrange(DOWN8).blend(v9, HIGH8);
        FloatVector a2 = v2.blend(v10.rearrange(UP8), HIGH8);
        FloatVector a10 = v2.rearrange(DOWN8).blend(v10, HIGH8);
        FloatVector a3 = v3.blend(v11.rearrange(UP8), HIGH8);
        FloatVector a11 = v3.rearrange(DOWN8).blend(v11, HIGH8);
        FloatVector a4 = v4.blend(v12.rearrange(UP8), HIGH8);
        FloatVector a12 = v4.rearrange(DOWN8).blend(v12, HIGH8);
        FloatVector a5 = v5.blend(v13.rearrange(UP8), HIGH8);
        FloatVector a13 = v5.rearrange(DOWN8).blend(v13, HIGH8);
        FloatVector a6 = v6.blend(v14.rearrange(UP8), HIGH8);
        FloatVector a14 = v6.rearrange(DOWN8).blend(v14, HIGH8);
        FloatVector a7 = v7.blend(v15.rearrange(UP8), HIGH8);
        FloatVector a15 = v7.rearrange(DOWN8).blend(v15, HIGH8);
        FloatVector b0 = a0.blend(a4.rearrange(UP4), HIGH4);
        FloatVector b4 = a0.rearrange(DOWN4).blend(a4, HIGH4);
        FloatVector b1 = a1.blend(a5.rearrange(UP4), HIGH4);
        FloatVector b5 = a1.rearrange(DOWN4).blend(a5, HIGH4);
        FloatVector b2 = a2.blend(a6.rearrange(UP4), HIGH4);
        FloatVector b6 = a2.rearrange(DOWN4).blend(a6, HIGH4);
        FloatVector b3 = a3.blend(a7.rearrange(UP4), HIGH4);
        FloatVector b7 = a3.rearrange(DOWN4).blend(a7, HIGH4);
        FloatVector b8 = a8.blend(a12.rearrange(UP4), HIGH4);
        FloatVector b12 = a8.rearrange(DOWN4).blend(a12, HIGH4);
        FloatVector b9 = a9.blend(a13.rearrange(UP4), HIGH4);
        FloatVector b13 = a9.rearrange(DOWN4).blend(a13, HIGH4);
        FloatVector b10 = a10.blend(a14.rearrange(UP4), HIGH4);
        FloatVector b14 = a10.rearrange(DOWN4).blend(a14, HIGH4);
        FloatVector b11 = a11.blend(a15.rearrange(UP4), HIGH4);
        FloatVector b15 = a11.rearrange(DOWN4).blend(a15, HIGH4);
        FloatVector c0 = b0.blend(b2.rearrange(UP2), HIGH2);
        FloatVector c2 = b0.rearrange(DOWN2).blend(b2, HIGH2);
        FloatVector c1 = b1.blend(b3.rearrange(UP2), HIGH2);
        FloatVector c3 = b1.rearrange(DOWN2).blend(b3, HIGH2);
        FloatVector c4 = b4.blend(b6.rearrange(UP2), HIGH2);
        FloatVector c6 = b4.rearrange(DOWN2).blend(b6, HIGH2);
        FloatVector c5 = b5.blend(b7.rearrange(UP2), HIGH2);
        FloatVector c7 = b5.rearrange(DOWN2).blend(b7, HIGH2);
        FloatVector c8 = b8.blend(b10.rearrange(UP2), HIGH2);
        FloatVector c10 = b8.rearrange(DOWN2).blend(b10, HIGH2);
        FloatVector c9 = b9.blend(b11.rearrange(UP2), HIGH2);
        FloatVector c11 = b9.rearrange(DOWN2).blend(b11, HIGH2);
        FloatVector c12 = b12.blend(b14.rearrange(UP2), HIGH2);
        FloatVector c14 = b12.rearrange(DOWN2).blend(b14, HIGH2);
        FloatVector c13 = b13.blend(b15.rearrange(UP2), HIGH2);
        FloatVector c15 = b13.rearrange(DOWN2).blend(b15, HIGH2);
        FloatVector d0 = c0.blend(c1.rearrange(UP1), HIGH1);
        FloatVector d1 = c0.rearrange(DOWN1).blend(c1, HIGH1);
        FloatVector d2 = c2.blend(c3.rearrange(UP1), HIGH1);
        FloatVector d3 = c2.rearrange(DOWN1).blend(c3, HIGH1);
        FloatVector d4 = c4.blend(c5.rearrange(UP1), HIGH1);
        FloatVector d5 = c4.rearrange(DOWN1).blend(c5, HIGH1);
        FloatVector d6 = c6.blend(c7.rearrange(UP1), HIGH1);
        FloatVector d7 = c6.rearrange(DOWN1).blend(c7, HIGH1);
        FloatVector d8 = c8.blend(c9.rearrange(UP1), HIGH1);
        FloatVector d9 = c8.rearrange(DOWN1).blend(c9, HIGH1);
        FloatVector d10 = c10.blend(c11.rearrange(UP1), HIGH1);
        FloatVector d11 = c10.rearrange(DOWN1).blend(c11, HIGH1);
        FloatVector d12 = c12.blend(c13.rearrange(UP1), HIGH1);
        FloatVector d13 = c12.rearrange(DOWN1).blend(c13, HIGH1);
        FloatVector d14 = c14.blend(c15.rearrange(UP1), HIGH1);
        FloatVector d15 = c14.rearrange(DOWN1).blend(c15, HIGH1);
        d0.mul(alpha).intoArray(bp, dst);
        d1.mul(alpha).intoArray(bp, dst + 1 * NR);
        d2.mul(alpha).intoArray(bp, dst + 2 * NR);
        d3.mul(alpha).intoArray(bp, dst + 3 * NR);
        d4.mul(alpha).intoArray(bp, dst + 4 * NR);
        d5.mul(alpha).intoArray(bp, dst + 5 * NR);
        d6.mul(alpha).intoArray(bp, dst + 6 * NR);
        d7.mul(alpha).intoArray(bp, dst + 7 * NR);
        d8.mul(alpha).intoArray(bp, dst + 8 * NR);
        d9.mul(alpha).intoArray(bp, dst + 9 * NR);
        d10.mul(alpha).intoArray(bp, dst + 10 * NR);
        d11.mul(alpha).intoArray(bp, dst + 11 * NR);
        d12.mul(alpha).intoArray(bp, dst + 12 * NR);
        d13.mul(alpha).intoArray(bp, dst + 13 * NR);
        d14.mul(alpha).intoArray(bp, dst + 14 * NR);
        d15.mul(alpha).intoArray(bp, dst + 15 * NR);
    }
}
