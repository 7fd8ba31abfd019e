package dev.tensorgraph.ops;

import dev.tensorgraph.ops.random.Seeds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.cpu.Philox;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** tf.random: TensorFlow's op names, the get_seed rule, per-session sequences and the distributions. */
class RandomOpsTest {
    @BeforeAll
    static void math() {
        MathShim.ensure();
    }

    private static Session session(Graph g) {
        return new Session(g, SessionOptions.cpuOnly());
    }

    private static List<String> names(Graph g) {
        List<String> out = new ArrayList<>();
        for (Operation op : g.operations()) {
            out.add(op.name() + ":" + op.type());
        }
        return out;
    }

    @Test
    void randomNormalIsNamedAsTensorFlow() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.random.normal(Shape.of(2, 3), 0f, 1f);
        assertEquals(List.of("random_normal/shape:Const", "random_normal/mean:Const", "random_normal/stddev:Const",
                "random_normal/RandomStandardNormal:RandomStandardNormal", "random_normal/mul:Mul",
                "random_normal:Add"), names(g));
        assertEquals("random_normal:0", x.name());
        assertEquals(Shape.of(2, 3), x.shape());
        assertEquals(DType.FLOAT32, x.dtype());
        Output y = tf.random.normal(Shape.of(1));
        assertEquals("random_normal_1:0", y.name());
        assertEquals(DType.INT32, g.operation("random_normal/RandomStandardNormal").attrType("T"));
    }

    @Test
    void uniformAndTruncatedNormalAreNamedAsTensorFlow() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        tf.random.uniform(Shape.of(4), -1f, 1f);
        tf.random.truncatedNormal(Shape.of(4));
        assertEquals(List.of("random_uniform/shape:Const", "random_uniform/min:Const", "random_uniform/max:Const",
                "random_uniform/RandomUniform:RandomUniform", "random_uniform/sub:Sub", "random_uniform/mul:Mul",
                "random_uniform:Add",
                "truncated_normal/shape:Const", "truncated_normal/mean:Const", "truncated_normal/stddev:Const",
                "truncated_normal/TruncatedNormal:TruncatedNormal", "truncated_normal/mul:Mul",
                "truncated_normal:Add"), names(g));
        Output i = tf.random.uniform(Shape.of(5), 0, 10, DType.INT32, null, "ints");
        assertEquals("ints:0", i.name());
        assertEquals("RandomUniformInt", i.op().type());
        assertEquals(DType.INT32, i.op().attrType("Tout"));
        assertEquals("RandomShuffle", tf.random.shuffle(i).op().type());
    }

    @Test
    void seedsFollowGetSeed() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Operation none = tf.random.normal(Shape.of(1)).op().input(0).op().input(0).op();
        assertEquals(0L, none.attrLong("seed"));
        assertEquals(0L, none.attrLong("seed2"));

        Graph h = new Graph();
        Tf th = Tf.of(h);
        th.random.uniform(Shape.of(1), 0f, 1f, 7L);
        Operation opOnly = h.operation("random_uniform/RandomUniform");
        assertEquals(Seeds.DEFAULT_GRAPH_SEED, opOnly.attrLong("seed"));
        assertEquals(7L, opOnly.attrLong("seed2"));

        th.random.setRandomSeed(1234);
        int before = h.numOperations();
        th.random.uniform(Shape.of(1));
        Operation graphOnly = h.operation("random_uniform_1/RandomUniform");
        assertEquals(1234L, graphOnly.attrLong("seed"));
        assertEquals(before + 3L, graphOnly.attrLong("seed2"), "op seed = ops created so far (shape, min, max)");

        th.random.uniform(Shape.of(1), 0f, 1f, -1L);
        assertEquals(2147483646L, h.operation("random_uniform_2/RandomUniform").attrLong("seed2"));

        th.random.setRandomSeed(0);
        Output s = th.random.shuffle(th.constant(new float[] {1, 2}), 0L, "sh");
        assertEquals(0L, s.op().attrLong("seed"));
        assertEquals(2147483647L, s.op().attrLong("seed2"));
    }

    /** The first outputs of RandomUniform are Philox(key = seed, counter = (0, 0, seed2)) mantissas. */
    @Test
    void rawUniformMatchesPhiloxLayoutAndContinuesAcrossRuns() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        tf.random.setRandomSeed(42);
        Output u = tf.random.uniform(Shape.of(6), 0f, 1f, 5L);
        Output raw = g.operation("random_uniform/RandomUniform").output(0);
        try (Session s = session(g)) {
            float[] first = s.run(raw).floats();
            int[] b0 = Philox.block(new int[] {0, 0, 5, 0}, new int[] {42, 0});
            int[] b1 = Philox.block(new int[] {1, 0, 5, 0}, new int[] {42, 0});
            int[] bits = {b0[0], b0[1], b0[2], b0[3], b1[0], b1[1]};
            for (int i = 0; i < 6; i++) {
                float expected = Float.intBitsToFloat((bits[i] & 0x7fffff) | 0x3f800000) - 1f;
                assertEquals(expected, first[i], "element " + i);
            }
            float[] second = s.run(raw).floats();
            int[] c = Philox.block(new int[] {6 * 256, 0, 5, 0}, new int[] {42, 0});
            assertEquals(Float.intBitsToFloat((c[0] & 0x7fffff) | 0x3f800000) - 1f, second[0],
                    "the second run starts 256 blocks per element later, as TensorFlow's ReserveRandomOutputs");
            float[] scaled = s.run(u).floats();
            for (float v : scaled) {
                assertTrue(v >= 0 && v < 1);
            }
        }
    }

    @Test
    void sameSeedsGiveSameSequencesAcrossGraphsAndSessions() {
        float[][] a = twoRuns(build(99L));
        float[][] b = twoRuns(build(99L));
        assertArrayEquals(a[0], b[0]);
        assertArrayEquals(a[1], b[1]);
        assertFalse(Arrays.equals(a[0], a[1]), "a session continues its sequence");
        float[][] c = twoRuns(build(100L));
        assertFalse(Arrays.equals(a[0], c[0]));
    }

    @Test
    void unseededOpsDifferAcrossSessions() {
        Graph g = new Graph();
        Output x = Tf.of(g).random.normal(Shape.of(8));
        float[] first;
        float[] second;
        try (Session s = session(g)) {
            first = s.run(x).floats();
        }
        try (Session s = session(g)) {
            second = s.run(x).floats();
        }
        assertFalse(Arrays.equals(first, second));
    }

    private static Graph build(Long seed) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        tf.random.setRandomSeed(7);
        tf.random.normal(Shape.of(10), 0f, 1f, seed);
        return g;
    }

    private static float[][] twoRuns(Graph g) {
        try (Session s = session(g)) {
            Output y = g.output("random_normal:0");
            return new float[][] {s.run(y).floats(), s.run(y).floats()};
        }
    }

    @Test
    void normalAndTruncatedNormalStatistics() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        tf.random.setRandomSeed(3);
        Output n = tf.random.normal(Shape.of(100_000), 3.0, 2.0, DType.FLOAT64, null, null);
        Output t = tf.random.truncatedNormal(Shape.of(100_000), -1f, 0.5f);
        Output u = tf.random.uniform(Shape.of(100_000), -2f, 6f);
        try (Session s = session(g)) {
            double[] nv = s.run(n).doubles();
            assertEquals(3.0, mean(nv), 0.03);
            assertEquals(2.0, std(nv), 0.03);
            double[] tv = s.run(t).toDoubles();
            for (double v : tv) {
                assertTrue(Math.abs(v + 1) < 1.0 + 1e-6, "truncated value " + v + " beyond 2 stddev");
            }
            assertEquals(-1.0, mean(tv), 0.01);
            assertEquals(0.5 * 0.87962566103423978, std(tv), 0.01);
            double[] uv = s.run(u).toDoubles();
            for (double v : uv) {
                assertTrue(v >= -2 && v < 6);
            }
            assertEquals(2.0, mean(uv), 0.05);
            assertEquals(8 / Math.sqrt(12), std(uv), 0.05);
        }
    }

    @Test
    void uniformIntegersAndErrors() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output i = tf.random.uniform(Shape.of(3, 1000), 5, 9, DType.INT64, 1L, null);
        assertEquals(Shape.of(3, 1000), i.shape());
        Output bad = tf.random.uniform(Shape.of(2), 4, 4, DType.INT32, 1L, null);
        try (Session s = session(g)) {
            long[] v = s.run(i).longs();
            boolean[] seen = new boolean[4];
            for (long x : v) {
                assertTrue(x >= 5 && x < 9);
                seen[(int) (x - 5)] = true;
            }
            assertArrayEquals(new boolean[] {true, true, true, true}, seen);
            TensorgraphException e = assertThrows(InvalidArgumentException.class, () -> s.run(bad));
            assertTrue(e.getMessage().contains("Need minval < maxval"), e.getMessage());
        }
        assertThrows(InvalidArgumentException.class,
                () -> tf.random.normal(Shape.of(2), 0, 1, DType.INT32, null, null));
    }

    @Test
    void shapeInferenceFromStaticAndDynamicShapes() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output dims = tf.placeholder(DType.INT32, Shape.of(3), "dims");
        Output x = tf.random.uniform(dims, 0, 1, DType.FLOAT32, null, null);
        assertEquals(Shape.unknownOfRank(3), x.shape());
        Output raw = g.operation("random_uniform/RandomUniform").output(0);
        try (Session s = session(g)) {
            Tensor v = s.run(raw, Map.of(dims, Tensor.of(new int[] {2, 0, 5})));
            assertEquals(Shape.of(2, 0, 5), v.shape());
            Tensor w = s.run(raw, Map.of(dims, Tensor.of(new int[] {2, 3, 1})));
            assertEquals(Shape.of(2, 3, 1), w.shape());
        }
    }

    @Test
    void shuffleIsASeededPermutationOfRows() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        int[][] rows = new int[50][2];
        for (int i = 0; i < 50; i++) {
            rows[i] = new int[] {i, 100 + i};
        }
        Output v = tf.constant(rows);
        Output sh = tf.random.shuffle(v, 11L, null);
        Output sh1 = tf.random.shuffle(tf.constant(new float[] {1, 2, 3, 4, 5, 6, 7, 8}), 11L, null);
        assertEquals("RandomShuffle", sh.op().name());
        assertEquals(Shape.of(50, 2), sh.shape());
        int[] first;
        try (Session s = session(g)) {
            first = s.run(sh).ints();
            boolean[] seen = new boolean[50];
            boolean moved = false;
            for (int i = 0; i < 50; i++) {
                int r = first[2 * i];
                assertEquals(100 + r, first[2 * i + 1], "rows stay whole");
                seen[r] = true;
                moved |= r != i;
            }
            assertTrue(moved);
            for (boolean b : seen) {
                assertTrue(b);
            }
            float[] f = s.run(sh1).floats();
            float[] sorted = f.clone();
            Arrays.sort(sorted);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, sorted);
        }
        try (Session s = session(g)) {
            assertArrayEquals(first, s.run(sh).ints());
        }
    }

    @Test
    void randomOpsAreStatefulAndNotDifferentiable() {
        for (String t : List.of("RandomUniform", "RandomStandardNormal", "TruncatedNormal", "RandomUniformInt",
                "RandomShuffle")) {
            OpDef d = OpRegistry.global().lookup(t);
            assertNotNull(d, t);
            assertTrue(d.isStateful(), t);
            assertFalse(d.isDifferentiable(), t);
            assertNotNull(KernelRegistry.global().find(KernelRegistry.CPU, t), t);
        }
        assertEquals(AttrType.INT, OpRegistry.global().lookup("RandomUniform").attrs().get("seed2").type());
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    static double std(double[] x) {
        double m = mean(x);
        double s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / x.length);
    }

    /**
     * Stand-ins for Mul, Add and Sub (same shape or a scalar operand, float/double) registered only while the
     * math family is not yet in the registry, so these tests run before it lands and use it once it does.
     */
    static final class MathShim {
        private MathShim() {}

        static synchronized void ensure() {
            for (String type : List.of("Mul", "Add", "Sub")) {
                if (!OpRegistry.global().contains(type)) {
                    OpRegistry.global().register(OpDef.builder(type).input("x").input("y").attr("T", AttrType.TYPE)
                            .shape(c -> c.setOutput(0, c.inputDtype(0),
                                    c.inputShape(0).rank() == 0 ? c.inputShape(1) : c.inputShape(0)))
                            .notDifferentiable().build());
                }
                if (KernelRegistry.global().find(KernelRegistry.CPU, type) == null) {
                    KernelRegistry.global().register(KernelRegistry.CPU, type, op -> ctx -> {
                        double[] a = ctx.input(0).toDoubles();
                        double[] b = ctx.input(1).toDoubles();
                        int n = Math.max(a.length, b.length);
                        Tensor big = a.length >= b.length ? ctx.input(0) : ctx.input(1);
                        double[] o = new double[n];
                        for (int i = 0; i < n; i++) {
                            double x = a[a.length == 1 ? 0 : i];
                            double y = b[b.length == 1 ? 0 : i];
                            o[i] = switch (type) {
                                case "Mul" -> x * y;
                                case "Add" -> x + y;
                                default -> x - y;
                            };
                        }
                        Object arr;
                        if (big.dtype() == DType.FLOAT32) {
                            float[] f = new float[n];
                            for (int i = 0; i < n; i++) {
                                f[i] = (float) o[i];
                            }
                            arr = f;
                        } else {
                            arr = o;
                        }
                        ctx.setOutput(0, Tensor.of(big.dtype(), big.shape(), arr));
                    });
                }
            }
        }
    }
}
