package dev.tensorgraph.testing;

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

/** Reading the cases TensorFlow wrote under {@code tf-cases/} (see its README) and comparing with them. */
public final class TfReference {
    private TfReference() {}

    public static Path caseDir(String name) throws Exception {
        return Path.of(TfReference.class.getResource("/tf-cases/" + name).toURI());
    }

    public static Map<String, Object> json(Path p) throws Exception {
        return Json.parseObject(Files.readString(p, StandardCharsets.UTF_8));
    }

    /** A tensor written as {@code {dtype, shape, values}} (float32 or int32). */
    @SuppressWarnings("unchecked")
    public static Tensor tensor(Object spec) {
        Map<String, Object> m = (Map<String, Object>) spec;
        long[] shape = ((List<Object>) m.get("shape")).stream().mapToLong(d -> ((Number) d).longValue()).toArray();
        List<Object> v = (List<Object>) m.get("values");
        return switch ((String) m.get("dtype")) {
            case "float32" -> {
                float[] a = new float[v.size()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = ((Number) v.get(i)).floatValue();
                }
                yield Tensor.of(DType.FLOAT32, Shape.of(shape), a);
            }
            case "int32" -> Tensor.of(DType.INT32, Shape.of(shape), v.stream().mapToInt(x -> ((Number) x).intValue())
                    .toArray());
            default -> throw new IllegalArgumentException("dtype " + m.get("dtype"));
        };
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
}
