package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
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
import dev.tensorgraph.testing.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Forward values of the elementwise math ops against TensorFlow's recorded results (the tf-cases resources)
 * and hand-computed values, plus build-time dtype and shape errors and default op names.
 */
class ElementwiseOpsTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);

    private Tensor run(Output y, Map<Output, Tensor> feeds) {
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            return s.run(y, feeds);
        }
    }

    private Tensor run(Output y) {
        return run(y, Map.of());
    }

    private static Tensor f32(long[] shape, float... v) {
        return Tensor.of(DType.FLOAT32, Shape.of(shape), v);
    }

    private static long[] s(long... d) {
        return d;
    }

    // ---- TensorFlow's recorded cases ----

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String path) throws IOException {
        try (InputStream in = ElementwiseOpsTest.class.getResourceAsStream("/tf-cases/" + path)) {
            assertTrue(in != null, "missing resource " + path);
            return Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @SuppressWarnings("unchecked")
    private static Tensor tensor(Object spec) {
        Map<String, Object> m = (Map<String, Object>) spec;
        DType t = DType.fromName((String) m.get("dtype"));
        List<Object> shapeList = (List<Object>) m.get("shape");
        long[] shape = new long[shapeList.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = ((Number) shapeList.get(i)).longValue();
        }
        List<Object> vals = (List<Object>) m.get("values");
        int n = vals.size();
        Object flat = switch (t) {
            case FLOAT32 -> { float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = ((Number) vals.get(i)).floatValue(); yield a; }
            case FLOAT64 -> { double[] a = new double[n]; for (int i = 0; i < n; i++) a[i] = ((Number) vals.get(i)).doubleValue(); yield a; }
            case INT32 -> { int[] a = new int[n]; for (int i = 0; i < n; i++) a[i] = ((Number) vals.get(i)).intValue(); yield a; }
            case INT64 -> { long[] a = new long[n]; for (int i = 0; i < n; i++) a[i] = ((Number) vals.get(i)).longValue(); yield a; }
            case UINT8 -> { byte[] a = new byte[n]; for (int i = 0; i < n; i++) a[i] = (byte) ((Number) vals.get(i)).intValue(); yield a; }
            case BOOL -> { boolean[] a = new boolean[n]; for (int i = 0; i < n; i++) a[i] = (Boolean) vals.get(i); yield a; }
            default -> throw new IllegalArgumentException(t.toString());
        };
        return Tensor.of(t, Shape.of(shape), flat);
    }

    /**
     * Feeds the case's placeholders, builds each fetched tensor with the facade and compares with TensorFlow's
     * values (1e-5 relative + 1e-6 absolute for floats, exact otherwise).
     */
    private void checkCase(String name, Map<String, Function<Map<String, Output>, Output>> builders) throws IOException {
        Map<String, Object> feedsJson = json(name + "/feeds.json");
        Map<String, Object> expected = json(name + "/expected.json");
        Map<String, Output> in = new HashMap<>();
        Map<Output, Tensor> feeds = new HashMap<>();
        for (var e : feedsJson.entrySet()) {
            Tensor v = tensor(e.getValue());
            Output p = tf.placeholder(v.dtype(), v.shape(), e.getKey());
            in.put(e.getKey(), p);
            feeds.put(p, v);
        }
        assertEquals(expected.keySet(), builders.keySet(), "the test builds every fetch of " + name);
        try (Session sess = new Session(g, SessionOptions.cpuOnly())) {
            for (var e : builders.entrySet()) {
                Tensor want = tensor(expected.get(e.getKey()));
                Tensor got = sess.run(e.getValue().apply(in), feeds);
                String what = name + " " + e.getKey();
                assertEquals(want.dtype(), got.dtype(), what);
                assertEquals(want.shape(), got.shape(), what);
                if (want.dtype().isFloating()) {
                    double[] w = want.toDoubles();
                    double[] a = got.toDoubles();
                    for (int i = 0; i < w.length; i++) {
                        assertTrue(Math.abs(w[i] - a[i]) <= 1e-6 + 1e-5 * Math.abs(w[i]), what + "[" + i + "]: " + w[i] + " vs " + a[i]);
                        assertEquals(Math.copySign(1.0, w[i]), Math.copySign(1.0, a[i]), what + "[" + i + "] sign of zero");
                    }
                } else if (want.dtype() == DType.BOOL) {
                    assertArrayEquals(want.booleans(), got.booleans(), what);
                } else {
                    assertArrayEquals(want.toDoubles(), got.toDoubles(), what);
                }
            }
        }
    }

    @Test
    void arithBroadcastRowMatchesTensorFlow() throws IOException {
        Map<String, Function<Map<String, Output>, Output>> b = new LinkedHashMap<>();
        b.put("add:0", m -> tf.add(m.get("x"), m.get("y")));
        b.put("add_v2:0", m -> tf.addV2(m.get("x"), m.get("y")));
        b.put("sub:0", m -> tf.subtract(m.get("x"), m.get("y")));
        b.put("mul:0", m -> tf.multiply(m.get("x"), m.get("y")));
        b.put("realdiv:0", m -> tf.realdiv(m.get("x"), m.get("y")));
        b.put("maximum:0", m -> tf.maximum(m.get("x"), m.get("y")));
        b.put("minimum:0", m -> tf.minimum(m.get("x"), m.get("y")));
        checkCase("arith_broadcast_row", b);
    }

    @Test
    void unaryMathMatchesTensorFlow() throws IOException {
        Map<String, Function<Map<String, Output>, Output>> b = new LinkedHashMap<>();
        b.put("square:0", m -> tf.square(m.get("x")));
        b.put("sqrt:0", m -> tf.sqrt(m.get("p")));
        b.put("exp:0", m -> tf.exp(m.get("x")));
        b.put("log:0", m -> tf.log(m.get("p")));
        b.put("rsqrt:0", m -> tf.rsqrt(m.get("p")));
        b.put("reciprocal:0", m -> tf.reciprocal(m.get("p")));
        b.put("neg:0", m -> tf.negative(m.get("x")));
        b.put("abs:0", m -> tf.abs(m.get("x")));
        b.put("sign:0", m -> tf.sign(m.get("x")));
        b.put("floor:0", m -> tf.floor(m.get("x")));
        b.put("ceil:0", m -> tf.ceil(m.get("x")));
        b.put("round:0", m -> tf.round(m.get("x")));
        b.put("pow:0", m -> tf.pow(m.get("p"), 1.5));
        checkCase("unary_math", b);
    }

    @Test
    void compareLogicalMatchesTensorFlow() throws IOException {
        Map<String, Function<Map<String, Output>, Output>> b = new LinkedHashMap<>();
        b.put("equal:0", m -> tf.equal(m.get("a"), m.get("b")));
        b.put("not_equal:0", m -> tf.notEqual(m.get("a"), m.get("b")));
        b.put("less:0", m -> tf.less(m.get("a"), m.get("b")));
        b.put("less_equal:0", m -> tf.lessEqual(m.get("a"), m.get("b")));
        b.put("greater:0", m -> tf.greater(m.get("a"), m.get("b")));
        b.put("greater_equal:0", m -> tf.greaterEqual(m.get("a"), m.get("b")));
        b.put("logical_and:0", m -> tf.logicalAnd(m.get("p"), m.get("q")));
        b.put("logical_or:0", m -> tf.logicalOr(m.get("p"), m.get("q")));
        b.put("logical_not:0", m -> tf.logicalNot(m.get("p")));
        b.put("and_of_compares:0", m -> tf.logicalAnd(tf.less(m.get("a"), m.get("b")), m.get("p")));
        checkCase("compare_logical", b);
    }

    @Test
    void castMatchesTensorFlow() throws IOException {
        Map<String, Function<Map<String, Output>, Output>> b = new LinkedHashMap<>();
        b.put("f2i:0", m -> tf.cast(m.get("x"), DType.INT32));
        b.put("f2l:0", m -> tf.cast(m.get("x"), DType.INT64));
        b.put("f2b:0", m -> tf.cast(m.get("x"), DType.BOOL));
        b.put("f2d:0", m -> tf.cast(m.get("x"), DType.FLOAT64));
        b.put("b2f:0", m -> tf.cast(m.get("b"), DType.FLOAT32));
        b.put("i2f:0", m -> tf.cast(m.get("i"), DType.FLOAT32));
        b.put("i2u8:0", m -> tf.cast(m.get("i"), DType.UINT8));
        checkCase("cast", b);
    }

    // ---- hand-computed values ----

    @Test
    void broadcastsColumnAgainstRowAndScalars() {
        Output col = tf.constant(new float[][] {{1}, {2}});
        Output row = tf.constant(new float[][] {{10, 20, 30}});
        Tensor sum = run(tf.add(col, row));
        assertEquals(Shape.of(2, 3), sum.shape());
        assertArrayEquals(new float[] {11, 21, 31, 12, 22, 32}, sum.floats());
        assertArrayEquals(new float[] {-9, -19, -29, -8, -18, -28}, run(tf.subtract(col, tf.constant(new float[] {10, 20, 30}))).floats());
        Output m = tf.constant(new float[][] {{1, 2, 3}, {4, 5, 6}});
        assertArrayEquals(new float[] {2, 4, 6, 8, 10, 12}, run(tf.multiply(m, 2.0)).floats());
        assertArrayEquals(new float[] {5, 4, 3, 2, 1, 0}, run(tf.subtract(tf.constant(6f), m)).floats());
        assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2, 2.5f, 3}, run(tf.divide(m, 2.0)).floats());
        assertArrayEquals(new float[] {4, 4, 4, 4, 5, 6}, run(tf.maximum(m, 4.0)).floats());
        assertArrayEquals(new float[] {1, 0, 1, 4, 9, 16}, run(tf.squaredDifference(m, 2.0)).floats());
        // rank 3 against rank 2: [2,1,3] op [2,1] -> [2,2,3]
        Output a = tf.constant(new float[][][] {{{1, 2, 3}}, {{4, 5, 6}}});
        Output c = tf.constant(new float[][] {{100}, {200}});
        Tensor r = run(tf.add(a, c));
        assertEquals(Shape.of(2, 2, 3), r.shape());
        assertArrayEquals(new float[] {101, 102, 103, 201, 202, 203, 104, 105, 106, 204, 205, 206}, r.floats());
    }

    @Test
    void integerDivisionFollowsPython() {
        Output x = tf.constant(new int[] {-7, 7, -7, 7, 6});
        Output y = tf.constant(new int[] {2, -2, -2, 2, 3});
        assertArrayEquals(new int[] {-4, -4, 3, 3, 2}, run(tf.floordiv(x, y)).ints());
        assertArrayEquals(new int[] {1, -1, -1, 1, 0}, run(tf.floormod(x, y)).ints());
        assertArrayEquals(new int[] {-4, -4, 3, 3, 2}, run(tf.div(x, y)).ints());
        Output realDiv = tf.graph().opBuilder("Div", null).addInput(x).addInput(y).build().output(0);
        assertArrayEquals(new int[] {-3, -3, 3, 3, 2}, run(realDiv).ints());
        Output mod = tf.graph().opBuilder("Mod", null).addInput(x).addInput(y).build().output(0);
        assertArrayEquals(new int[] {-1, 1, -1, 1, 0}, run(mod).ints());
        assertArrayEquals(new double[] {-3.5, -3.5, 3.5, 3.5, 2}, run(tf.divide(x, y)).doubles());
        assertArrayEquals(new long[] {-4, -4, 3, 3, 2},
                run(tf.floordiv(tf.cast(x, DType.INT64), tf.cast(y, DType.INT64))).longs());
        assertArrayEquals(new int[] {1, 128, 49}, run(tf.pow(tf.constant(new int[] {1, 2, -7}), tf.constant(new int[] {5, 7, 2}))).ints());
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> run(tf.floordiv(x, tf.constant(new int[] {1, 1, 0, 1, 1}))));
        assertTrue(e.getMessage().contains("Integer division by zero"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class, () -> run(tf.pow(x, tf.constant(-1))));
        assertTrue(e.getMessage().contains("negative integer powers"), e.getMessage());
    }

    @Test
    void floatFloorDivAndModFollowPython() {
        Output x = tf.constant(new double[] {-7.5, 7.5, -7.5, 7.5});
        Output y = tf.constant(new double[] {2, -2, -2, 2});
        assertArrayEquals(new double[] {-4, -4, 3, 3}, run(tf.floordiv(x, y)).doubles());
        assertArrayEquals(new double[] {0.5, -0.5, -1.5, 1.5}, run(tf.floormod(x, y)).doubles());
        Output mod = tf.graph().opBuilder("Mod", null).addInput(x).addInput(y).build().output(0);
        assertArrayEquals(new double[] {-1.5, 1.5, -1.5, 1.5}, run(mod).doubles());
    }

    @Test
    void unaryValues() {
        Output x = tf.constant(new double[] {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5});
        assertArrayEquals(new double[] {-2, -2, -0.0, 0, 2, 2}, run(tf.round(x)).doubles());
        assertArrayEquals(new double[] {0, 0, 0, 0.5, 1.5, 2.5}, run(tf.relu(x)).doubles());
        double[] sig = run(tf.sigmoid(x)).doubles();
        double[] th = run(tf.tanh(x)).doubles();
        double[] l1p = run(tf.log1p(tf.abs(x))).doubles();
        double[] xs = {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5};
        for (int i = 0; i < xs.length; i++) {
            assertEquals(1 / (1 + Math.exp(-xs[i])), sig[i], 1e-15);
            assertEquals(Math.tanh(xs[i]), th[i], 1e-15);
            assertEquals(Math.log(1 + Math.abs(xs[i])), l1p[i], 1e-15);
        }
        assertArrayEquals(new int[] {3, 0, 2}, run(tf.abs(tf.constant(new int[] {-3, 0, 2}))).ints());
        assertArrayEquals(new int[] {0, 0, 2}, run(tf.relu(tf.constant(new int[] {-3, 0, 2}))).ints());
        assertArrayEquals(new long[] {-1, 0, 1}, run(tf.sign(tf.constant(new long[] {-3, 0, 2}))).longs());
        assertArrayEquals(new int[] {9, 0, 4}, run(tf.square(tf.constant(new int[] {-3, 0, 2}))).ints());
    }

    @Test
    void whereSelectsWithBroadcasting() {
        Output c = tf.constant(new boolean[] {true, false});
        Output x = tf.constant(new float[][] {{1, 2}, {3, 4}});
        Output y = tf.constant(new float[][] {{-1, -2}, {-3, -4}});
        // TF1 Select: a vector condition picks whole rows.
        assertArrayEquals(new float[] {1, 2, -3, -4}, run(tf.where(c, x, y)).floats());
        // SelectV2 broadcasts the condition across the last axis instead.
        assertArrayEquals(new float[] {1, -2, 3, -4}, run(tf.whereV2(c, x, y)).floats());
        assertArrayEquals(new float[] {1, 0, 3, 0}, run(tf.whereV2(c, x, tf.constant(0f))).floats());
        assertArrayEquals(new float[] {1, 2, 3, 4}, run(tf.where(tf.constant(true), x, y)).floats());
        Output full = tf.constant(new boolean[][] {{true, false}, {false, true}});
        assertArrayEquals(new float[] {1, -2, -3, 4}, run(tf.where(full, x, y)).floats());
        // T is the values' type, not the condition's: TensorFlow refuses to import the graph otherwise
        assertEquals(DType.FLOAT32, tf.where(c, x, y).op().attrType("T"));
        assertEquals(DType.FLOAT32, tf.whereV2(c, x, y).op().attrType("T"));
    }

    @Test
    void addNSumsAll() {
        Output a = tf.constant(new float[] {1, 2});
        Output b = tf.constant(new float[] {10, 20});
        Output c = tf.constant(new float[] {100, 200});
        Output sum = tf.addN(List.of(a, b, c));
        assertEquals("AddN", sum.op().type());
        assertArrayEquals(new float[] {111, 222}, run(sum).floats());
        assertSame(a, tf.addN(List.of(a)));
    }

    @Test
    void largeAddNOnTwoThreadsAddsInInputOrderAndLargeZerosLikeIsZeroOverReusedBuffers() {
        // Large enough to be split over threads; ties of magnitude make the order of the additions show.
        int n = 3 * 65536 + 7;
        float[][] v = new float[3][n];
        java.util.Random r = new java.util.Random(5);
        for (float[] a : v) {
            for (int i = 0; i < n; i++) {
                a[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4));
            }
        }
        Output[] in = new Output[3];
        Map<Output, Tensor> feeds = new HashMap<>();
        for (int k = 0; k < 3; k++) {
            in[k] = tf.placeholder(DType.FLOAT32, Shape.of(n), "x" + k);
            feeds.put(in[k], f32(s(n), v[k]));
        }
        // An intermediate of the same size, released to the buffer pool before the zeros are made.
        Output scaled = tf.multiply(in[0], 3.0f);
        Output sum = tf.addN(List.of(in[0], in[1], in[2]));
        Output zeros = tf.zerosLike(tf.addN(List.of(scaled, in[1])));
        try (Session session = new Session(g, SessionOptions.cpuOnly().intraOpThreads(2))) {
            for (int run = 0; run < 3; run++) {
                List<Tensor> out = session.run(List.of(sum, zeros), feeds);
                float[] got = out.get(0).floats();
                float[] z = out.get(1).floats();
                for (int i = 0; i < n; i++) {
                    float want = (v[0][i] + v[1][i]) + v[2][i];
                    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[i]), "sum at " + i);
                    assertEquals(0, Float.floatToRawIntBits(z[i]), "zeros at " + i);
                }
            }
        }
    }

    @Test
    void largeUnaryOpsOnTwoThreadsMatchEveryElement() {
        // Split over threads in runs of 16 elements, with a part of a run at the end.
        int n = 5 * 65536 + 9;
        float[] x = new float[n];
        int[] k = new int[n];
        java.util.Random r = new java.util.Random(8);
        for (int i = 0; i < n; i++) {
            x[i] = i % 1001 == 0 ? -0f : (float) r.nextGaussian();
            k[i] = r.nextInt(20001) - 10000;
        }
        Output xf = tf.placeholder(DType.FLOAT32, Shape.of(n), "xf");
        Output xi = tf.placeholder(DType.INT32, Shape.of(n), "xi");
        List<Output> fetches = List.of(tf.nn.relu(xf), tf.tanh(xf), tf.square(xi));
        try (Session session = new Session(g, SessionOptions.cpuOnly().intraOpThreads(2))) {
            List<Tensor> out = session.run(fetches, Map.of(xf, f32(s(n), x), xi, Tensor.of(DType.INT32, Shape.of(n), k)));
            float[] relu = out.get(0).floats();
            float[] tanh = out.get(1).floats();
            int[] square = out.get(2).ints();
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToRawIntBits(Math.max(x[i], 0f)), Float.floatToRawIntBits(relu[i]), "relu at " + i);
                assertEquals(Math.tanh(x[i]), tanh[i], 1e-6, "tanh at " + i);
                assertEquals(k[i] * k[i], square[i], "square at " + i);
            }
        }
    }

    // ---- build-time errors ----

    @Test
    void shapeMismatchFailsAtBuildTimeNamingOpAndShapes() {
        Output a = tf.constant(new float[][] {{1, 2, 3}, {4, 5, 6}});
        Output b = tf.constant(new float[] {1, 2, 3, 4});
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> tf.add(a, b, "bad_add"));
        assertTrue(e.getMessage().contains("Add") && e.getMessage().contains("bad_add"), e.getMessage());
        assertTrue(e.getMessage().contains("[2,3]") && e.getMessage().contains("[4]"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class, () -> tf.less(a, b));
        assertTrue(e.getMessage().contains("Less") && e.getMessage().contains("[2,3]"), e.getMessage());
    }

    @Test
    void shapeMismatchOfFedTensorsFailsAtRunTime() {
        Output a = tf.placeholder(DType.FLOAT32, Shape.of(-1, 3), "a");
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(-1), "b");
        Output sum = tf.add(a, b);
        Map<Output, Tensor> feeds = Map.of(a, f32(s(2, 3), 1, 2, 3, 4, 5, 6), b, f32(s(4), 1, 2, 3, 4));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> run(sum, feeds));
        assertTrue(e.getMessage().contains("Incompatible shapes: [2,3] vs. [4]"), e.getMessage());
    }

    @Test
    void dtypeErrors() {
        Output f = tf.constant(new float[] {1, 2});
        Output i = tf.constant(new int[] {1, 2});
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> tf.multiply(f, i));
        assertTrue(e.getMessage().contains("Mul") && e.getMessage().contains("float32") && e.getMessage().contains("int32"),
                e.getMessage());
        e = assertThrows(InvalidArgumentException.class, () -> tf.sqrt(i));
        assertTrue(e.getMessage().contains("Sqrt") && e.getMessage().contains("int32"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> tf.logicalAnd(f, f));
        assertThrows(InvalidArgumentException.class, () -> tf.where(i, f, f));
    }

    // ---- names ----

    @Test
    void defaultNamesFollowTensorFlowPython() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2), "x");
        Output y = tf.placeholder(DType.FLOAT32, Shape.of(2), "y");
        assertEquals("Add", tf.add(x, y).op().name());
        assertEquals("Add_1", tf.add(x, y).op().name());
        assertEquals("Mul", tf.multiply(x, y).op().name());
        assertEquals("Sub", tf.subtract(x, y).op().name());
        Output q = tf.divide(x, y);
        assertEquals("truediv", q.op().name());
        assertEquals("RealDiv", q.op().type());
        assertEquals("floordiv", tf.floordiv(x, y).op().name());
        assertEquals("FloorMod", tf.floormod(x, y).op().name());
        assertEquals("Neg", tf.negative(x).op().name());
        assertEquals("Select", tf.where(tf.less(x, y), x, y).op().name());
        assertEquals("Cast", tf.cast(x, DType.INT32).op().name());
        assertSame(x, tf.cast(x, DType.FLOAT32));
        Output scaled = tf.multiply(x, 3.0);
        assertEquals("Mul_1", scaled.op().name());
        assertEquals("Mul_1/y", scaled.op().input(1).op().name());
        assertEquals(DType.FLOAT32, scaled.op().input(1).dtype());
        assertEquals("my_sum", tf.add(x, y, "my_sum").op().name());
        assertEquals("halved", tf.divide(x, 2.0, "halved").op().name());
        assertEquals("Relu", tf.relu(x).op().type());
        assertEquals("Sigmoid", tf.math.sigmoid(x).op().name());
        assertEquals("SquaredDifference", tf.math.squaredDifference(x, y).op().name());
    }
}
