package dev.tensorgraph.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reading the cases TensorFlow wrote under {@code tf-cases/} and {@code tf-cases-2.21/} (see their READMEs)
 * and comparing with them.
 */
public final class TfReference {
    /** The READMEs' tolerance for floating values: relative to the expected value, plus an absolute floor. */
    private static final double REL_TOL = 1e-5;
    private static final double ABS_TOL = 1e-6;

    private TfReference() {}

    public static Path caseDir(String name) throws Exception {
        return Path.of(TfReference.class.getResource("/tf-cases/" + name).toURI());
    }

    public static Map<String, Object> json(Path p) throws Exception {
        return Json.parseObject(Files.readString(p, StandardCharsets.UTF_8));
    }

    /** A tensor written as {@code {dtype, shape, values}}. */
    public static Tensor tensor(Object spec) {
        Map<String, Object> m = Json.asMap(spec);
        if (m.containsKey("npy")) {
            throw new IllegalArgumentException("tensors in .npy files are not read here: " + m.get("npy"));
        }
        DType dtype = DType.fromName((String) m.get("dtype"));
        long[] shape = Json.asList(m.get("shape")).stream().mapToLong(d -> ((Number) d).longValue()).toArray();
        List<Object> v = Json.asList(m.get("values"));
        int n = v.size();
        Object flat = switch (dtype) {
            case FLOAT32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = number(v.get(i)).floatValue();
                }
                yield a;
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = number(v.get(i)).doubleValue();
                }
                yield a;
            }
            case INT32 -> v.stream().mapToInt(x -> ((Number) x).intValue()).toArray();
            case INT64 -> v.stream().mapToLong(x -> ((Number) x).longValue()).toArray();
            case UINT8 -> {
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (byte) ((Number) v.get(i)).intValue();
                }
                yield a;
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (Boolean) v.get(i);
                }
                yield a;
            }
            default -> throw new IllegalArgumentException(dtype + " tensors are not used by the cases");
        };
        return Tensor.of(dtype, Shape.of(shape), flat);
    }

    /** A value of a float tensor: a number, or one of the names the cases give non-finite values. */
    private static Number number(Object o) {
        if (o instanceof String s) {
            return switch (s) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> throw new IllegalArgumentException("not a number: " + s);
            };
        }
        return (Number) o;
    }

    /** Equal shapes, and values within 1e-5 of the largest of TensorFlow's values (relative). */
    public static void assertClose(String what, Tensor want, Tensor got) {
        assertEquals(want.shape(), got.shape(), what + " shape");
        double[] w = want.toDoubles();
        double[] a = got.toDoubles();
        double max = 0;
        for (double x : w) {
            max = Math.max(max, Math.abs(x));
        }
        for (int i = 0; i < w.length; i++) {
            if (Math.abs(w[i] - a[i]) > 1e-5 * Math.max(max, 1e-3)) {
                fail(what + "[" + i + "]: TensorFlow " + w[i] + ", here " + a[i]);
            }
        }
    }

    /**
     * Same dtype and shape; floating values within 1e-5 relative plus 1e-6 absolute (NaN where TensorFlow has
     * NaN), everything else exactly.
     */
    public static void assertMatches(String what, Tensor want, Tensor got) {
        assertEquals(want.dtype(), got.dtype(), what + " dtype");
        assertEquals(want.shape(), got.shape(), what + " shape");
        if (want.dtype() == DType.BOOL) {
            assertArrayEquals(want.booleans(), got.booleans(), what);
            return;
        }
        if (want.dtype() == DType.INT64) {
            assertArrayEquals(want.longs(), got.longs(), what);
            return;
        }
        double[] e = want.toDoubles();
        double[] a = got.toDoubles();
        for (int i = 0; i < e.length; i++) {
            boolean ok;
            if (want.dtype().isFloating()) {
                ok = Double.isNaN(e[i]) ? Double.isNaN(a[i])
                        : e[i] == a[i] || Math.abs(a[i] - e[i]) <= ABS_TOL + REL_TOL * Math.abs(e[i]);
            } else {
                ok = e[i] == a[i];
            }
            if (!ok) {
                fail(what + "[" + i + "]: TensorFlow gives " + e[i] + ", we give " + a[i] + "\n expected " + want
                        + "\n got " + got);
            }
        }
    }
}
