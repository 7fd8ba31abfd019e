package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sum, Prod, Mean, Max, Min, Any, All, ArgMax, ArgMin: values, shapes, TensorFlow naming, gradients. */
class ReductionOpsTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);

    /** 1..24 as a [3,2,4] tensor of {@code t}. */
    private Output arange24(DType t) {
        double[] v = new double[24];
        for (int i = 0; i < 24; i++) {
            v[i] = i + 1;
        }
        return tf.constant(cast(Tensor.of(DType.FLOAT64, Shape.of(3, 2, 4), v), t));
    }

    private static Tensor cast(Tensor d, DType t) {
        double[] v = d.doubles();
        Object a = Tensor.newArray(t, v.length);
        for (int i = 0; i < v.length; i++) {
            switch (t) {
                case FLOAT32 -> ((float[]) a)[i] = (float) v[i];
                case FLOAT64 -> ((double[]) a)[i] = v[i];
                case INT32 -> ((int[]) a)[i] = (int) v[i];
                default -> ((long[]) a)[i] = (long) v[i];
            }
        }
        return Tensor.wrap(t, d.shape(), a);
    }

    private Tensor run(Output y) {
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            return s.run(y);
        }
    }

    @Test
    void valuesOnArange() {
        Output a = arange24(DType.FLOAT32);
        assertEquals(300f, run(tf.reduceSum(a)).floatValue());
        assertEquals(6.204484e23f, run(tf.reduceProd(a)).floatValue(), 6.204484e23f * 1e-6f);
        assertEquals(12.5f, run(tf.reduceMean(a)).floatValue());
        assertEquals(24f, run(tf.reduceMax(a)).floatValue());
        assertEquals(1f, run(tf.reduceMin(a)).floatValue());
        // axis 0: element (j,k) sums 1+j*4+k, 9+j*4+k, 17+j*4+k
        assertArrayEquals(new float[] {27, 30, 33, 36, 39, 42, 45, 48}, run(tf.reduceSum(a, 0)).floats());
        Tensor s12 = run(tf.reduceSum(a, new int[] {1, 2}));
        assertEquals(Shape.of(3), s12.shape());
        assertArrayEquals(new float[] {36, 100, 164}, s12.floats());
        Tensor keep = run(tf.reduceSum(a, new int[] {-1}, true));
        assertEquals(Shape.of(3, 2, 1), keep.shape());
        assertArrayEquals(new float[] {10, 26, 42, 58, 74, 90}, keep.floats());
        assertArrayEquals(new float[] {4, 8, 12, 16, 20, 24}, run(tf.reduceMax(a, 2)).floats());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, run(tf.reduceMin(a, new int[] {0})).floats());
        assertArrayEquals(new float[] {1 * 5 * 9 * 13 * 17 * 21, 2 * 6 * 10 * 14 * 18 * 22f, 3 * 7 * 11 * 15 * 19 * 23f,
            4 * 8 * 12 * 16 * 20 * 24f}, run(tf.reduceProd(a, new int[] {0, 1})).floats());
        Tensor none = run(tf.reduceSum(a, new int[0]));
        assertEquals(Shape.of(3, 2, 4), none.shape());
    }

    @Test
    void integerDtypes() {
        Output i32 = arange24(DType.INT32);
        assertEquals(300, run(tf.reduceSum(i32)).intValue());
        assertEquals(12, run(tf.reduceMean(i32)).intValue());   // 12.5 truncated
        assertArrayEquals(new int[] {2, 6, 10, 14, 18, 22}, run(tf.reduceMean(i32, 2)).ints());   // 2.5, 6.5, ... truncated
        Output i64 = arange24(DType.INT64);
        assertEquals(24L, run(tf.reduceMax(i64)).longValue());
        assertArrayEquals(new long[] {105, 384}, run(tf.reduceProd(tf.constant(new long[][] {{3, 5, 7}, {6, 8, 8}}), 1)).longs());
        Output f64 = arange24(DType.FLOAT64);
        assertArrayEquals(new double[] {4.5, 12.5, 20.5}, run(tf.reduceMean(f64, new int[] {1, 2})).doubles());
    }

    @Test
    void anyAllAndArgMax() {
        Output b = tf.constant(new boolean[][] {{true, false}, {false, false}});
        assertArrayEquals(new boolean[] {true, false}, run(tf.reduceAny(b, 1)).booleans());
        assertArrayEquals(new boolean[] {false, false}, run(tf.reduceAll(b, new int[] {0})).booleans());
        assertEquals(true, run(tf.reduceAny(b)).booleanValue());
        Output x = tf.constant(new float[][] {{1, 9, 9}, {4, 2, 4}});
        Output am = tf.argmax(x, 1);
        assertEquals(DType.INT64, am.dtype());
        assertArrayEquals(new long[] {1, 0}, run(am).longs());
        Output amin = tf.argmin(x, 0, DType.INT32);
        assertEquals(DType.INT32, amin.dtype());
        assertArrayEquals(new int[] {0, 1, 1}, run(amin).ints());
        assertArrayEquals(new long[] {0, 1}, run(tf.argmin(x, -1)).longs());
    }

    @Test
    void tensorFlowNames() {
        Output a = tf.placeholder(DType.INT32, Shape.of(-1, -1, -1), "my_input");
        Output p = tf.reduceProd(a, "prod_b");
        assertEquals("prod_b:0", p.name());
        assertEquals("Const", p.op().input(1).op().name());
        assertArrayEquals(new int[] {0, 1, 2}, p.op().input(1).op().attrTensor("value").ints());
        Output s = tf.reduceSum(a, new int[] {1});
        assertEquals("Sum", s.op().name());
        assertEquals("Sum/reduction_indices", s.op().input(1).op().name());
        assertEquals("Sum_1", tf.reduceSum(a, 0).op().name());
        assertEquals("Mean", tf.reduceMean(a).op().name());
        assertEquals("ArgMax/dimension", tf.argmax(tf.constant(new float[] {1, 2}), 0).op().input(1).op().name());
        assertEquals(DType.INT32, s.op().attrType("Tidx"));
        assertEquals(false, s.op().attrBool("keep_dims"));
        Output unknownRank = tf.placeholder(DType.FLOAT32);
        Output all = tf.reduceSum(unknownRank);
        assertEquals("Range", all.op().input(1).op().type());
        assertEquals(Shape.unknown(), all.shape());
        try (Session sess = new Session(g, SessionOptions.cpuOnly())) {
            Tensor v = sess.run(all, Map.of(unknownRank, Tensor.of(new float[][] {{1, 2}, {3, 4}})));
            assertEquals(10f, v.floatValue());
        }
    }

    @Test
    void shapeInference() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 784), "x");
        assertEquals(Shape.of(-1), tf.reduceSum(x, 1).shape());
        assertEquals(Shape.of(-1, 1), tf.reduceMean(x, new int[] {-1}, true).shape());
        assertEquals(Shape.of(784), tf.reduceMax(x, 0).shape());
        assertEquals(Shape.scalar(), tf.reduceMin(x).shape());
        assertEquals(Shape.of(1, 1), tf.reduceSum(x, (int[]) null, true, null).shape());
        Output axes = tf.placeholder(DType.INT32, Shape.of(-1), "axes");
        assertEquals(Shape.unknownOfRank(2), tf.reduceSum(x, axes, true, null).shape());
        assertEquals(Shape.unknown(), tf.reduceSum(x, axes, false, null).shape());
        assertEquals(Shape.of(-1), tf.argmax(x, 1).shape());
        Output axes64 = tf.constant(new long[] {1});
        Output s64 = tf.reduceSum(x, axes64, false, "s64");
        assertEquals(DType.INT64, s64.op().attrType("Tidx"));
        assertEquals(Shape.of(-1), s64.shape());
    }

    @Test
    void errors() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2, 3), "x");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> tf.reduceSum(x, 2));
        assertTrue(e.getMessage().contains("Sum") && e.getMessage().contains("2"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> tf.argmax(x, -3));
        assertThrows(InvalidArgumentException.class, () -> tf.reduceAny(x));
        assertThrows(InvalidArgumentException.class, () -> tf.reduceSum(tf.constant(new boolean[] {true})));
        Output axes = tf.placeholder(DType.INT32, Shape.of(-1), "axes");
        Output y = tf.reduceSum(x, axes, false, null);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertThrows(InvalidArgumentException.class,
                    () -> s.run(y, Map.of(axes, Tensor.of(DType.INT32, Shape.of(1), new int[] {5}))));
            assertArrayEquals(new float[] {0, 0, 0},
                    s.run(y, Map.of(axes, Tensor.of(DType.INT32, Shape.of(1), new int[] {-2}),
                            x, Tensor.of(DType.FLOAT32, Shape.of(2, 3), new float[6]))).floats());
        }
    }

    // ---- gradients ----

    @Test
    void sumGradients() {
        Tensor x = GradientChecker.random(1, -1, 1, 2, 3, 4);
        GradientChecker.check((t, xs) -> t.reduceSum(xs.get(0)), x);
        GradientChecker.check((t, xs) -> t.reduceSum(xs.get(0), 1), x);
        GradientChecker.check((t, xs) -> t.reduceSum(xs.get(0), new int[] {0, 2}, true), x);
        GradientChecker.check((t, xs) -> t.reduceSum(xs.get(0), new int[] {-1, 0}), x);
        // unknown dims: Reshape with -1, then ExpandDims when several kept dims are unknown
        GradientChecker.check((t, xs) -> t.reduceSum(t.placeholderWithDefault(xs.get(0), Shape.of(-1, 3, 4), null), 2), x);
        GradientChecker.check((t, xs) -> t.reduceSum(t.placeholderWithDefault(xs.get(0), Shape.of(-1, 3, -1), null), 1), x);
    }

    @Test
    void meanGradients() {
        Tensor x = GradientChecker.random(2, -1, 1, 2, 3, 4);
        GradientChecker.check((t, xs) -> t.reduceMean(xs.get(0)), x);
        GradientChecker.check((t, xs) -> t.reduceMean(xs.get(0), new int[] {1}, true), x);
        GradientChecker.check((t, xs) -> t.reduceMean(xs.get(0), new int[] {0, 2}), x);
        GradientChecker.check((t, xs) -> t.reduceMean(t.placeholderWithDefault(xs.get(0), Shape.of(-1, 3, -1), null), 1), x);
    }

    @Test
    void prodGradients() {
        Tensor x = GradientChecker.random(3, 0.5, 1.5, 2, 3, 4);
        GradientChecker.check((t, xs) -> t.reduceProd(xs.get(0)), x);
        GradientChecker.check((t, xs) -> t.reduceProd(xs.get(0), 1), x);
        GradientChecker.check((t, xs) -> t.reduceProd(xs.get(0), new int[] {0, 2}, true), x);
        // zeros: one zero in row 0, two in row 1, none in row 2
        Tensor z = Tensor.of(DType.FLOAT64, Shape.of(3, 3), new double[] {0, 2, 3, 0, 0, 4, 1, 2, 3});
        GradientChecker.check((t, xs) -> t.reduceProd(xs.get(0), 1), z);
        GradientChecker.check((t, xs) -> t.reduceProd(xs.get(0), new int[] {0}, true), z);
    }

    @Test
    void maxMinGradients() {
        Tensor x = GradientChecker.random(4, -1, 1, 2, 3, 4);
        GradientChecker.check((t, xs) -> t.reduceMax(xs.get(0)), x);
        GradientChecker.check((t, xs) -> t.reduceMax(xs.get(0), 1), x);
        GradientChecker.check((t, xs) -> t.reduceMin(xs.get(0), new int[] {0, 2}, true), x);
        GradientChecker.check((t, xs) -> t.reduceMin(xs.get(0), -1), x);
    }

    @Test
    void maxGradientIsSharedAmongTies() {
        Output x = tf.constant(new float[] {1, 3, 3});
        Output y = tf.reduceMax(x);
        List<Output> grads = tf.gradients(y, List.of(x));
        assertNotNull(grads.get(0));
        assertArrayEquals(new float[] {0, 0.5f, 0.5f}, run(grads.get(0)).floats());
        assertTrue(grads.get(0).op().name().contains("Max_grad/"), grads.get(0).op().name());
    }
}
