package dev.tensorgraph.ops;

import static dev.tensorgraph.ops.ArrayTestSupport.assertError;
import static dev.tensorgraph.ops.ArrayTestSupport.assertTensor;
import static dev.tensorgraph.ops.ArrayTestSupport.random;
import static dev.tensorgraph.ops.ArrayTestSupport.run;
import static dev.tensorgraph.ops.ArrayTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.math.BincountOps;
import dev.tensorgraph.ops.math.ClipOps;
import dev.tensorgraph.testing.GradientChecker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ClipByValue (the op, and {@code tf.clip_by_value} as TensorFlow builds it), Bincount and DenseBincount (and
 * {@code tf.math.bincount}) against loops, with gradients and errors.
 */
class ClipAndBincountTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);

    @Test
    void clipByValueOpMatchesMinThenMax() {
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64, DType.UINT8)) {
            Tensor x = random(81, t, 3, 4);
            Tensor lo = random(82, t, 3, 4);
            double[] xs = values(x);
            double[] ls = values(lo);
            Output scalarBounds = ClipOps.clipByValueOp(g, tf.constant(x), tf.constant(ArrayTestSupport.of(t, Shape.scalar(),
                    new double[] {2})), tf.constant(ArrayTestSupport.of(t, Shape.scalar(), new double[] {6})), null);
            Output tensorBound = ClipOps.clipByValueOp(g, tf.constant(x), tf.constant(lo),
                    tf.constant(ArrayTestSupport.of(t, Shape.scalar(), new double[] {5})), null);
            List<Tensor> got = run(g, List.of(scalarBounds, tensorBound));
            double[] a = new double[12];
            double[] b = new double[12];
            for (int i = 0; i < 12; i++) {
                a[i] = Math.max(Math.min(xs[i], 6), 2);
                // a lower bound above the upper one wins, as in TensorFlow
                b[i] = Math.max(Math.min(xs[i], 5), ls[i]);
            }
            assertTensor(ArrayTestSupport.of(t, Shape.of(3, 4), a), got.get(0), "scalar bounds " + t);
            assertTensor(ArrayTestSupport.of(t, Shape.of(3, 4), b), got.get(1), "tensor bound " + t);
        }
        Output nan = ClipOps.clipByValueOp(g, tf.constant(new float[] {Float.NaN, 9}), tf.constant(0f), tf.constant(1f),
                null);
        assertTensor(Tensor.of(new float[] {Float.NaN, 1}), run(g, nan), "NaN stays");
    }

    @Test
    void clipByValueBuildsMinimumAndMaximumAsTensorFlow() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2, 3), "x");
        Output y = tf.clipByValue(x, -1, 1);
        List<String> nodes = new ArrayList<>();
        for (Operation op : g.operations()) {
            nodes.add(op.name() + ":" + op.type());
        }
        assertEquals(List.of("x:Placeholder", "clip_by_value/Minimum/y:Const", "clip_by_value/Minimum:Minimum",
                "clip_by_value/y:Const", "clip_by_value:Maximum"), nodes);
        assertEquals(y.op(), g.operation("clip_by_value"));
        assertError(InvalidArgumentException.class, () -> tf.clipByValue(x, tf.constant(new float[][][] {{{0}}}),
                tf.constant(new float[][][] {{{1, 2, 3}}}), null), "clip_by_value", "incompatible");
    }

    @Test
    void clipGradientsMatchFiniteDifferences() {
        // values away from the bounds, so that the finite differences do not cross them
        Tensor x = Tensor.of(DType.FLOAT64, Shape.of(2, 3), new double[] {-2, -0.5, 0.3, 0.9, 1.7, 3});
        Tensor lo = Tensor.of(DType.FLOAT64, Shape.of(2, 3), new double[] {-1, -1, 0.5, 0, 0, 0});
        GradientChecker.check((tf, in) -> ClipOps.clipByValueOp(tf.graph(), in.get(0), in.get(1), in.get(2), null), x, lo,
                Tensor.of(1.2));
        GradientChecker.check((tf, in) -> tf.clipByValue(in.get(0), in.get(1), in.get(2), null), x, Tensor.of(-1.0),
                Tensor.of(1.2));
        assertError(InvalidArgumentException.class, () -> ClipOps.clipByValueOp(g, tf.constant(new float[] {1, 2, 3}),
                tf.constant(new float[] {0, 0}), tf.constant(1f), null), "ClipByValue op", "same shape as input, or a scalar");
    }

    @Test
    void bincountsMatchCounting() {
        int[] arr = {1, 1, 4, 0, 7, 1, 4};
        double[] w = {0.5, 1, 2, 3, 4, 5, 6};
        for (DType t : ArrayTestSupport.NUMBER_TYPES) {
            Tensor weights = ArrayTestSupport.of(t, Shape.of(7), w);
            Output old = BincountOps.bincountOp(g, tf.constant(arr), tf.constant(6), tf.constant(weights), null);
            Output dense = BincountOps.denseBincount(g, tf.constant(new long[][] {{1, 1, 4}, {0, 7, 5}}), tf.constant(6L),
                    tf.constant(ArrayTestSupport.of(t, Shape.of(0), new double[0])), false, null);
            Output binary = BincountOps.denseBincount(g, tf.constant(arr), tf.constant(5), tf.constant(weights), true, null);
            List<Tensor> got = run(g, List.of(old, dense, binary));
            double[] want = new double[6];
            for (int i = 0; i < 7; i++) {
                if (arr[i] < 6) {
                    want[arr[i]] += values(weights)[i];
                }
            }
            assertTensor(ArrayTestSupport.of(t, Shape.of(6), want), got.get(0), "Bincount " + t);
            assertTensor(ArrayTestSupport.of(t, Shape.of(2, 6), new double[] {0, 2, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1}),
                    got.get(1), "DenseBincount rows " + t);
            assertTensor(ArrayTestSupport.of(t, Shape.of(5), new double[] {1, 1, 0, 0, 1}), got.get(2), "binary " + t);
        }
    }

    @Test
    void mathBincountBuildsTensorFlowsGraph() {
        Output arr = tf.constant(new int[] {3, 1, 3});
        Output counts = tf.math.bincount(arr);
        assertEquals("bincount/DenseBincount", counts.op().name());
        assertTensor(Tensor.of(new int[] {0, 1, 0, 2}), run(g, counts), "counts");
        List<String> ops = new ArrayList<>();
        for (Operation op : g.operations()) {
            if (op.name().startsWith("bincount/")) {
                ops.add(op.name());
            }
        }
        assertEquals(List.of("bincount/Size", "bincount/Greater/y", "bincount/Greater", "bincount/Cast", "bincount/Const",
                "bincount/Max", "bincount/add/y", "bincount/add", "bincount/mul", "bincount/Reshape/shape",
                "bincount/Reshape", "bincount/Const_1", "bincount/DenseBincount"), ops);
        Output weighted = tf.math.bincount(arr, tf.constant(new float[] {0.5f, 1, 2}), 6L, null, DType.INT32, null);
        assertTensor(Tensor.of(new float[] {0, 1, 0, 2.5f, 0, 0}), run(g, weighted), "weights, minlength");
        Output capped = tf.math.bincount(arr, null, null, 2L, DType.INT64, null);
        assertTensor(Tensor.of(new long[] {0, 1}), run(g, capped), "maxlength");
        Output empty = tf.math.bincount(tf.constant(Tensor.zeros(DType.INT32, Shape.of(0))));
        assertEquals(Shape.of(0), run(g, empty).shape());
    }

    @Test
    void bincountErrorsNameTheOp() {
        Output neg = tf.math.bincount(tf.constant(new int[] {1, -1}), null, 3L, null, DType.INT32, null);
        assertError(InvalidArgumentException.class, () -> run(g, neg), "Input arr must be non-negative!", "DenseBincount");
        assertError(InvalidArgumentException.class, () -> BincountOps.bincountOp(g, tf.constant(new int[] {1}),
                tf.constant(-1), tf.constant(new float[0]), null), "Bincount op", "size (-1) must be non-negative");
        Output size = tf.placeholder(DType.INT32, Shape.scalar(), "size");
        Output old = BincountOps.bincountOp(g, tf.constant(new int[] {1}), size, tf.constant(new float[0]), null);
        assertError(InvalidArgumentException.class, () -> {
            try (var s = new dev.tensorgraph.Session(g, dev.tensorgraph.SessionOptions.cpuOnly())) {
                s.run(old, java.util.Map.of(size, Tensor.of(-2)));
            }
        }, "size (-2) must be non-negative", "Bincount");
        Output mismatch = BincountOps.denseBincount(g, tf.constant(new int[] {1, 2}), tf.constant(3),
                tf.constant(new float[] {1}), false, null);
        assertError(InvalidArgumentException.class, () -> run(g, mismatch), "`weights` must be the same shape as `arr`");
        assertError(InvalidArgumentException.class, () -> BincountOps.bincount(g, tf.constant(new int[] {1}),
                tf.constant(new float[] {1}), null, null, DType.INT32, true, null), "mutually exclusive");
    }
}
