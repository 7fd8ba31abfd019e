package dev.tensorgraph.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatSums}' sixteen partial sums with the JDK's vector API: sixteen floats at a time, each half widened
 * to eight doubles, two double vectors holding the sixteen sums. Each partial sum receives the same elements in the
 * same order as the scalar loop's, so the result has the same bits; on a 1024x1024 run, 291 -> 84 us on one core.
 * Without the module this class must not be touched at all.
 *
 * <p>The floats are read with the species every other kernel uses. C2 keeps a vector in registers only where it
 * can prove the vector's exact class, and for the accumulators of a loop it falls back on the type profiles of
 * the vector API's own methods, which every caller in the process shares: one 256-bit float vector used here made
 * those profiles name two classes, and {@link VectorSgemm}'s kernel then allocated each accumulator on the heap
 * (W3 spent a third of its step in the collector's young generation, about 2 GB/s).
 */
final class FloatSumVectors {
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_512;
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    /** Whether the CPU has 512-bit vectors; emulated ones would be slower than the scalar loop. */
    static final boolean APPLIES = DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 512;

    private FloatSumVectors() {}

    /**
     * Adds {@code x[from + 16q + j]} to {@code partials[j]} for every whole group q of sixteen in {@code [from, to)};
     * returns where the groups end.
     */
    static int addGroups(float[] x, int from, int to, double[] partials) {
        DoubleVector low = DoubleVector.zero(DOUBLES);
        DoubleVector high = DoubleVector.zero(DOUBLES);
        int i = from;
        for (; i <= to - FloatSums.PARTIALS; i += FloatSums.PARTIALS) {
            FloatVector group = FloatVector.fromArray(FLOATS, x, i);
            low = low.add(group.convertShape(VectorOperators.F2D, DOUBLES, 0));
            high = high.add(group.convertShape(VectorOperators.F2D, DOUBLES, 1));
        }
        low.intoArray(partials, 0);
        high.intoArray(partials, 8);
        return i;
    }
}
