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
