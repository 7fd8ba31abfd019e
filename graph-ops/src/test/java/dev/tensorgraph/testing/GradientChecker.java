package dev.tensorgraph.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.Tf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * Checks symbolic gradients against central finite differences in float64. The function under test maps
 * float64 placeholders to one output y; a random upstream gradient dy is fed as {@code gradYs}, so the
 * checked quantity is L = sum(y * dy) and no other op is needed to form the loss.
 */
public final class GradientChecker {
    private static final double EPS = 1e-6;

    private GradientChecker() {}

    /** Random float64 tensor with values in [lo, hi). */
    public static Tensor random(long seed, double lo, double hi, long... shape) {
        Random r = new Random(seed);
        dev.tensorgraph.Shape s = dev.tensorgraph.Shape.of(shape);
        double[] v = new double[(int) s.numElements()];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * r.nextDouble();
        }
        return Tensor.of(DType.FLOAT64, s, v);
    }

    /** Checks with relative tolerance 1e-5 and absolute 1e-6. */
    public static void check(BiFunction<Tf, List<Output>, Output> f, Tensor... inputs) {
        check(f, 1e-5, 1e-6, inputs);
    }

    public static void check(BiFunction<Tf, List<Output>, Output> f, double rtol, double atol, Tensor... inputs) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        List<Output> xs = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            xs.add(tf.placeholder(inputs[i].dtype(), inputs[i].shape(), "x" + i));
        }
        Output y = f.apply(tf, xs);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            if (!g.collection(dev.tensorgraph.GraphKeys.GLOBAL_VARIABLES).isEmpty()) {
                s.run(tf.globalVariablesInitializer());
            }
            Map<Output, Tensor> feeds = new HashMap<>();
            for (int i = 0; i < inputs.length; i++) {
                feeds.put(xs.get(i), inputs[i]);
            }
            Tensor y0 = s.run(y, feeds);
            Tensor dy = y.dtype() == DType.FLOAT64
                    ? random(99, -1, 1, y0.shape().dims())
                    : Tensor.of(DType.FLOAT32, y0.shape(), toFloats(random(99, -1, 1, y0.shape().dims()).doubles()));
            Output dyIn = tf.placeholder(y.dtype(), y0.shape(), "dy");
            List<Output> grads = tf.gradients(List.of(y), xs, List.of(dyIn), null);
            Map<Output, Tensor> gradFeeds = new HashMap<>(feeds);
            gradFeeds.put(dyIn, dy);
            List<Output> fetch = new ArrayList<>();
            for (int i = 0; i < grads.size(); i++) {
                assertNotNull(grads.get(i), "gradient for input " + i + " is null");
                fetch.add(grads.get(i));
            }
            List<Tensor> analytic = s.run(fetch, gradFeeds);
            double[] dyv = dy.toDoubles();
            for (int i = 0; i < inputs.length; i++) {
                double[] base = inputs[i].toDoubles();
                double[] ana = analytic.get(i).toDoubles();
                if (ana.length != base.length) {
                    fail("gradient for input " + i + " has " + ana.length + " elements, input has " + base.length);
                }
                for (int j = 0; j < base.length; j++) {
                    double lp = loss(s, y, feeds, xs.get(i), inputs[i], j, base[j] + EPS, dyv);
                    double lm = loss(s, y, feeds, xs.get(i), inputs[i], j, base[j] - EPS, dyv);
                    double num = (lp - lm) / (2 * EPS);
                    if (Math.abs(num - ana[j]) > atol + rtol * Math.abs(num)) {
                        fail("d/dx" + i + "[" + j + "]: numeric " + num + " vs symbolic " + ana[j]);
                    }
                }
            }
        }
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static double loss(Session s, Output y, Map<Output, Tensor> feeds, Output x, Tensor xv, int j, double value,
                               double[] dy) {
        double[] v = xv.toDoubles();
        v[j] = value;
        Map<Output, Tensor> f = new HashMap<>(feeds);
        f.put(x, Tensor.of(DType.FLOAT64, xv.shape(), v));
        double[] yv = s.run(y, f).toDoubles();
        double l = 0;
        for (int k = 0; k < yv.length; k++) {
            l += yv[k] * dy[k];
        }
        return l;
    }
}
