package dev.tensorgraph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.io.TensorBytes;
import dev.tensorgraph.proto.TensorProto;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The 16-bit conversions against a naive reference: every finite pattern's value listed in order, the nearest
 * one found by search with ties to the even pattern; and the dtypes through tensors, GraphDef values and
 * checkpoint bytes.
 */
class HalfFloatsTest {
    /** The non-negative finite values of {@code dtype} in increasing order, indexed by their pattern. */
    private static double[] finiteValues(DType dtype) {
        int maxFinite = dtype == DType.BFLOAT16 ? 0x7f7f : 0x7bff;
        double[] v = new double[maxFinite + 1];
        for (int p = 0; p <= maxFinite; p++) {
            v[p] = dtype == DType.BFLOAT16 ? Float.intBitsToFloat(p << 16) : halfValueByFormula(p);
        }
        return v;
    }

    /** IEEE half's value from its definition, independently of the code under test. */
    private static double halfValueByFormula(int p) {
        int e = p >> 10;
        int m = p & 0x3ff;
        return e == 0 ? m * Math.pow(2, -24) : (1 + m / 1024.0) * Math.pow(2, e - 15);
    }

    /** The pattern nearest to {@code x} by search; past the largest finite value plus half a step: infinity. */
    private static int naiveNearest(DType dtype, double[] values, float x) {
        int sign = Float.floatToRawIntBits(x) < 0 ? 0x8000 : 0;
        double a = Math.abs((double) x);
        int top = values.length - 1;
        double step = values[top] - values[top - 1];
        int infinity = dtype == DType.BFLOAT16 ? 0x7f80 : 0x7c00;
        if (a >= values[top] + step / 2) {
            return sign | infinity; // the tie at the top rounds to the even pattern, which is the infinity
        }
        int i = Arrays.binarySearch(values, a);
        if (i >= 0) {
            return sign | i;
        }
        int hi = -i - 1;
        int lo = hi - 1;
        if (hi > top) {
            return sign | top;
        }
        double dLo = a - values[lo];
        double dHi = values[hi] - a;
        int pick = dLo < dHi ? lo : dHi < dLo ? hi : (lo % 2 == 0 ? lo : hi);
        return sign | pick;
    }

    private static void checkAgainstNaive(DType dtype) {
        double[] values = finiteValues(dtype);
        SplittableRandom r = new SplittableRandom(7);
        for (int k = 0; k < 400_000; k++) {
            float x = k % 2 == 0 ? Float.intBitsToFloat(r.nextInt())
                    : (float) (r.nextGaussian() * Math.pow(2, r.nextInt(-30, 20)));
            if (Float.isNaN(x)) {
                continue;
            }
            int want = naiveNearest(dtype, values, x);
            int got = HalfFloats.narrow(dtype, x) & 0xffff;
            if (want != got) {
                throw new AssertionError(dtype + " of " + x + " (0x" + Integer.toHexString(Float.floatToRawIntBits(x))
                        + "): want 0x" + Integer.toHexString(want) + ", got 0x" + Integer.toHexString(got));
            }
        }
        // Exact halfway points between neighbours, where ties to even decide.
        for (int p = 0; p + 1 < values.length; p++) {
            float mid = (float) ((values[p] + values[p + 1]) / 2);
            if (mid == (values[p] + values[p + 1]) / 2) {
                assertEquals(naiveNearest(dtype, values, mid), HalfFloats.narrow(dtype, mid) & 0xffff, "tie at " + mid);
                assertEquals(naiveNearest(dtype, values, -mid), HalfFloats.narrow(dtype, -mid) & 0xffff, "tie at " + -mid);
            }
        }
    }

    @Test
    void bfloat16RoundsToNearestEvenAsTheNaiveSearch() {
        checkAgainstNaive(DType.BFLOAT16);
    }

    @Test
    void halfRoundsToNearestEvenAsTheNaiveSearchSubnormalsIncluded() {
        checkAgainstNaive(DType.HALF);
    }

    @Test
    void everyPatternWidensExactlyAndNarrowsBackToItself() {
        for (DType d : new DType[] {DType.BFLOAT16, DType.HALF}) {
            double[] values = finiteValues(d);
            for (int p = 0; p < 0x10000; p++) {
                float f = HalfFloats.widen(d, (short) p);
                int magnitude = p & 0x7fff;
                if (Float.isNaN(f)) {
                    assertTrue(magnitude > (d == DType.BFLOAT16 ? 0x7f80 : 0x7c00), "NaN from 0x" + Integer.toHexString(p));
                    continue;
                }
                if (magnitude < values.length) {
                    assertEquals(values[magnitude], Math.abs((double) f), 0.0, d + " 0x" + Integer.toHexString(p));
                }
                assertEquals(p, HalfFloats.narrow(d, f) & 0xffff, d + " round trip of 0x" + Integer.toHexString(p));
            }
        }
    }

