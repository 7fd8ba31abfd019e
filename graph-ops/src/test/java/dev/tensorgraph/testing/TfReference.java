package dev.tensorgraph.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tensorgraph.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** A tensor written inline as {@code {dtype, shape, values}}. */
    public static Tensor tensor(Object spec) {
        return TensorJson.tensor(Json.asMap(spec), null);
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
