package dev.tensorgraph.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.Tensor;
import java.util.Arrays;

/** Assertions on tensors: same dtype, shape and values (exactly, or within a tolerance for floats). */
final class TensorAssert {
    private TensorAssert() {}

    static void assertTensorEquals(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        assertTrue(Arrays.deepEquals(new Object[] {expected.array()}, new Object[] {actual.array()}),
                () -> what + ": values differ, first at " + firstDifference(expected, actual));
    }

    /** Float values within {@code tolerance} of the expected ones (dtype may differ); returns the largest difference. */
    static double assertClose(Tensor expected, Tensor actual, double tolerance, String what) {
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.toDoubles();
        double[] a = actual.toDoubles();
        double worst = 0;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs(e[i] - a[i]);
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        int where = at;
        double w = worst;
        assertTrue(worst <= tolerance, () -> what + ": largest difference " + w + " at " + where + " (expected "
                + e[where] + ", got " + a[where] + "), tolerance " + tolerance);
        return worst;
    }

    private static String firstDifference(Tensor expected, Tensor actual) {
        double[] e = expected.dtype() == dev.tensorgraph.DType.STRING ? new double[0] : expected.toDoubles();
        double[] a = actual.dtype() == dev.tensorgraph.DType.STRING ? new double[0] : actual.toDoubles();
        for (int i = 0; i < Math.min(e.length, a.length); i++) {
            if (Double.compare(e[i], a[i]) != 0) {
                return "index " + i + ": expected " + e[i] + ", got " + a[i];
            }
        }
        return "(strings)";
    }
}