    @Test
    void nanStaysNanAsTensorFlowMakesItAndInfinitiesStay() {
        assertEquals(0x7fc0, HalfFloats.toBfloat16(Float.NaN) & 0xffff);
        assertEquals(0x7fc0, HalfFloats.toBfloat16(Float.intBitsToFloat(0xffc00001)) & 0xffff);
        assertEquals(0x7e00, HalfFloats.toHalf(Float.NaN) & 0xffff);
        assertEquals(0xfe00, HalfFloats.toHalf(Float.intBitsToFloat(0xff800001)) & 0xffff);
        assertEquals(0xfe73, HalfFloats.toHalf(Float.intBitsToFloat(0xff8e6000)) & 0xffff);
        assertEquals(0x7c00, HalfFloats.toHalf(Float.POSITIVE_INFINITY) & 0xffff);
        assertEquals(0xff80, HalfFloats.toBfloat16(Float.NEGATIVE_INFINITY) & 0xffff);
        assertEquals(0x7c00, HalfFloats.toHalf(65520f) & 0xffff);
        assertEquals(0x7bff, HalfFloats.toHalf(65519.996f) & 0xffff);
    }

    @Test
    void tensorsOfFloatsRoundAndShortsAreThePatterns() {
        Tensor b = Tensor.of(DType.BFLOAT16, Shape.of(3), new float[] {1f, 1.00390625f, -3.1f});
        assertArrayEquals(new short[] {0x3f80, 0x3f80, (short) 0xc046}, b.halfBits());
        assertArrayEquals(new float[] {1f, 1f, -3.09375f}, b.toFloats());
        assertArrayEquals(new double[] {1, 1, -3.09375}, b.toDoubles());
        Tensor h = Tensor.of(DType.HALF, Shape.of(2), new short[] {0x3c00, (short) 0xc000});
        assertArrayEquals(new float[] {1f, -2f}, h.toFloats());
        assertEquals(DType.HALF, DType.fromCode(19));
        assertEquals(DType.BFLOAT16, DType.fromCode(114));
        assertEquals(DType.BFLOAT16, DType.fromName("bfloat16"));
        assertEquals("float16", DType.HALF.toString());
        assertThrows(InvalidArgumentException.class, () -> Tensor.wrap(DType.HALF, Shape.of(2), new float[2]));
        assertThrows(InvalidArgumentException.class, () -> Tensor.of(1f).halfBits());
    }

    @Test
    void graphDefValuesUseTensorContentAndHalfValAsTensorFlowDoes() {
        for (DType d : new DType[] {DType.BFLOAT16, DType.HALF}) {
            Tensor t = Tensor.of(d, Shape.of(2, 2), new float[] {0.5f, -1.25f, 3f, 1e-3f});
            TensorProto p = GraphDefTensors.toProto(t);
            assertEquals(d.code(), p.getDtypeValue());
            assertEquals(8, p.getTensorContent().size());
            assertArrayEquals(t.halfBits(), GraphDefTensors.fromProto(p).halfBits());

            Tensor filled = Tensor.of(d, Shape.of(3), new float[] {0.375f, 0.375f, 0.375f});
            TensorProto q = GraphDefTensors.toProto(filled);
            assertEquals(1, q.getHalfValCount());
            assertEquals(filled.halfBits()[0] & 0xffff, q.getHalfVal(0));
            assertArrayEquals(filled.halfBits(), GraphDefTensors.fromProto(q).halfBits());
        }
    }

    @Test
    void checkpointBytesAreTheLittleEndianPatterns() {
        Tensor t = Tensor.of(DType.HALF, Shape.of(2), new short[] {0x3c00, (short) 0xc001});
        assertArrayEquals(new byte[] {0x00, 0x3c, 0x01, (byte) 0xc0}, TensorBytes.encode(t));
        Tensor back = TensorBytes.decode(DType.HALF, Shape.of(2), TensorBytes.encode(t), 0, 4);
        assertArrayEquals(t.halfBits(), back.halfBits());
    }
}
