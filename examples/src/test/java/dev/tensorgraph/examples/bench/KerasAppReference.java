package dev.tensorgraph.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.Tensor;
import dev.tensorgraph.data.Npy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * What TensorFlow 2.21 fetched from W10's or W11's graph after its init op, for a batch of two 32x32 inputs
 * ({@code test/resources/keras-app-graphs/<model>/}, written by {@code tf-interop/python/keras_app_graphs.py}).
 */
record KerasAppReference(Tensor input, Tensor output, Tensor logits, String logitsName) {
    static KerasAppReference of(KerasAppBench.App app) {
        String dir = "/keras-app-graphs/" + (app == KerasAppBench.App.RESNET50 ? "resnet50" : "mobilenet_v2") + "/";
        return new KerasAppReference(npy(dir + "input.npy"), npy(dir + "output.npy"), npy(dir + "logits.npy"),
                new String(resource(dir + "logits.txt"), StandardCharsets.UTF_8).trim());
    }

    private static Tensor npy(String path) {
        return Npy.fromBytes(resource(path), path);
    }

    private static byte[] resource(String path) {
        try (InputStream in = KerasAppReference.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new AssertionError("missing test resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every value of {@code got} within {@code relative} times the largest of {@code want}'s magnitudes. */
    static void assertWithin(Tensor want, Tensor got, double relative, String what) {
        assertEquals(want.shape(), got.shape(), what);
        float[] w = want.floats();
        float[] g = got.floats();
        double scale = 0;
        for (float v : w) {
            scale = Math.max(scale, Math.abs(v));
        }
        double worst = 0;
        int at = 0;
        for (int i = 0; i < w.length; i++) {
            double err = Math.abs(w[i] - g[i]);
            if (err > worst) {
                worst = err;
                at = i;
            }
        }
        assertTrue(worst <= relative * scale, what + ": largest error " + worst + " at [" + at + "] (TensorFlow "
                + w[at] + ", here " + g[at] + ") against " + relative * scale + " allowed");
    }
}
