package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.TensorgraphException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.function.Executable;

/** Helpers of the array and indexing op tests: random tensors of any dtype, runs, comparisons, expected errors. */
final class ArrayTestSupport {
    /** The dtypes the data-moving kernels must take. */
    static final List<DType> ALL_TYPES = List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64, DType.UINT8,
            DType.BOOL);
    /** The dtypes the arithmetic kernels must take. */
    static final List<DType> NUMBER_TYPES = List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64);

    private ArrayTestSupport() {}

    /** Values in [-10, 10) of any dtype (uint8: [0, 20), bool: random). */
    static Tensor random(long seed, DType t, long... shape) {
        Random r = new Random(seed);
        Shape s = Shape.of(shape);
        int n = (int) s.numElements();
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = t.isFloating() ? r.nextDouble() * 20 - 10 : r.nextInt(20) - (t == DType.UINT8 ? 0 : 10);
        }
        return of(t, s, d);
    }

    /** A tensor of dtype t holding the given numbers (bool: non-zero). */
    static Tensor of(DType t, Shape s, double[] d) {
        int n = d.length;
        Object flat = switch (t) {
            case FLOAT32 -> { float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float) d[i]; yield a; }
            case FLOAT64 -> d.clone();
            case INT32 -> { int[] a = new int[n]; for (int i = 0; i < n; i++) a[i] = (int) d[i]; yield a; }
            case INT64 -> { long[] a = new long[n]; for (int i = 0; i < n; i++) a[i] = (long) d[i]; yield a; }
            case UINT8 -> { byte[] a = new byte[n]; for (int i = 0; i < n; i++) a[i] = (byte) d[i]; yield a; }
            case BOOL -> { boolean[] a = new boolean[n]; for (int i = 0; i < n; i++) a[i] = d[i] != 0; yield a; }
            default -> throw new IllegalArgumentException("no " + t + " tensors here");
        };
        return Tensor.of(t, s, flat);
    }

    /** An int32 or int64 index tensor. */
    static Tensor indices(DType t, Shape s, long... v) {
        if (t == DType.INT64) {
            return Tensor.of(DType.INT64, s, v.clone());
        }
        int[] a = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            a[i] = (int) v[i];
        }
        return Tensor.of(DType.INT32, s, a);
    }

    static Tensor run(Graph g, Output y) {
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            return s.run(y, Map.of());
        }
    }

    static List<Tensor> run(Graph g, List<Output> ys) {
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            return s.run(ys, Map.of());
        }
    }

    /** Elements as doubles (bool as 0/1, uint8 unsigned). */
    static double[] values(Tensor t) {
        if (t.dtype() == DType.BOOL) {
            boolean[] b = t.booleans();
            double[] d = new double[b.length];
            for (int i = 0; i < b.length; i++) {
                d[i] = b[i] ? 1 : 0;
            }
            return d;
        }
        if (t.dtype() == DType.UINT8) {
            byte[] b = t.bytes();
            double[] d = new double[b.length];
            for (int i = 0; i < b.length; i++) {
                d[i] = b[i] & 0xff;
            }
            return d;
        }
        return t.toDoubles();
    }

    /** Same dtype, shape and values; floats within 1e-5 relative (1e-12 for float64), NaN matching NaN. */
    static void assertTensor(Tensor want, Tensor got, String what) {
        assertEquals(want.dtype(), got.dtype(), what + ": dtype");
        assertEquals(want.shape(), got.shape(), what + ": shape");
        double[] e = values(want);
        double[] a = values(got);
        double tol = want.dtype() == DType.FLOAT32 ? 1e-5 : want.dtype() == DType.FLOAT64 ? 1e-12 : 0;
        for (int i = 0; i < e.length; i++) {
            boolean ok = Double.isNaN(e[i]) ? Double.isNaN(a[i]) : Math.abs(a[i] - e[i]) <= tol * (1 + Math.abs(e[i]));
            assertTrue(ok, what + "[" + i + "]: expected " + e[i] + ", got " + a[i]);
        }
    }

    static void assertValues(double[] want, Tensor got, String what) {
        assertArrayEquals(want, values(got), 1e-9, what);
    }

    /** Runs {@code body}, expecting a typed error whose message holds every fragment. */
    static <T extends TensorgraphException> T assertError(Class<T> type, Executable body, String... fragments) {
        T e = assertThrows(type, body);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
        return e;
    }
}
