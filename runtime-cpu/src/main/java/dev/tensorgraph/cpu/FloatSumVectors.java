package dev.tensorgraph.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatSums}' partial sums with the JDK's vector API: sixty-four floats at a time, each vector's halves
 * widened to eight doubles and added to eight of the sums. Each partial sum receives the same elements in the same
 * order as the scalar loop's, so the result has the same bits; on a 1024x1024 run, 291 -> 84 us on one core. Without
 * the module this class must not be touched at all.
 *
 * <p>Two things keep C2 from allocating a vector object per step (it did, in some JVMs and not others: a flight
 * recording of W2 after its warm-up found this loop's double vectors on the heap). The sums live in
 * {@code partials} between steps, not in vectors carried around the loop: for such a vector C2 must prove its
 * exact class, and where it cannot it relies on the type profiles of the vector API's own methods, which every
 * caller in the process shares and which any use of another species spoils. And the floats are read with the
 * species every other kernel uses: a 256-bit float vector read here spoiled those profiles for
 * {@link VectorSgemm}, whose accumulators were then allocated on every call (W3: about 2 GB/s). Sums carried in
 * registers were tried again with one species for each element type (the widened floats added to them, never a
 * call on them): two of five JVMs still allocated them, and summed 1024x1024 floats in 310-340 us with 60 young
 * collections in a few seconds, against 45-70 us in the others. In memory it took 170-300 us in every JVM with
 * sixteen sums (two vectors, each read back at the next step), and 100-145 us with 64 (eight vectors).
 */
final class FloatSumVectors {
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    /**
     * Whether the CPU's vectors are 512 bits: sixteen floats and eight doubles a vector, as the loop assumes
     * (emulated wide vectors would be slower than the scalar loop).
     */
    static final boolean APPLIES = DoubleVector.SPECIES_PREFERRED.vectorBitSize() == 512;

    private FloatSumVectors() {}

    /**
     * Adds {@code x[from + 64q + j]} to {@code partials[j]} for every whole group q of {@link FloatSums#PARTIALS} in
     * {@code [from, to)}; returns where the groups end.
     */
    static int addGroups(float[] x, int from, int to, double[] partials) {
        int i = from;
        for (; i <= to - FloatSums.PARTIALS; i += FloatSums.PARTIALS) {
            FloatVector g0 = FloatVector.fromArray(FLOATS, x, i);
            FloatVector g1 = FloatVector.fromArray(FLOATS, x, i + 16);
            FloatVector g2 = FloatVector.fromArray(FLOATS, x, i + 32);
            FloatVector g3 = FloatVector.fromArray(FLOATS, x, i + 48);
            DoubleVector.fromArray(DOUBLES, partials, 0).add(g0.convertShape(VectorOperators.F2D, DOUBLES, 0))
                    .intoArray(partials, 0);
            DoubleVector.fromArray(DOUBLES, partials, 8).add(g0.convertShape(VectorOperators.F2D, DOUBLES, 1))
                    .intoArray(partials, 8);
            DoubleVector.fromArray(DOUBLES, partials, 16).add(g1.convertShape(VectorOperators.F2D, DOUBLES, 0))
                    .intoArray(partials, 16);
            DoubleVector.fromArray(DOUBLES, partials, 24).add(g1.convertShape(VectorOperators.F2D, DOUBLES, 1))
                    .intoArray(partials, 24);
            DoubleVector.fromArray(DOUBLES, partials, 32).add(g2.convertShape(VectorOperators.F2D, DOUBLES, 0))
                    .intoArray(partials, 32);
            DoubleVector.fromArray(DOUBLES, partials, 40).add(g2.convertShape(VectorOperators.F2D, DOUBLES, 1))
                    .intoArray(partials, 40);
            DoubleVector.fromArray(DOUBLES, partials, 48).add(g3.convertShape(VectorOperators.F2D, DOUBLES, 0))
                    .intoArray(partials, 48);
            DoubleVector.fromArray(DOUBLES, partials, 56).add(g3.convertShape(VectorOperators.F2D, DOUBLES, 1))
                    .intoArray(partials, 56);
        }
        return i;
    }
}
