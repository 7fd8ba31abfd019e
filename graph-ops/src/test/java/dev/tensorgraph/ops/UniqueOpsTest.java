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
import dev.tensorgraph.ops.array.ListDiff;
import dev.tensorgraph.ops.array.Unique;
import dev.tensorgraph.ops.array.UniqueOps;
import dev.tensorgraph.ops.array.UniqueWithCounts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Unique, UniqueWithCounts, UniqueV2 / UniqueWithCountsV2 (slices along an axis) and ListDiff against a list scan
 * by equality, for every dtype; NaN and -0.0 as TensorFlow compares them; bad arguments.
 */
class UniqueOpsTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);

    /** Slice j of x viewed as [outer, n, inner]. */
    private static double[] slice(double[] x, int outer, int n, int inner, int j) {
        double[] s = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            System.arraycopy(x, (o * n + j) * inner, s, o * inner, inner);
        }
        return s;
    }

    /** Equal as TensorFlow compares: element by element with ==, so NaN equals nothing. */
    private static boolean same(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            if (!(a[i] == b[i])) {
                return false;
            }
        }
        return true;
    }

    @Test
    void uniqueAlongEachAxisMatchesAListScan() {
        for (DType t : ArrayTestSupport.ALL_TYPES) {
            // few distinct values so that slices repeat: x mod 2
            double[] base = values(random(51, DType.INT32, 3, 4, 2));
            double[] small = new double[base.length];
            for (int i = 0; i < base.length; i++) {
                small[i] = Math.floorMod((int) base[i], 2);
            }
            long[] dims = {3, 4, 2};
            Tensor x = ArrayTestSupport.of(t, Shape.of(dims), small);
            for (int axis = -3; axis < 3; axis++) {
                int a = axis < 0 ? axis + 3 : axis;
                int outer = a == 0 ? 1 : (int) (a == 1 ? dims[0] : dims[0] * dims[1]);
                int n = (int) dims[a];
                int inner = a == 2 ? 1 : (int) (a == 1 ? dims[2] : dims[1] * dims[2]);
                UniqueWithCounts u = UniqueOps.uniqueWithCountsV2(g, tf.constant(x), tf.constant(new long[] {axis}),
                        DType.INT64, null);
                List<Tensor> got = run(g, List.of(u.y(), u.idx(), u.count()));
                List<double[]> distinct = new ArrayList<>();
                List<Long> counts = new ArrayList<>();
                long[] idx = new long[n];
                for (int j = 0; j < n; j++) {
                    double[] s = slice(small, outer, n, inner, j);
                    int k = 0;
                    while (k < distinct.size() && !same(distinct.get(k), s)) {
                        k++;
                    }
                    if (k == distinct.size()) {
                        distinct.add(s);
                        counts.add(0L);
                    }
                    counts.set(k, counts.get(k) + 1);
                    idx[j] = k;
                }
                long[] yDims = dims.clone();
                yDims[a] = distinct.size();
                double[] y = new double[(int) Shape.of(yDims).numElements()];
                for (int o = 0; o < outer; o++) {
                    for (int k = 0; k < distinct.size(); k++) {
                        System.arraycopy(distinct.get(k), o * inner, y, (o * distinct.size() + k) * inner, inner);
                    }
                }
                String what = "UniqueWithCountsV2 " + t + " axis " + axis;
                assertTensor(ArrayTestSupport.of(t, Shape.of(yDims), y), got.get(0), what + " y");
                assertTensor(Tensor.of(DType.INT64, Shape.of(n), idx), got.get(1), what + " idx");
                assertTensor(Tensor.of(DType.INT64, Shape.of(counts.size()),
                        counts.stream().mapToLong(Long::longValue).toArray()), got.get(2), what + " count");
            }
        }
    }

    @Test
    void vectorsNaNAndNegativeZero() {
        Output x = tf.constant(new float[] {Float.NaN, 0f, Float.NaN, -0f, 2f, 0f});
        UniqueWithCounts u = tf.uniqueWithCounts(x);
        assertEquals("UniqueWithCounts", u.y().op().name());
        List<Tensor> got = run(g, List.of(u.y(), u.idx(), u.count()));
        // every NaN is a value of its own; -0.0 equals 0.0 (the first occurrence is kept)
        assertTensor(Tensor.of(new float[] {Float.NaN, 0f, Float.NaN, 2f}), got.get(0), "y");
        assertTensor(Tensor.of(new int[] {0, 1, 2, 1, 3, 1}), got.get(1), "idx");
        assertTensor(Tensor.of(new int[] {1, 3, 1, 1}), got.get(2), "count");
        Unique v2 = UniqueOps.uniqueV2(g, tf.constant(new int[] {5, 3, 5}), tf.constant(new long[0]), DType.INT32, null);
        assertTensor(Tensor.of(new int[] {5, 3}), run(g, v2.y()), "UniqueV2 without axis");
        Unique strings = tf.unique(tf.constant(Tensor.of(DType.STRING, Shape.of(3),
                new byte[][] {"a".getBytes(), "b".getBytes(), "a".getBytes()})));
        assertEquals(List.of("a", "b"), Arrays.asList(run(g, strings.y()).strings()));
    }

    @Test
    void setdiff1dKeepsOrderAndRepeats() {
        for (DType t : ArrayTestSupport.ALL_TYPES) {
            Tensor x = ArrayTestSupport.of(t, Shape.of(6), new double[] {1, 2, 2, 3, 4, 1});
            Tensor y = ArrayTestSupport.of(t, Shape.of(2), new double[] {1, 5});
            ListDiff d = tf.setdiff1d(tf.constant(x), tf.constant(y), DType.INT64, null);
            List<Tensor> got = run(g, List.of(d.out(), d.idx()));
            double[] want = t == DType.BOOL ? new double[] {} : new double[] {2, 2, 3, 4};
            long[] pos = t == DType.BOOL ? new long[] {} : new long[] {1, 2, 3, 4};
            assertTensor(ArrayTestSupport.of(t, Shape.of(want.length), want), got.get(0), "ListDiff " + t);
            assertTensor(Tensor.of(DType.INT64, Shape.of(pos.length), pos), got.get(1), "ListDiff idx " + t);
        }
        ListDiff nan = tf.setdiff1d(tf.constant(new double[] {Double.NaN, 1}), tf.constant(new double[] {Double.NaN}));
        assertTensor(Tensor.of(new double[] {Double.NaN, 1}), run(g, nan.out()), "NaN is never in y");
        assertEquals("ListDiff", nan.out().op().type());
    }

    @Test
    void badArgumentsNameTheOp() {
        Output m = tf.constant(new int[][] {{1, 2}, {3, 4}});
        assertError(InvalidArgumentException.class, () -> tf.unique(m), "Unique op", "vector");
        assertError(InvalidArgumentException.class, () -> tf.setdiff1d(m, tf.constant(new int[] {1})), "ListDiff op",
                "x should be a 1D vector");
        assertError(InvalidArgumentException.class, () -> UniqueOps.uniqueV2(g, m, tf.constant(new long[] {0, 1}),
                DType.INT32, null), "UniqueV2 op", "axis does not support input tensors larger than 1 elements");
        assertError(InvalidArgumentException.class, () -> UniqueOps.uniqueV2(g, m, tf.constant(new long[] {2}),
                DType.INT32, null), "UniqueV2 op", "axis = 2 is not in [-2, 2)");
        Output axis = tf.placeholder(DType.INT64, Shape.of(-1), "axis");
        Unique u = UniqueOps.uniqueV2(g, m, axis, DType.INT32, null);
        assertError(InvalidArgumentException.class, () -> {
            try (var s = new dev.tensorgraph.Session(g, dev.tensorgraph.SessionOptions.cpuOnly())) {
                s.run(u.y(), java.util.Map.of(axis, Tensor.of(DType.INT64, Shape.of(0), new long[0])));
            }
        }, "unique expects a 1D vector", "UniqueV2");
    }
}
