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
import dev.tensorgraph.ops.nn.TopK;
import dev.tensorgraph.ops.nn.TopKOps;
import dev.tensorgraph.testing.GradientChecker;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** TopKV2 against a full sort of each row (ties by position), InTopKV2/InTopK against counting, the top-k gradient. */
class TopKOpsTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);

    @Test
    void topKMatchesSortingEachRow() {
        long[] dims = {3, 2, 9};
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64, DType.UINT8)) {
            // small integers, so that rows hold ties
            double[] raw = values(random(71, DType.INT32, dims));
            for (int i = 0; i < raw.length; i++) {
                raw[i] = Math.floorMod((int) raw[i], 5);
            }
            Tensor x = ArrayTestSupport.of(t, Shape.of(dims), raw);
            for (int k : new int[] {0, 1, 4, 9}) {
                TopK top = tf.nn.topK(tf.constant(x), k);
                List<Tensor> got = run(g, List.of(top.values(), top.indices()));
                double[] want = new double[6 * k];
                double[] pos = new double[6 * k];
                for (int row = 0; row < 6; row++) {
                    int base = row * 9;
                    int[] order = IntStream.range(0, 9).boxed()
                            .sorted(Comparator.comparingDouble((Integer j) -> -raw[base + j]).thenComparingInt(j -> j))
                            .mapToInt(Integer::intValue).toArray();
                    for (int j = 0; j < k; j++) {
                        want[row * k + j] = raw[base + order[j]];
                        pos[row * k + j] = order[j];
                    }
                }
                assertTensor(ArrayTestSupport.of(t, Shape.of(3, 2, k), want), got.get(0), "values " + t + " k=" + k);
                assertTensor(ArrayTestSupport.of(DType.INT32, Shape.of(3, 2, k), pos), got.get(1), "indices " + t + " k=" + k);
            }
        }
    }

    @Test
    void nanRanksAboveNumbersAndIndicesMayBeInt64() {
        TopK top = TopKOps.topKV2(g, tf.constant(new float[] {1, Float.NaN, 3, 2}), tf.constant(2), true, DType.INT64,
                null);
        List<Tensor> got = run(g, List.of(top.values(), top.indices()));
        assertTensor(Tensor.of(new float[] {Float.NaN, 3}), got.get(0), "values");
        assertTensor(Tensor.of(new long[] {1, 2}), got.get(1), "indices");
    }

    @Test
    void inTopKCountsLargerPredictions() {
        float[][] p = {{0.1f, 0.3f, 0.3f, 0.2f}, {1, 2, 3, 4}, {0.5f, Float.POSITIVE_INFINITY, 0.1f, 0.2f},
            {0.5f, Float.NaN, 0.1f, 0.2f}, {4, 3, 2, 1}};
        int[] targets = {2, 3, 0, 0, 5};
        Output predictions = tf.constant(p);
        for (int k = -1; k <= 5; k++) {
            Output y = tf.nn.inTopK(predictions, tf.constant(targets), k);
            boolean[] want = new boolean[5];
            for (int b = 0; b < 5; b++) {
                boolean finite = true;
                int larger = 0;
                for (float v : p[b]) {
                    finite &= Float.isFinite(v);
                    larger += targets[b] < 4 && v > p[b][targets[b]] ? 1 : 0;
                }
                want[b] = targets[b] < 4 && finite && larger < k;
            }
            assertTensor(Tensor.of(want), run(g, y), "in_top_k k=" + k);
        }
        Output y = tf.nn.inTopK(predictions, tf.constant(new long[] {0, 0, 0, 0, 0}), 2);
        assertEquals("in_top_k_7/InTopKV2", y.op().name());
        assertEquals("in_top_k_7/InTopKV2/k", y.op().input(2).op().name());
        assertEquals(DType.INT64, y.op().input(2).dtype());
        Output v1 = TopKOps.inTopK(g, predictions, tf.constant(targets), 2L, null);
        assertTensor(run(g, tf.nn.inTopK(predictions, tf.constant(targets), 2)), run(g, v1), "InTopK");
    }

    @Test
    void gradientScattersIntoTheChosenPlaces() {
        Tensor x = GradientChecker.random(72, -1, 1, 2, 3, 5);
        GradientChecker.check((tf, in) -> tf.nn.topK(in.get(0), 3).values(), x);
        GradientChecker.check((tf, in) -> tf.nn.topK(in.get(0), 5).values(), x);
    }

    @Test
    void badArgumentsNameTheOp() {
        Output x = tf.constant(new float[][] {{1, 2, 3}});
        assertError(InvalidArgumentException.class, () -> tf.nn.topK(x, 4), "TopKV2 op", "last dimension >= k = 4");
        assertError(InvalidArgumentException.class, () -> tf.nn.topK(x, -1), "TopKV2 op", "Need k >= 0, got -1");
        assertError(InvalidArgumentException.class, () -> tf.nn.topK(tf.constant(1f), 1), "TopKV2 op", ">= 1-D");
        Output k = tf.placeholder(DType.INT32, Shape.scalar(), "k");
        TopK top = TopKOps.topKV2(g, x, k, true, DType.INT32, null);
        assertError(InvalidArgumentException.class, () -> {
            try (var s = new dev.tensorgraph.Session(g, dev.tensorgraph.SessionOptions.cpuOnly())) {
                s.run(top.values(), java.util.Map.of(k, Tensor.of(5)));
            }
        }, "input must have at least k columns. Had 3, needed 5", "TopKV2");
        assertError(InvalidArgumentException.class, () -> tf.nn.inTopK(x, tf.constant(new int[] {0, 1}), 1),
                "InTopKV2 op", "First dimension of predictions 1 must match length of targets 2");
    }
}
