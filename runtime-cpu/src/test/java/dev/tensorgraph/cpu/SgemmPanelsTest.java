package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The copies of a transposed B into the product's panels, which go square by square through the registers where the
 * vectors have 16 lanes ({@link PanelTransposeVectors}), against the panel layout written out element by element.
 */
class SgemmPanelsTest {
    private static final int NR = VectorSgemm.NR;

    /**
     * n, k, and the block copied (pc, kc, jc, nc): whole squares only; a shared-dimension tail past the last square;
     * a last panel narrower than NR; a block inside a larger B, from an offset column and depth; fewer steps than a
     * square.
     */
    private static final int[][] BLOCKS = {
            {2 * NR, 32, 0, 32, 0, 2 * NR}, {NR, 37, 0, 37, 0, NR}, {NR + 21, 50, 0, 50, 0, NR + 21},
            {4 * NR, 300, 40, 200, NR, 2 * NR + 5}, {NR, 9, 0, 9, 0, NR}, {3 * NR, 256, 0, 256, 0, 3 * NR},
    };

    @Test
    void transposedPanelsHoldEachElementTimesAlphaWithItsBits() {
        assertTrue(Gemm.vectorApiAvailable(), "the tests run with --add-modules jdk.incubator.vector");
        Random random = new Random(7);
        for (int[] block : BLOCKS) {
            int n = block[0];
            int k = block[1];
            int pc = block[2];
            int kc = block[3];
            int jc = block[4];
            int nc = block[5];
            for (float alpha : new float[] {1f, -0.01f}) {
                int bOff = 3;
                float[] b = JavaSgemmTest.random(bOff + n * k, random);
                b[bOff] = -0f;
                b[bOff + k + 1] = Float.MIN_VALUE;
                b[bOff + n * k - 1] = Float.MAX_VALUE;
                int panels = (nc + NR - 1) / NR;
                float[] got = new float[panels * kc * NR];
                java.util.Arrays.fill(got, Float.NaN);
                SgemmPanels.packB(true, n, k, alpha, b, bOff, pc, kc, jc, nc, 0, panels, got);
                String where = "n=" + n + " k=" + k + " block " + pc + "+" + kc + " x " + jc + "+" + nc + " alpha="
                        + alpha;
                for (int panel = 0; panel < panels; panel++) {
                    for (int p = 0; p < kc; p++) {
                        for (int j = 0; j < NR; j++) {
                            int column = panel * NR + j;
                            float want = column < nc ? b[bOff + (jc + column) * k + pc + p] * alpha : 0f;
                            float at = got[(panel * kc + p) * NR + j];
                            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(at),
                                    where + ": panel " + panel + ", step " + p + ", column " + j);
                        }
                    }
                }
            }
        }
    }
}
