package dev.tensorgraph.ops.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The products the fused-update tests run: sizes {@code m, n, k} with each of the four transposes, random Gaussian
 * operands, the product {@code op(a) op(b)} summed in double, and their tolerance against a reference.
 */
record ProductShapes(int m, int n, int k, boolean ta, boolean tb) {
    /** Every {@code {m, n, k}} of {@code sizes} with each of the four transposes. */
    static List<ProductShapes> all(int[][] sizes) {
        List<ProductShapes> all = new ArrayList<>();
        for (int[] mnk : sizes) {
            for (int transposes = 0; transposes < 4; transposes++) {
                all.add(new ProductShapes(mnk[0], mnk[1], mnk[2], (transposes & 1) != 0, (transposes & 2) != 0));
            }
        }
        return all;
    }

    boolean bothTransposed() {
        return ta && tb;
    }

    /** Element (i, j) of {@code op(a) op(b)}, summed in double. */
    double product(float[] a, float[] b, int i, int j) {
        double s = 0;
        for (int p = 0; p < k; p++) {
            s += (double) a[ta ? p * m + i : i * k + p] * b[tb ? j * k + p : p * n + j];
        }
        return s;
    }

    @Override
    public String toString() {
        return "m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb;
    }

    static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** Within 1e-4 plus 1e-5 relative, element by element. */
    static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-4 + 1e-5 * Math.abs(want[i]), what + " [" + i + "]");
        }
    }
}
