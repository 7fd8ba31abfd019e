package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The float32 same-shape binary path (split across threads, loops indexed from each split's start) against
 * the per-element formulas, bit for bit (any NaN for a NaN of arithmetic), with special values mixed in.
 */
class SameShapeBinaryTest {
    private static final float[] SPECIAL = {0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0xFFC00001)};

    private static float[] values(int n, Random r) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(20) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : (float) r.nextGaussian();
        }
        return a;
    }

    private static void check(int code, BinaryOperator<Float> ref) {
        Random r = new Random(code);
        // Sizes below and above the parallel threshold, one not a multiple of a cache line.
        for (int n : new int[] {5, 1000, 100_003}) {
            for (int threads : new int[] {1, 2, 3}) {
                float[] a = values(n, r);
                float[] b = values(n, r);
                float[] out = new float[n];
                ElementwiseKernels.sameShapeF32(code, a, b, out, n, threads);
                for (int i = 0; i < n; i++) {
                    float want = ref.apply(a[i], b[i]);
                    if (Float.isNaN(want) && code != BinaryLoops.RELU_GRAD) {
                        // Arithmetic may return either operand's NaN payload; ReluGrad passes its input through.
                        assertEquals(true, Float.isNaN(out[i]), "NaN at " + i);
                        continue;
                    }
                    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(out[i]),
                            "op " + code + " n " + n + " threads " + threads + " at " + i + ": " + a[i] + ", " + b[i]);
                }
            }
        }
    }

    @Test
    void arithmeticMatchesJavaOperators() {
        check(BinaryLoops.ADD, (x, y) -> x + y);
        check(BinaryLoops.SUB, (x, y) -> x - y);
        check(BinaryLoops.MUL, (x, y) -> x * y);
        check(BinaryLoops.DIV, (x, y) -> x / y);
        check(BinaryLoops.MAX, Math::max);
    }

    @Test
    void reluGradPassesGradientsOnlyWhereFeaturesArePositive() {
        check(BinaryLoops.RELU_GRAD, (g, f) -> f > 0 ? g : 0f);
    }
}
