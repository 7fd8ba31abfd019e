package dev.tensorgraph.cpu;

import static dev.tensorgraph.cpu.VectorSgemm.LANES;
import static dev.tensorgraph.cpu.VectorSgemm.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link ProductSum}'s sum of a whole tile (five rows of a panel, four vectors each) with the JDK's vector API: the
 * tile's vectors added as they are read, then across their lanes. No vector is carried from one step of a loop to
 * the next, which would let C2 allocate it (see {@link FloatSumVectors}). Without the module this class must not be
 * touched at all.
 */
final class ProductSumVectors {
    private ProductSumVectors() {}

    /** The sum of the 5 x NR floats from {@code o}, rows {@code ld} apart. */
    static double sumTile(float[] c, int o, int ld) {
        return (double) (rowSum(c, o).add(rowSum(c, o + ld)).add(rowSum(c, o + 2 * ld))
                .add(rowSum(c, o + 3 * ld)).add(rowSum(c, o + 4 * ld))).reduceLanes(VectorOperators.ADD);
    }

    private static FloatVector rowSum(float[] c, int o) {
        return FloatVector.fromArray(SPECIES, c, o).add(FloatVector.fromArray(SPECIES, c, o + LANES))
                .add(FloatVector.fromArray(SPECIES, c, o + 2 * LANES).add(FloatVector.fromArray(SPECIES, c,
                        o + 3 * LANES)));
    }
}
