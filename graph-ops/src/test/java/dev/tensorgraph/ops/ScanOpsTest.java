package dev.tensorgraph.ops;

import static dev.tensorgraph.ops.ArrayTestSupport.assertError;
import static dev.tensorgraph.ops.ArrayTestSupport.assertTensor;
import static dev.tensorgraph.ops.ArrayTestSupport.random;
import static dev.tensorgraph.ops.ArrayTestSupport.run;
import static dev.tensorgraph.ops.ArrayTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.math.CumulativeOptions;
import dev.tensorgraph.testing.GradientChecker;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cumsum and Cumprod with every exclusive/reverse combination and axis against a running loop, and gradients. */
class ScanOpsTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);

    /** The running sum or product along {@code axis} of x viewed as dims, by the definition. */
    private static double[] scan(double[] x, long[] dims, int axis, boolean prod, boolean exclusive, boolean reverse) {
        int outer = 1;
        for (int k = 0; k < axis; k++) {
            outer *= (int) dims[k];
        }
        int n = (int) dims[axis];
        int inner = x.length / outer / n;
        double[] out = new double[x.length];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                for (int j = 0; j < n; j++) {
                    double acc = prod ? 1 : 0;
                    for (int m = 0; m < n; m++) {
                        boolean counts = reverse ? (exclusive ? m > j : m >= j) : (exclusive ? m < j : m <= j);
                        if (counts) {
                            double v = x[(o * n + m) * inner + i];
                            acc = prod ? acc * v : acc + v;
                        }
                    }
                    out[(o * n + j) * inner + i] = acc;
                }
            }
        }
        return out;
    }

    @Test
    void everyOptionAxisAndDtypeMatchesTheDefinition() {
        long[] dims = {3, 4, 2};
        for (DType t : ArrayTestSupport.NUMBER_TYPES) {
            Tensor x = random(61, t, dims);
            for (int axis = -3; axis < 3; axis++) {
                for (boolean exclusive : new boolean[] {false, true}) {
                    for (boolean reverse : new boolean[] {false, true}) {
                        CumulativeOptions o = CumulativeOptions.create().exclusive(exclusive).reverse(reverse);
                        List<Tensor> got = run(g, List.of(tf.cumsum(tf.constant(x), axis, o), tf.cumprod(tf.constant(x), axis, o)));
                        int a = axis < 0 ? axis + 3 : axis;
                        String what = t + " axis " + axis + " exclusive " + exclusive + " reverse " + reverse;
                        assertTensor(ArrayTestSupport.of(t, Shape.of(dims), scan(values(x), dims, a, false, exclusive, reverse)),
                                got.get(0), "Cumsum " + what);
                        assertTensor(ArrayTestSupport.of(t, Shape.of(dims), scan(values(x), dims, a, true, exclusive, reverse)),
                                got.get(1), "Cumprod " + what);
                    }
                }
            }
        }
    }

    @Test
    void builderAndErrors() {
        Output x = tf.constant(new float[][] {{1, 2}, {3, 4}});
        Output y = tf.cumsum(x, 1, CumulativeOptions.create().exclusive(true));
        assertEquals("Cumsum", y.op().name());
        assertEquals("Cumsum/axis", y.op().input(1).op().name());
        assertEquals(true, y.op().attrBool("exclusive"));
        assertEquals(false, y.op().attrBool("reverse"));
        Output m = tf.math.cumprod(x, 0);
        assertEquals("Cumprod", m.op().type());
        assertError(InvalidArgumentException.class, () -> tf.cumsum(x, 2), "Cumsum op",
                "Expected scan axis in the range [-2, 2), but got 2");
        assertError(InvalidArgumentException.class, () -> tf.cumsum(tf.constant(1f), 0), "Cumsum op",
                "Expected scan axis in the range [0, 0), but got 0");
        assertError(InvalidArgumentException.class, () -> tf.cumsum(tf.constant(new boolean[] {true}), 0), "Cumsum op",
                "bool");
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Tensor x = GradientChecker.random(62, 0.5, 1.5, 3, 4);
        for (boolean exclusive : new boolean[] {false, true}) {
            for (boolean reverse : new boolean[] {false, true}) {
                CumulativeOptions o = CumulativeOptions.create().exclusive(exclusive).reverse(reverse);
                GradientChecker.check((tf, in) -> tf.cumsum(in.get(0), 1, o), x);
                GradientChecker.check((tf, in) -> tf.cumprod(in.get(0), 0, o), x);
                GradientChecker.check((tf, in) -> tf.cumprod(in.get(0), -1, o), x);
            }
        }
    }
}
