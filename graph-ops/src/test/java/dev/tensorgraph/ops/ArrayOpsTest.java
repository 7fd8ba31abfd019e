package dev.tensorgraph.ops;

import dev.tensorgraph.ops.sparse.SparseTensor;
import dev.tensorgraph.ops.array.Unique;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.testing.GradientChecker;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Transpose, concat, stack/unstack, split, tile, pad, one_hot, unique, where, boolean_mask, sparse to dense. */
class ArrayOpsTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);

    private Tensor run(Output o) {
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            return s.run(o, java.util.Map.of());
        }
    }

    private static float[] iota(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return v;
    }

    private Output iota(long... shape) {
        Shape s = Shape.of(shape);
        return tf.constant(Tensor.of(DType.FLOAT32, s, iota((int) s.numElements())));
    }

    @Test
    void transpose() {
        Output x = tf.constant(new int[][] {{1, 2, 3}, {4, 5, 6}});
        Output t = tf.transpose(x);
        assertEquals("transpose", t.op().name());
        assertEquals("transpose/perm", t.op().input(1).op().name());
        assertEquals(Shape.of(3, 2), t.shape());
        assertArrayEquals(new int[] {1, 4, 2, 5, 3, 6}, run(t).ints());
        Output y = iota(2, 3, 4);
        Output t3 = tf.transpose(y, new int[] {2, 0, 1});
        assertEquals(Shape.of(4, 2, 3), t3.shape());
        float[] v = run(t3).floats();
        // out[k, i, j] = y[i, j, k] = 12i + 4j + k
        assertEquals(12 * 1 + 4 * 2 + 3, v[3 * 6 + 1 * 3 + 2]);
        Output big = iota(70, 45);
        float[] bt = run(tf.transpose(big)).floats();
        assertEquals(69 * 45 + 44, bt[44 * 70 + 69]);
        assertEquals(3 * 45 + 40, bt[40 * 70 + 3]);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> tf.transpose(y, new int[] {1, 0}));
        assertTrue(e.getMessage().contains("Transpose") && e.getMessage().contains("[2,3,4]"), e.getMessage());
    }

    @Test
    void concatStackUnstack() {
        Output a = tf.constant(new int[][] {{1, 2, 3}, {4, 5, 6}});
        Output b = tf.constant(new int[][] {{7, 8, 9}, {10, 11, 12}});
        Output c0 = tf.concat(List.of(a, b), 0);
        assertEquals("concat", c0.op().name());
        assertEquals(Shape.of(4, 3), c0.shape());
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, run(c0).ints());
        Output c1 = tf.concat(List.of(a, b), -1);
        assertEquals(Shape.of(2, 6), c1.shape());
        assertArrayEquals(new int[] {1, 2, 3, 7, 8, 9, 4, 5, 6, 10, 11, 12}, run(c1).ints());
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> tf.concat(List.of(a, tf.constant(new int[][] {{1, 2}})), 0));
        assertTrue(e.getMessage().contains("ConcatV2") && e.getMessage().contains("[2,3]") && e.getMessage().contains("[1,2]"),
                e.getMessage());
        // tf.stack([x, y, z]) = [[1, 4], [2, 5], [3, 6]]; axis=1: [[1, 2, 3], [4, 5, 6]]
        Output x = tf.constant(new int[] {1, 4});
        Output y = tf.constant(new int[] {2, 5});
        Output z = tf.constant(new int[] {3, 6});
        Output s0 = tf.stack(List.of(x, y, z));
        assertEquals("stack", s0.op().name());
        assertEquals(Shape.of(3, 2), s0.shape());
        assertArrayEquals(new int[] {1, 4, 2, 5, 3, 6}, run(s0).ints());
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6}, run(tf.stack(List.of(x, y, z), 1)).ints());
        List<Output> u = tf.unstack(a, 1);
        assertEquals(3, u.size());
        assertEquals("unstack", u.get(0).op().name());
        assertEquals(Shape.of(2), u.get(2).shape());
        assertArrayEquals(new int[] {3, 6}, run(u.get(2)).ints());
    }

    @Test
    void split() {
        Output x = iota(5, 30);
        List<Output> sv = tf.split(x, new int[] {4, 15, 11}, 1);
        assertEquals(Shape.of(5, 4), sv.get(0).shape());
        assertEquals(Shape.of(5, 15), sv.get(1).shape());
        assertEquals(Shape.of(5, 11), sv.get(2).shape());
        assertEquals("split", sv.get(0).op().name());
        float[] p1 = run(sv.get(1)).floats();
        assertEquals(4f, p1[0]);
        assertEquals(30 + 4f, p1[15]);
        List<Output> s3 = tf.split(x, 3, 1);
        assertEquals(Shape.of(5, 10), s3.get(2).shape());
        assertEquals(20f, run(s3.get(2)).floats()[0]);
        assertEquals(Shape.of(5, 26), tf.split(x, new int[] {4, -1}, 1).get(1).shape());
        assertThrows(InvalidArgumentException.class, () -> tf.split(x, 4, 1));
    }

    @Test
    void tileAndPad() {
        Output a = tf.constant(new int[][] {{1, 2, 3}, {4, 5, 6}});
        Output t = tf.tile(a, new int[] {1, 2});
        assertEquals(Shape.of(2, 6), t.shape());
        assertArrayEquals(new int[] {1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6}, run(t).ints());
        Output t2 = tf.tile(a, new int[] {2, 1});
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6}, run(t2).ints());
        // tf.pad(t, [[1, 1], [2, 2]]) doc example
        Output p = tf.pad(a, new int[][] {{1, 1}, {2, 2}});
        assertEquals("Pad", p.op().name());
        assertEquals(Shape.of(4, 7), p.shape());
        assertArrayEquals(new int[] {
            0, 0, 0, 0, 0, 0, 0,
            0, 0, 1, 2, 3, 0, 0,
            0, 0, 4, 5, 6, 0, 0,
            0, 0, 0, 0, 0, 0, 0}, run(p).ints());
        Output pv = tf.pad(a, new int[][] {{0, 1}, {1, 0}}, 9, null);
        assertEquals("PadV2", pv.op().type());
        assertArrayEquals(new int[] {9, 1, 2, 3, 9, 4, 5, 6, 9, 9, 9, 9}, run(pv).ints());
    }

    @Test
    void oneHot() {
        // tf.one_hot([0, 1, 2], 3) = identity; indices [0, 2, -1, 1], depth 3, on 5, off 0, axis -1
        Output i = tf.constant(new int[] {0, 2, -1, 1});
        Output o = tf.oneHot(i, 3, 5, 0, -1, DType.FLOAT32, null);
        assertEquals("one_hot", o.op().name());
        assertEquals("one_hot/depth", o.op().input(1).op().name());
        assertEquals(Shape.of(4, 3), o.shape());
        assertArrayEquals(new float[] {5, 0, 0, 0, 0, 5, 0, 0, 0, 0, 5, 0}, run(o).floats());
        // indices [[0, 2], [1, -1]], depth 3, on 1, off 0, axis -1 → [2, 2, 3]
        Output i2 = tf.constant(new int[][] {{0, 2}, {1, -1}});
        Output o2 = tf.oneHot(i2, 3, 1, 0, -1, DType.FLOAT32, null);
        assertEquals(Shape.of(2, 2, 3), o2.shape());
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0}, run(o2).floats());
        // axis 0: [depth, n]
        Output o0 = tf.oneHot(tf.constant(new int[] {0, 2, 1}), 3, 1, 0, 0, DType.INT32, null);
        assertEquals(Shape.of(3, 3), o0.shape());
        assertArrayEquals(new int[] {1, 0, 0, 0, 0, 1, 0, 1, 0}, run(o0).ints());
    }

    @Test
    void uniqueWhereBooleanMask() {
        Unique u = tf.unique(tf.constant(new int[] {1, 1, 2, 4, 4, 4, 7, 8, 8}));
        assertEquals(Shape.of(-1), u.y().shape());
        assertArrayEquals(new int[] {1, 2, 4, 7, 8}, run(u.y()).ints());
        assertArrayEquals(new int[] {0, 0, 1, 2, 2, 2, 3, 4, 4}, run(u.idx()).ints());
        Output w = tf.where(tf.constant(new boolean[][] {{true, false}, {false, true}}));
        assertEquals(Shape.of(-1, 2), w.shape());
        Tensor wv = run(w);
        assertEquals(Shape.of(2, 2), wv.shape());
        assertArrayEquals(new long[] {0, 0, 1, 1}, wv.longs());
        // tf.boolean_mask([0, 1, 2, 3], [True, False, True, False]) = [0, 2]
        Output m = tf.booleanMask(tf.constant(new int[] {0, 1, 2, 3}), tf.constant(new boolean[] {true, false, true, false}));
        assertTrue(m.op().name().startsWith("boolean_mask/"), m.op().name());
        assertArrayEquals(new int[] {0, 2}, run(m).ints());
        // 2-D tensor, 1-D mask: [[1, 2], [3, 4], [5, 6]] with [True, False, True] = [[1, 2], [5, 6]]
        Output m2 = tf.booleanMask(tf.constant(new int[][] {{1, 2}, {3, 4}, {5, 6}}),
                tf.constant(new boolean[] {true, false, true}));
        Tensor m2v = run(m2);
        assertEquals(Shape.of(2, 2), m2v.shape());
        assertArrayEquals(new int[] {1, 2, 5, 6}, m2v.ints());
    }

    @Test
    void sparseToDense() {
        SparseTensor sp = tf.sparse.sparseTensor(new long[][] {{0, 0}, {1, 2}}, new float[] {1, 2}, new long[] {3, 4});
        Output d = tf.sparse.toDense(sp);
        assertEquals("SparseToDense", d.op().name());
        assertEquals(Shape.of(3, 4), d.shape());
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0}, run(d).floats());
        SparseTensor bad = tf.sparse.sparseTensor(new long[][] {{1, 2}, {0, 0}}, new float[] {1, 2}, new long[] {3, 4});
        Output bd = tf.sparse.toDense(bad);
        assertThrows(InvalidArgumentException.class, () -> run(bd));
    }

    @Test
    void gradients() {
        GradientChecker.check((t, xs) -> t.transpose(xs.get(0), new int[] {1, 2, 0}), GradientChecker.random(1, -1, 1, 2, 3, 4));
        GradientChecker.check((t, xs) -> t.transpose(xs.get(0)), GradientChecker.random(2, -1, 1, 3, 2));
        GradientChecker.check((t, xs) -> t.concat(xs, 1),
                GradientChecker.random(3, -1, 1, 2, 1), GradientChecker.random(4, -1, 1, 2, 3));
        GradientChecker.check((t, xs) -> t.stack(xs, 1),
                GradientChecker.random(5, -1, 1, 2, 3), GradientChecker.random(6, -1, 1, 2, 3));
        GradientChecker.check((t, xs) -> t.unstack(xs.get(0), 1).get(1), GradientChecker.random(7, -1, 1, 2, 3));
        GradientChecker.check((t, xs) -> t.split(xs.get(0), 3, 1).get(2), GradientChecker.random(8, -1, 1, 2, 6));
        GradientChecker.check((t, xs) -> t.split(xs.get(0), new int[] {1, 2}, 0).get(0), GradientChecker.random(9, -1, 1, 3, 2));
        GradientChecker.check((t, xs) -> t.tile(xs.get(0), new int[] {2, 3}), GradientChecker.random(10, -1, 1, 2, 2));
        GradientChecker.check((t, xs) -> t.pad(xs.get(0), new int[][] {{1, 0}, {2, 1}}), GradientChecker.random(11, -1, 1, 2, 3));
        GradientChecker.check((t, xs) -> t.pad(xs.get(0), new int[][] {{1, 1}}, 3, null), GradientChecker.random(12, -1, 1, 3));
    }
}
