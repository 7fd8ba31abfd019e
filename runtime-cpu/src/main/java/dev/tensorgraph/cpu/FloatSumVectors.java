package dev.tensorgraph.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatSums}' sixteen partial sums with the JDK's vector API: sixteen floats at a time, each half widened
 * to eight doubles and added to eight of the sums. Each partial sum receives the same elements in the same order
 * as the scalar loop's, so the result has the same bits; on a 1024x1024 run, 291 -> 84 us on one core. Without
 * the module this class must not be touched at all.
 *
 * <p>The floats are read with the species every other kernel uses. C2 keeps a vector carried around a loop in a
 * register only where it can prove the vector's exact class, and otherwise relies on the type profiles of the
 * vector API's own methods, which every caller in the process shares: a 256-bit float vector read here once
 * spoiled those profiles for {@link VectorSgemm}, whose accumulators were then allocated on every call (W3: about
 * 2 GB/s), and this loop's own sums were allocated too. With one species for each element type the sums stay in
 * registers. Kept in {@code partials} between steps instead, every step waited for the last one's store: summing
 * 1024x1024 floats on two threads took 167 us against 55 now, and 220 against 167 right after W2's product wrote
 * them (the same bits). Each carried sum is only ever an argument, never the receiver, of a vector call.
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
     * Adds {@code x[from + 16q + j]} to {@code partials[j]} for every whole group q of sixteen in {@code [from, to)};
     * returns where the groups end.
     */
    static int addGroups(float[] x, int from, int to, double[] partials) {
        DoubleVector low = DoubleVector.fromArray(DOUBLES, partials, 0);
        DoubleVector high = DoubleVector.fromArray(DOUBLES, partials, 8);
        int i = from;
        for (; i <= to - FloatSums.PARTIALS; i += FloatSums.PARTIALS) {
            FloatVector group = FloatVector.fromArray(FLOATS, x, i);
            low = ((DoubleVector) group.convertShape(VectorOperators.F2D, DOUBLES, 0)).add(low);
            high = ((DoubleVector) group.convertShape(VectorOperators.F2D, DOUBLES, 1)).add(high);
        }
        // Adding -0.0 changes no value, not even a zero's sign; it stores the sums through a vector of known type.
        DoubleVector.broadcast(DOUBLES, -0.0).add(low).intoArray(partials, 0);
        DoubleVector.broadcast(DOUBLES, -0.0).add(high).intoArray(partials, 8);
        return i;
    }
}
