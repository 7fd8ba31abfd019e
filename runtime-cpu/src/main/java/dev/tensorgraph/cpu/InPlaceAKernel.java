package dev.tensorgraph.cpu;

import static dev.tensorgraph.cpu.VectorSgemm.LANES;
import static dev.tensorgraph.cpu.VectorSgemm.NR;
import static dev.tensorgraph.cpu.VectorSgemm.SPECIES;

import jdk.incubator.vector.FloatVector;

/**
 * {@link VectorSgemm}'s micro-kernel for an op(A) read where it lies, its rows {@code lda} apart, instead of from a
 * packed copy ({@link VectorSgemm#readsAInPlace} says when). It is VectorSgemm's kernel with the other addressing
 * of A: five rows read side by side rather than one interleaved run, so that each of its loads has a constant
 * stride in the loop and C2 drops their bounds checks. Each element gets the same sum, in the same order, as from
 * the copy.
 */
final class InPlaceAKernel {
    private InPlaceAKernel() {}

    /**
     * Adds op(A) op(B) over kc steps for one MR x NR tile to {@code t} at {@code o}, rows {@code ld} apart, A's rows
     * at {@code ao + r * lda}. Written out as VectorSgemm's kernel is, and for the same reason: anything C2 does not
     * inline here boxes the accumulators.
     */
    static void kernel(int kc, float[] a, int ao, int lda, float[] bp, int bo, float[] t, int o, int ld) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z;
        int a0 = ao;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int a4 = a3 + lda;
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bi + LANES);
            FloatVector b2 = FloatVector.fromArray(SPECIES, bp, bi + 2 * LANES);
            FloatVector b3 = FloatVector.fromArray(SPECIES, bp, bi + 3 * LANES);
            FloatVector x = FloatVector.broadcast(SPECIES, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(SPECIES, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(SPECIES, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(SPECIES, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(SPECIES, a[a4 + p]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            c42 = x.fma(b2, c42);
            c43 = x.fma(b3, c43);
        }
        int t0 = o;
        FloatVector.fromArray(SPECIES, t, t0).add(c00).intoArray(t, t0);
        FloatVector.fromArray(SPECIES, t, t0 + LANES).add(c01).intoArray(t, t0 + LANES);
        FloatVector.fromArray(SPECIES, t, t0 + 2 * LANES).add(c02).intoArray(t, t0 + 2 * LANES);
        FloatVector.fromArray(SPECIES, t, t0 + 3 * LANES).add(c03).intoArray(t, t0 + 3 * LANES);
        int t1 = o + ld;
        FloatVector.fromArray(SPECIES, t, t1).add(c10).intoArray(t, t1);
        FloatVector.fromArray(SPECIES, t, t1 + LANES).add(c11).intoArray(t, t1 + LANES);
        FloatVector.fromArray(SPECIES, t, t1 + 2 * LANES).add(c12).intoArray(t, t1 + 2 * LANES);
        FloatVector.fromArray(SPECIES, t, t1 + 3 * LANES).add(c13).intoArray(t, t1 + 3 * LANES);
        int t2 = o + 2 * ld;
        FloatVector.fromArray(SPECIES, t, t2).add(c20).intoArray(t, t2);
        FloatVector.fromArray(SPECIES, t, t2 + LANES).add(c21).intoArray(t, t2 + LANES);
        FloatVector.fromArray(SPECIES, t, t2 + 2 * LANES).add(c22).intoArray(t, t2 + 2 * LANES);
        FloatVector.fromArray(SPECIES, t, t2 + 3 * LANES).add(c23).intoArray(t, t2 + 3 * LANES);
        int t3 = o + 3 * ld;
        FloatVector.fromArray(SPECIES, t, t3).add(c30).intoArray(t, t3);
        FloatVector.fromArray(SPECIES, t, t3 + LANES).add(c31).intoArray(t, t3 + LANES);
        FloatVector.fromArray(SPECIES, t, t3 + 2 * LANES).add(c32).intoArray(t, t3 + 2 * LANES);
        FloatVector.fromArray(SPECIES, t, t3 + 3 * LANES).add(c33).intoArray(t, t3 + 3 * LANES);
        int t4 = o + 4 * ld;
        FloatVector.fromArray(SPECIES, t, t4).add(c40).intoArray(t, t4);
        FloatVector.fromArray(SPECIES, t, t4 + LANES).add(c41).intoArray(t, t4 + LANES);
        FloatVector.fromArray(SPECIES, t, t4 + 2 * LANES).add(c42).intoArray(t, t4 + 2 * LANES);
        FloatVector.fromArray(SPECIES, t, t4 + 3 * LANES).add(c43).intoArray(t, t4 + 3 * LANES);
    }
}
