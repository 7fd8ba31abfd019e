package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The float32 tanh loop against {@link Math#tanh} rounded to float32, the naive reference. */
class TanhLoopTest {
    @Test
    void floatTanhIsWithinOneUlpOfTheRoundedDoubleTanh() {
        Random r = new Random(7);
        int n = 200_000;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            // magnitudes from 1e-12 to 30, both signs, around both branches of the loop
            x[i] = (float) (Math.pow(10, -12 + 13.5 * r.nextDouble()) * (r.nextBoolean() ? 1 : -1));
        }
        x[0] = 0x1p-13f;
        x[1] = Math.nextDown(0x1p-13f);
        x[2] = -0x1p-13f;
        float[] got = new float[n];
        UnaryLoops.f32(UnaryLoops.TANH, x, got, n);
        int exact = 0;
        for (int i = 0; i < n; i++) {
            float want = (float) Math.tanh(x[i]);
            assertTrue(Math.abs(got[i] - want) <= Math.ulp(want), "tanh(" + x[i] + "): " + got[i] + ", want " + want);
            exact += got[i] == want ? 1 : 0;
        }
        assertTrue(exact > n * 0.999, exact + " of " + n + " correctly rounded");
    }

    @Test
    void specialValuesKeepTheirMeaning() {
        float[] x = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 100f, -100f};
        float[] got = new float[x.length];
        UnaryLoops.f32(UnaryLoops.TANH, x, got, x.length);
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(got[0]));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(got[1]));
        assertEquals(1f, got[2]);
        assertEquals(-1f, got[3]);
        assertTrue(Float.isNaN(got[4]));
        assertEquals(1f, got[5]);
        assertEquals(-1f, got[6]);
    }
}
