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
import dev.tensorgraph.ops.indexing.GatherNdOps;
import dev.tensorgraph.ops.indexing.ScatterNdOps;
import dev.tensorgraph.testing.GradientChecker;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * GatherNd, ScatterNd and TensorScatterUpdate/Add/Sub/Max/Min against plain loops over random data of every dtype,
 * with int32 and int64 indices; their gradients against finite differences; bad indices and shapes.
 */
class NdIndexingOpsTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);

    /** Flat offsets of the slices the index tuples address, by the definition. */
    private static int[] offsets(long[] idx, int k, long[] target) {
        int n = idx.length / Math.max(k, 1);
        if (k == 0) {
            n = idx.length == 0 ? 0 : n;
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            long off = 0;
            for (int j = 0; j < k; j++) {
                off = off * target[j] + idx[i * k + j];
            }
            for (int j = k; j < target.length; j++) {
                off *= target[j];
            }
            out[i] = (int) off;
        }
        return out;
    }

    private static long[] randomIndices(Random r, int n, int k, long[] target) {
        long[] idx = new long[n * k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                idx[i * k + j] = r.nextInt((int) target[j]);
            }
        }
        return idx;
    }

    @Test
    void gatherNdMatchesLoopsForEveryDtypeAndIndexType() {
        long[] p = {4, 3, 5};
        Random r = new Random(1);
        for (DType t : ArrayTestSupport.ALL_TYPES) {
            for (DType it : List.of(DType.INT32, DType.INT64)) {
                for (int k = 0; k <= 3; k++) {
                    Tensor params = random(7, t, p);
                    long[] idx = randomIndices(r, 6, k, p);
                    Tensor ind = indices(it, Shape.of(2, 3, k), idx);
                    Output y = tf.gatherNd(tf.constant(params), tf.constant(ind));
                    long slice = Shape.of(p).subShape(k, 3).numElements();
                    Shape want = Shape.of(2, 3).concatenate(Shape.of(p).subShape(k, 3));
                    assertEquals(want, y.shape());
                    double[] src = values(params);
                    double[] expected = new double[(int) (6 * slice)];
                    int[] off = k == 0 ? new int[6] : offsets(idx, k, p);
                    for (int i = 0; i < 6; i++) {
                        System.arraycopy(src, off[i], expected, (int) (i * slice), (int) slice);
                    }
                    assertTensor(ArrayTestSupport.of(t, want, expected), run(g, y), "GatherNd " + t + " " + it + " k=" + k);
                }
            }
        }
    }

    @Test
    void scatterNdAddsRepeatedIndicesAndTensorScattersCombine() {
        long[] shape = {5, 4};
        Random r = new Random(2);
        for (DType t : ArrayTestSupport.NUMBER_TYPES) {
            for (DType it : List.of(DType.INT32, DType.INT64)) {
                long[] idx = randomIndices(r, 7, 1, shape);
                idx[3] = idx[1];
                Tensor updates = random(3, t, 7, 4);
                Tensor base = random(4, t, shape);
                Output ind = tf.constant(indices(it, Shape.of(7, 1), idx));
                Output u = tf.constant(updates);
                Output b = tf.constant(base);
                List<Output> ys = List.of(tf.scatterNd(ind, u, shape), tf.tensorScatterUpdate(b, ind, u),
                        tf.tensorScatterAdd(b, ind, u), tf.tensorScatterSub(b, ind, u), tf.tensorScatterNdMax(b, ind, u),
                        tf.tensorScatterNdMin(b, ind, u));
                List<Tensor> got = run(g, ys);
                double[] upd = values(updates);
                double[] zeros = new double[20];
                double[][] want = {zeros.clone(), values(base), values(base), values(base), values(base), values(base)};
                for (int i = 0; i < 7; i++) {
                    for (int c = 0; c < 4; c++) {
                        int o = (int) idx[i] * 4 + c;
                        double v = upd[i * 4 + c];
                        want[0][o] += v;
                        want[1][o] = v;
                        want[2][o] += v;
                        want[3][o] -= v;
                        want[4][o] = Math.max(want[4][o], v);
                        want[5][o] = Math.min(want[5][o], v);
                    }
                }
                for (int k = 0; k < ys.size(); k++) {
                    assertTensor(ArrayTestSupport.of(t, Shape.of(shape), want[k]), got.get(k), ys.get(k).op().type() + " " + t);
                }
            }
        }
    }

    @Test
    void tensorScatterUpdateMovesAnyDtypeAndScattersScalarsAndBlocks() {
        for (DType t : ArrayTestSupport.ALL_TYPES) {
            Tensor base = random(5, t, 2, 3, 2);
            Tensor upd = random(6, t, 2);
            Output y = tf.tensorScatterUpdate(tf.constant(base), tf.constant(new int[][] {{1, 2, 0}, {0, 0, 1}}),
                    tf.constant(upd));
            double[] want = values(base);
            want[10] = values(upd)[0];
            want[1] = values(upd)[1];
            assertTensor(ArrayTestSupport.of(t, base.shape(), want), run(g, y), "TensorScatterUpdate " + t);
        }
        // a whole [3, 2] block by a 1-tuple
        Output block = tf.scatterNd(tf.constant(new long[][] {{1}}), tf.constant(new float[][][] {{{1, 2}, {3, 4}, {5, 6}}}),
                new long[] {2, 3, 2});
        assertEquals("ScatterNd", block.op().name());
        assertEquals(DType.INT64, block.op().input(2).dtype());
        assertEquals(Shape.of(2, 3, 2), block.shape());
        assertTensor(Tensor.of(DType.FLOAT32, Shape.of(2, 3, 2), new float[] {0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6}),
                run(g, block), "block");
    }

    @Test
    void ignorePolicySkipsBadIndices() {
        Output p = tf.constant(new float[][] {{1, 2}, {3, 4}});
        Output bad = tf.constant(new int[][] {{1}, {3}});
        Output gathered = GatherNdOps.gatherNd(g, p, bad, "IGNORE", null);
        assertTensor(Tensor.of(new float[][] {{3, 4}, {0, 0}}), run(g, gathered), "gather IGNORE");
        Output scattered = ScatterNdOps.scatterNd(g, bad, tf.constant(new float[][] {{1, 1}, {2, 2}}),
                tf.constant(new int[] {2, 2}), "IGNORE", null);
        assertTensor(Tensor.of(new float[][] {{0, 0}, {1, 1}}), run(g, scattered), "scatter IGNORE");
        assertError(InvalidArgumentException.class,
                () -> GatherNdOps.gatherNd(g, p, bad, "SKIP", null), "GatherNd", "bad_indices_policy");
    }

    @Test
    void badIndicesAndShapesNameTheOp() {
        Output p = tf.constant(new float[][] {{1, 2}, {3, 4}, {5, 6}});
        Output oob = tf.gatherNd(p, tf.constant(new int[][] {{1}, {3}}));
        assertError(InvalidArgumentException.class, () -> run(g, oob), "indices[1] = [3] does not index into param shape [3,2]",
                "GatherNd");
        Output neg = tf.scatterNd(tf.constant(new int[][] {{1}, {-1}}), tf.constant(new float[][] {{1, 1}, {2, 2}}),
                new long[] {3, 2});
        assertError(InvalidArgumentException.class, () -> run(g, neg), "indices[1] = [-1] does not index into shape [3,2]",
                "ScatterNd");
        Output upd = tf.tensorScatterAdd(p, tf.constant(new int[][] {{0, 2}}), tf.constant(new float[] {1}));
        assertError(InvalidArgumentException.class, () -> run(g, upd), "indices[0] = [0, 2]", "TensorScatterAdd");
        assertError(InvalidArgumentException.class, () -> tf.gatherNd(p, tf.constant(new int[][] {{1, 2, 3}})),
                "GatherNd op", "indices.shape[-1] must be <= params.rank");
        assertError(InvalidArgumentException.class, () -> tf.gatherNd(p, tf.constant(1)), "GatherNd op",
                "at least a vector");
        assertError(InvalidArgumentException.class, () -> tf.scatterNd(tf.constant(new int[][] {{1}, {2}}),
                tf.constant(new float[][] {{1, 1, 1}, {2, 2, 2}}), new long[] {3, 2}), "ScatterNd op",
                "Dimensions [1,2) of input[shape=[3,2]]");
        assertError(InvalidArgumentException.class, () -> tf.tensorScatterUpdate(p, tf.constant(new int[][] {{1}, {2}}),
                tf.constant(new float[][] {{1, 1}})), "TensorScatterUpdate op", "Dimensions [0,1) of indices");
        assertError(InvalidArgumentException.class, () -> tf.tensorScatterUpdate(p, tf.constant(new int[][] {{1}}),
                tf.constant(new double[][] {{1, 1}})), "TensorScatterUpdate op", "dtype");
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Tensor params = GradientChecker.random(11, -1, 1, 3, 4, 2);
        // rows (TensorFlow's sparse row gradient), tuples of 2 with a repeat, and full tuples
        for (int[][] idx : List.of(new int[][] {{2}, {0}, {2}}, new int[][] {{1, 2}, {0, 0}, {1, 2}},
                new int[][] {{0, 1, 1}, {2, 3, 0}})) {
            GradientChecker.check((tf, x) -> tf.gatherNd(x.get(0), tf.constant(idx)), params);
        }
        int[][] idx = {{1, 1}, {0, 2}, {1, 1}};
        Tensor updates = GradientChecker.random(12, -1, 1, 3, 2);
        GradientChecker.check((tf, x) -> tf.scatterNd(tf.constant(idx), x.get(0), new long[] {2, 3, 2}), updates);
        Tensor base = GradientChecker.random(13, -1, 1, 2, 3, 2);
        int[][] distinct = {{1, 1}, {0, 2}};
        Tensor two = GradientChecker.random(14, -1, 1, 2, 2);
        GradientChecker.check((tf, x) -> tf.tensorScatterUpdate(x.get(0), tf.constant(distinct), x.get(1)), base, two);
        GradientChecker.check((tf, x) -> tf.tensorScatterAdd(x.get(0), tf.constant(idx), x.get(1)), base, updates);
        GradientChecker.check((tf, x) -> tf.tensorScatterSub(x.get(0), tf.constant(idx), x.get(1)), base, updates);
        // max/min away from ties: updates shifted clear of the base values
        Tensor high = shifted(updates, 3);
        Tensor low = shifted(updates, -3);
        GradientChecker.check((tf, x) -> tf.tensorScatterNdMax(x.get(0), tf.constant(distinct), x.get(1)), base,
                shifted(two, 3));
        GradientChecker.check((tf, x) -> tf.tensorScatterNdMin(x.get(0), tf.constant(distinct), x.get(1)), base,
                shifted(two, -3));
        GradientChecker.check((tf, x) -> tf.tensorScatterNdMax(x.get(0), tf.constant(idx), x.get(1)), base, low);
        GradientChecker.check((tf, x) -> tf.tensorScatterNdMin(x.get(0), tf.constant(idx), x.get(1)), base, high);
    }

    @Test
    void maxGradientSplitsTiesEvenly() {
        Output base = tf.constant(new double[] {1, 5, 2});
        Output y = tf.tensorScatterNdMax(base, tf.constant(new int[][] {{1}, {1}, {2}}), tf.constant(new double[] {5, 5, 7}));
        List<Output> grads = tf.gradients(List.of(y), List.of(base));
        // element 1: three equal candidates (the tensor and two updates), a third each; element 2 went to the update
        assertTensor(Tensor.of(new double[] {1, 1.0 / 3, 0}), run(g, grads.get(0)), "d base");
    }

    private static Tensor shifted(Tensor t, double by) {
        double[] d = t.doubles();
        for (int i = 0; i < d.length; i++) {
            d[i] += by;
        }
        return Tensor.of(DType.FLOAT64, t.shape(), d);
    }

    @Test
    void facadeNamesAndAttributesAreTensorFlows() {
        Output p = tf.placeholder(DType.FLOAT32, Shape.of(3, 4), "p");
        Output i = tf.placeholder(DType.INT64, Shape.of(2, 1), "i");
        Output y = tf.gatherNd(p, i);
        assertEquals("GatherNd", y.op().name());
        assertEquals(DType.INT64, y.op().attrType("Tindices"));
        assertEquals("", y.op().attrString("bad_indices_policy"));
        assertEquals(Shape.of(2, 4), y.shape());
        Output u = tf.tensorScatterNdUpdate(p, i, tf.placeholder(DType.FLOAT32, Shape.of(2, 4), "u"));
        assertEquals(List.of("TensorScatterUpdate", "TensorScatterUpdate"), Arrays.asList(u.op().name(), u.op().type()));
        Output s = tf.scatterNd(i, tf.placeholder(DType.FLOAT32, Shape.of(2, 4), "v"), new long[] {5, 4});
        assertEquals("ScatterNd/shape", s.op().input(2).op().name());
        assertEquals(Shape.of(5, 4), s.shape());
    }
}
