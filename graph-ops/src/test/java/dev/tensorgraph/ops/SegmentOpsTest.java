package dev.tensorgraph.ops;

import static dev.tensorgraph.ops.ArrayTestSupport.assertError;
import static dev.tensorgraph.ops.ArrayTestSupport.assertTensor;
import static dev.tensorgraph.ops.ArrayTestSupport.indices;
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
import dev.tensorgraph.testing.GradientChecker;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The unsorted (Sum, Max, Min, Prod) and sorted (Sum, Mean, Max, Min, Prod) segment reductions against plain loops,
 * with TensorFlow's values for empty segments and negative ids, their gradients against finite differences, and
 * their errors.
 */
class SegmentOpsTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);

    private enum Rule {
        SUM(0, Double::sum), MAX(Double.NEGATIVE_INFINITY, Math::max), MIN(Double.POSITIVE_INFINITY, Math::min),
        PROD(1, (a, b) -> a * b);

        final double start;
        final DoubleBinaryOperator op;

        Rule(double start, DoubleBinaryOperator op) {
            this.start = start;
            this.op = op;
        }
    }

    /** out[s, k] = rule over data[i, k] with ids[i] == s, ids over the leading {@code idsSize} elements. */
    private static double[] reduce(Rule rule, double[] data, long[] ids, int num, int inner, double empty) {
        double[] out = new double[num * inner];
        boolean[] seen = new boolean[num];
        java.util.Arrays.fill(out, rule.start);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0) {
                continue;
            }
            seen[(int) ids[i]] = true;
            for (int k = 0; k < inner; k++) {
                int o = (int) ids[i] * inner + k;
                out[o] = rule.op.applyAsDouble(out[o], data[i * inner + k]);
            }
        }
        for (int s = 0; s < num; s++) {
            if (!seen[s]) {
                java.util.Arrays.fill(out, s * inner, (s + 1) * inner, empty);
            }
        }
        return out;
    }

    /** What TensorFlow gives an empty unsorted segment: the identity, the lowest or highest finite value. */
    private static double emptyUnsorted(Rule rule, DType t) {
        return switch (rule) {
            case SUM -> 0;
            case PROD -> 1;
            case MAX -> t == DType.FLOAT32 ? -Float.MAX_VALUE : t == DType.FLOAT64 ? -Double.MAX_VALUE
                    : t == DType.INT32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
            case MIN -> t == DType.FLOAT32 ? Float.MAX_VALUE : t == DType.FLOAT64 ? Double.MAX_VALUE
                    : t == DType.INT32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
        };
    }

    @Test
    void unsortedReductionsMatchLoops() {
        long[] ids = {3, 0, -1, 3, 1, 0, 3, -2};
        for (DType t : ArrayTestSupport.NUMBER_TYPES) {
            for (DType it : List.of(DType.INT32, DType.INT64)) {
                Tensor data = random(21, t, 2, 4, 3);
                Output d = tf.constant(data);
                Output s = tf.constant(indices(it, Shape.of(2, 4), ids));
                List<Output> ys = List.of(tf.math.unsortedSegmentSum(d, s, 5), tf.math.unsortedSegmentMax(d, s, 5),
                        tf.math.unsortedSegmentMin(d, s, 5), tf.math.unsortedSegmentProd(d, s, 5));
                List<Tensor> got = run(g, ys);
                Rule[] rules = {Rule.SUM, Rule.MAX, Rule.MIN, Rule.PROD};
                for (int k = 0; k < 4; k++) {
                    assertEquals(Shape.of(5, 3), ys.get(k).shape());
                    double[] want = reduce(rules[k], values(data), ids, 5, 3, emptyUnsorted(rules[k], t));
                    assertTensor(ArrayTestSupport.of(t, Shape.of(5, 3), want), got.get(k), rules[k] + " " + t + " " + it);
                }
            }
        }
    }

    @Test
    void sortedReductionsMatchLoopsWithGapsGivingZero() {
        long[] ids = {0, 0, 2, 2, 2, 5};
        for (DType t : ArrayTestSupport.NUMBER_TYPES) {
            for (DType it : List.of(DType.INT32, DType.INT64)) {
                Tensor data = random(22, t, 6, 2);
                Output d = tf.constant(data);
                Output s = tf.constant(indices(it, Shape.of(6), ids));
                List<Output> ys = List.of(tf.math.segmentSum(d, s), tf.math.segmentMax(d, s), tf.math.segmentMin(d, s),
                        tf.math.segmentProd(d, s), tf.math.segmentMean(d, s));
                List<Tensor> got = run(g, ys);
                Rule[] rules = {Rule.SUM, Rule.MAX, Rule.MIN, Rule.PROD};
                for (int k = 0; k < 4; k++) {
                    double[] want = reduce(rules[k], values(data), ids, 6, 2, rules[k] == Rule.PROD ? 1 : 0);
                    assertTensor(ArrayTestSupport.of(t, Shape.of(6, 2), want), got.get(k), "Segment" + rules[k] + " " + t);
                }
                double[] sums = reduce(Rule.SUM, values(data), ids, 6, 2, 0);
                int[] counts = {2, 0, 3, 0, 0, 1};
                double[] mean = new double[12];
                for (int i = 0; i < 12; i++) {
                    int c = counts[i / 2];
                    // integer means truncate, as TensorFlow's
                    mean[i] = c == 0 ? 0 : t.isFloating() ? sums[i] / c : (long) (sums[i] / c);
                }
                assertTensor(ArrayTestSupport.of(t, Shape.of(6, 2), mean), got.get(4), "SegmentMean " + t);
                assertEquals(Shape.of(-1, 2), ys.get(0).shape());
            }
        }
    }

    @Test
    void errorsNameTheOp() {
        Output d = tf.constant(new float[] {1, 2, 3});
        Output big = tf.math.unsortedSegmentSum(d, tf.constant(new int[] {0, 5, 1}), 3);
        assertError(InvalidArgumentException.class, () -> run(g, big), "segment_ids[1] = 5 is out of range [0, 3)",
                "UnsortedSegmentSum");
        Output max = tf.math.unsortedSegmentMax(d, tf.constant(new int[] {0, 3, 1}), 3);
        assertError(InvalidArgumentException.class, () -> run(g, max), "segment_ids[1] = 3", "UnsortedSegmentMax");
        Output unsorted = tf.math.segmentSum(d, tf.constant(new int[] {1, 0, 2}));
        assertError(InvalidArgumentException.class, () -> run(g, unsorted), "segment ids are not increasing", "SegmentSum");
        Output negative = tf.math.segmentMax(d, tf.constant(new int[] {-1, 0, 2}));
        assertError(InvalidArgumentException.class, () -> run(g, negative), "Segment id -1 out of range", "SegmentMax");
        Output n = tf.placeholder(DType.INT32, Shape.scalar(), "n");
        Output fed = tf.math.unsortedSegmentSum(d, tf.constant(new int[] {0, 0, 1}), n, null);
        assertError(InvalidArgumentException.class, () -> {
            try (var s = new dev.tensorgraph.Session(g, dev.tensorgraph.SessionOptions.cpuOnly())) {
                s.run(fed, java.util.Map.of(n, Tensor.of(-1)));
            }
        }, "num_segments == -1 must not be negative", "UnsortedSegmentSum");
        assertError(InvalidArgumentException.class, () -> tf.math.segmentSum(d, tf.constant(new int[] {0, 0})),
                "SegmentSum op", "same size as dimension 0");
        assertError(InvalidArgumentException.class, () -> tf.math.unsortedSegmentSum(d,
                tf.constant(new int[][] {{0, 1}}), 2), "UnsortedSegmentSum op", "does not start with segment_ids.shape");
        assertError(InvalidArgumentException.class, () -> tf.math.segmentMax(tf.constant(new boolean[] {true}),
                tf.constant(new int[] {0})), "SegmentMax op", "bool");
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Tensor data = GradientChecker.random(31, -1, 1, 6, 2);
        int[] unsortedIds = {2, 0, -1, 2, 0, 1};
        int[] sortedIds = {0, 0, 1, 3, 3, 3};
        GradientChecker.check((tf, x) -> tf.math.unsortedSegmentSum(x.get(0), tf.constant(unsortedIds), 4), data);
        // no empty segment for max and min: its +-MAX_VALUE would swamp the finite differences of the loss
        GradientChecker.check((tf, x) -> tf.math.unsortedSegmentMax(x.get(0), tf.constant(unsortedIds), 3), data);
        GradientChecker.check((tf, x) -> tf.math.unsortedSegmentMin(x.get(0), tf.constant(unsortedIds), 3), data);
        GradientChecker.check((tf, x) -> tf.math.unsortedSegmentProd(x.get(0), tf.constant(unsortedIds), 4), data);
        GradientChecker.check((tf, x) -> tf.math.segmentSum(x.get(0), tf.constant(sortedIds)), data);
        GradientChecker.check((tf, x) -> tf.math.segmentMean(x.get(0), tf.constant(sortedIds)), data);
        GradientChecker.check((tf, x) -> tf.math.segmentMax(x.get(0), tf.constant(sortedIds)), data);
        GradientChecker.check((tf, x) -> tf.math.segmentMin(x.get(0), tf.constant(sortedIds)), data);
        GradientChecker.check((tf, x) -> tf.math.segmentProd(x.get(0), tf.constant(sortedIds)), data);
        // products with one zero (its gradient is the product of the others) and with two (all zero)
        Tensor zeros = Tensor.of(DType.FLOAT64, Shape.of(6, 2), new double[] {0, 2, 3, 0, 5, -1, 0.5, 0, 0, 3, 2, 0});
        GradientChecker.check((tf, x) -> tf.math.segmentProd(x.get(0), tf.constant(sortedIds)), zeros);
        GradientChecker.check((tf, x) -> tf.math.unsortedSegmentProd(x.get(0), tf.constant(unsortedIds), 4), zeros);
    }

    @Test
    void maxGradientSplitsTiesAndSkipsDroppedRows() {
        Output d = tf.constant(new double[] {3, 3, 1, 9});
        Output y = tf.math.unsortedSegmentMax(d, tf.constant(new int[] {0, 0, 0, -1}), 2);
        Output grad = tf.gradients(List.of(y), List.of(d)).get(0);
        assertTensor(Tensor.of(new double[] {0.5, 0.5, 0, 0}), run(g, grad), "d data");
    }
}
