package dev.tensorgraph.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Tensors in the JSON of the reference files TensorFlow wrote ({@code {"dtype", "shape", "values"}}, values flat in
 * row-major order) and the comparison the reference cases use: floats within 1e-5 relative plus 1e-6 absolute,
 * everything else exactly.
 */
public final class TensorJson {
    public static final double REL_TOL = 1e-5;
    public static final double ABS_TOL = 1e-6;

    private TensorJson() {}

    /** The folder of a test resource, e.g. {@code /tf-plumbing-2.21}. */
    public static Path resource(String name) {
        URL url = TensorJson.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("test resource " + name + " is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, Object> read(Path p) {
        try {
            return Json.parseObject(Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Tensor tensor(Map<String, Object> spec) {
        return tensor(spec, null);
    }

    /** A tensor from its JSON: inline {@code values}, or an {@code npy} file of the case folder {@code dir}. */
    public static Tensor tensor(Map<String, Object> spec, Path dir) {
        DType dtype = DType.fromName((String) spec.get("dtype"));
        List<Object> dims = Json.asList(spec.get("shape"));
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = ((Number) dims.get(i)).longValue();
        }
        if (spec.get("npy") != null) {
            return npy(dir.resolve((String) spec.get("npy")), dtype, Shape.of(shape));
        }
        List<Object> v = Json.asList(spec.get("values"));
        int n = v.size();
        Object flat = switch (dtype) {
            case FLOAT32 -> { float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = number(v.get(i)).floatValue(); yield a; }
            case FLOAT64 -> { double[] a = new double[n]; for (int i = 0; i < n; i++) a[i] = number(v.get(i)).doubleValue(); yield a; }
            case INT32 -> { int[] a = new int[n]; for (int i = 0; i < n; i++) a[i] = ((Number) v.get(i)).intValue(); yield a; }
            case INT64 -> { long[] a = new long[n]; for (int i = 0; i < n; i++) a[i] = ((Number) v.get(i)).longValue(); yield a; }
            case UINT8 -> { byte[] a = new byte[n]; for (int i = 0; i < n; i++) a[i] = (byte) ((Number) v.get(i)).intValue(); yield a; }
            case BOOL -> { boolean[] a = new boolean[n]; for (int i = 0; i < n; i++) a[i] = (Boolean) v.get(i); yield a; }
            case STRING -> { byte[][] a = new byte[n][]; for (int i = 0; i < n; i++) a[i] = ((String) v.get(i)).getBytes(StandardCharsets.UTF_8); yield a; }
            case BFLOAT16, HALF -> { float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = number(v.get(i)).floatValue(); yield a; }
            case RESOURCE, VARIANT -> throw new IllegalArgumentException(dtype + " values are not written in the cases");
        };
        return Tensor.of(dtype, Shape.of(shape), flat);
    }

    /** A value of a float tensor: a number, or one of the names the cases give non-finite values. */
    private static Number number(Object o) {
        if (o instanceof String str) {
            return switch (str) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> throw new IllegalArgumentException("not a number: " + str);
            };
        }
        return (Number) o;
    }

    /** The data of a little-endian, C-order .npy file (version 1-3 header) of the case's dtype and shape. */
    private static Tensor npy(Path file, DType dtype, Shape shape) {
        try {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(file)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            int major = b.get(6);
            int headerLen = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
            b.position((major == 1 ? 10 : 12) + headerLen);
            int n = Math.toIntExact(shape.numElements());
            Object flat = switch (dtype) {
                case FLOAT32 -> { float[] a = new float[n]; b.asFloatBuffer().get(a); yield a; }
                case FLOAT64 -> { double[] a = new double[n]; b.asDoubleBuffer().get(a); yield a; }
                case INT32 -> { int[] a = new int[n]; b.asIntBuffer().get(a); yield a; }
                case INT64 -> { long[] a = new long[n]; b.asLongBuffer().get(a); yield a; }
                case UINT8 -> { byte[] a = new byte[n]; b.get(a); yield a; }
                case BOOL -> { boolean[] a = new boolean[n]; for (int i = 0; i < n; i++) a[i] = b.get() != 0; yield a; }
                case BFLOAT16, HALF -> { short[] a = new short[n]; b.asShortBuffer().get(a); yield a; }
                case STRING, RESOURCE, VARIANT -> throw new IllegalArgumentException("no " + dtype + " .npy files in the cases");
            };
            return Tensor.of(dtype, shape, flat);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code got} equals TensorFlow's {@code want}: floats within the tolerances, the rest exactly. */
    public static void assertClose(String what, Map<String, Object> want, Tensor got) {
        assertClose(what, tensor(want), got, REL_TOL, ABS_TOL, false);
    }

    public static void assertClose(String what, Map<String, Object> want, Tensor got, double rel, double abs) {
        assertClose(what, tensor(want), got, rel, abs, false);
    }

    /**
     * Floats within {@code abs + rel * max(|expected|, the tensor's largest |expected| when relativeToLargest)},
     * everything else exactly.
     */
    public static void assertClose(String what, Tensor w, Tensor got, double rel, double abs, boolean relativeToLargest) {
        assertEquals(w.dtype(), got.dtype(), what + " dtype");
        assertEquals(w.shape(), got.shape(), what + " shape");
        if (w.dtype() == DType.BOOL) {
            assertArrayEquals(w.booleans(), got.booleans(), what);
            return;
        }
        if (w.dtype() == DType.INT64) {
            assertArrayEquals(w.longs(), got.longs(), what);
            return;
        }
        if (w.dtype() == DType.STRING) {
            assertArrayEquals(w.strings(), got.strings(), what);
            return;
        }
        double[] e = w.toDoubles();
        double[] a = got.toDoubles();
        double largest = 0;
        if (relativeToLargest) {
            for (double v : e) {
                largest = Double.isFinite(v) ? Math.max(largest, Math.abs(v)) : largest;
            }
        }
        for (int i = 0; i < e.length; i++) {
            boolean ok;
            if (w.dtype().isFloating()) {
                ok = Double.isNaN(e[i]) ? Double.isNaN(a[i])
                        : e[i] == a[i] || Math.abs(a[i] - e[i]) <= abs + rel * Math.max(Math.abs(e[i]), largest);
            } else {
                ok = e[i] == a[i];
            }
            if (!ok) {
                fail(what + "[" + i + "]: TensorFlow gives " + e[i] + ", we give " + a[i] + "\n expected " + w + "\n got " + got);
            }
        }
    }
}
