package dev.tensorgraph.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

final class TrainingAssertions {
    private TrainingAssertions() {}

    /** Each variable within 1e-5 of the reference, relative to the variable's largest magnitude. */
    static void assertMatches(Map<String, float[]> reference, TrainingResult result) {
        for (Map.Entry<String, float[]> e : reference.entrySet()) {
            float[] want = e.getValue();
            float[] got = result.variable(e.getKey()).floats();
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < want.length; i++) {
                scale = Math.max(scale, Math.abs(want[i]));
                diff = Math.max(diff, Math.abs(want[i] - got[i]));
            }
            assertTrue(diff <= 1e-5 * scale, e.getKey() + ": differs by " + diff + " at scale " + scale);
        }
    }
}
