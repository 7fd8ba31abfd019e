package dev.tensorgraph.ops.slim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.state.Initializer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Fixed initial values, random tensors, closeness and finite-difference gradients for the slim tests. */
final class SlimTesting {
    private SlimTesting() {}

    /** An initializer giving exactly {@code value} (its shape must be the variable's). */
    static Initializer fixed(Tensor value) {
        return (g, shape, dtype) -> {
            assertEquals(value.shape(), shape, "fixed initial value's shape");
            return ConstantOps.constant(g, value.dtype() == dtype ? value : cast(value, dtype), "Const");
        };
    }

    static Tensor random(long seed, DType dtype, long... shape) {
        Random r = new Random(seed);
        Shape s = Shape.of(shape);
        double[] v = new double[(int) s.numElements()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        return cast(Tensor.of(DType.FLOAT64, s, v), dtype);
    }

    static Tensor cast(Tensor t, DType dtype) {
        double[] d = t.toDoubles();
        if (dtype == DType.FLOAT64) {
            return Tensor.of(DType.FLOAT64, t.shape(), d);
        }
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return Tensor.of(DType.FLOAT32, t.shape(), f);
    }

    static void assertClose(Tensor want, Tensor got, double rtol, double atol, String what) {
        assertEquals(want.shape(), got.shape(), what + ": shape");
        double[] w = want.toDoubles();
        double[] a = got.toDoubles();
        for (int i = 0; i < w.length; i++) {
            if (!(Math.abs(w[i] - a[i]) <= atol + rtol * Math.abs(w[i]))) {
                throw new AssertionError(what + ": element " + i + " is " + a[i] + ", want " + w[i]);
            }
        }
    }

    static Tensor run(Graph g, Output y, Map<Output, Tensor> feeds) {
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(Tf.of(g).globalVariablesInitializer());
            return s.run(y, feeds);
        }
    }

    /**
     * Checks {@code d sum(y * dy) / d w} for every {@code w} in {@code wrt} (tensors fed with float64 values in
     * {@code feeds}, variables' values included) against central differences of the fed values.
     */
    static void checkGradients(Graph g, Output y, Map<Output, Tensor> feeds, List<Output> wrt, double rtol, double atol) {
        Tf tf = Tf.of(g);
        Output dyIn = tf.placeholder(y.dtype(), y.shape(), null);
        List<Output> grads = tf.gradients(List.of(y), wrt, List.of(dyIn), null);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            Tensor y0 = s.run(y, feeds);
            Tensor dy = random(7, y.dtype(), y0.shape().dims());
            Map<Output, Tensor> all = new HashMap<>(feeds);
            all.put(dyIn, dy);
            for (Output gr : grads) {
                assertNotNull(gr, "a gradient is null");
            }
            List<Tensor> analytic = s.run(new ArrayList<>(grads), all);
            double[] dyv = dy.toDoubles();
            double eps = y.dtype() == DType.FLOAT64 ? 1e-6 : 1e-2;
            for (int i = 0; i < wrt.size(); i++) {
                Tensor base = feeds.get(wrt.get(i));
                double[] b = base.toDoubles();
                double[] ana = analytic.get(i).toDoubles();
                for (int j = 0; j < b.length; j++) {
                    double[] plus = b.clone();
                    double[] minus = b.clone();
                    plus[j] += eps;
                    minus[j] -= eps;
                    double lp = dot(s, y, feeds, wrt.get(i), base, plus, dyv);
                    double lm = dot(s, y, feeds, wrt.get(i), base, minus, dyv);
                    double num = (lp - lm) / (2 * eps);
                    if (!(Math.abs(num - ana[j]) <= atol + rtol * Math.abs(num))) {
                        throw new AssertionError("gradient for " + wrt.get(i).name() + " element " + j + ": analytic "
                                + ana[j] + ", numeric " + num);
                    }
                }
            }
        }
    }

    private static double dot(Session s, Output y, Map<Output, Tensor> feeds, Output x, Tensor base, double[] v,
                              double[] dy) {
        Map<Output, Tensor> f = new HashMap<>(feeds);
        f.put(x, cast(Tensor.of(DType.FLOAT64, base.shape(), v), base.dtype()));
        double[] out = s.run(y, f).toDoubles();
        double sum = 0;
        for (int k = 0; k < out.length; k++) {
            sum += out[k] * dy[k];
        }
        return sum;
    }
}
