package dev.tensorgraph.ops.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.proto.AttrValue;
import dev.tensorgraph.proto.GraphDef;
import dev.tensorgraph.proto.NodeDef;
import dev.tensorgraph.testing.GradientChecker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@code tf.whileLoop}: TensorFlow's graph and names, results, and gradients against finite differences. */
class WhileLoopTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);

    private static GraphDef tfCase(String name) throws Exception {
        Path p = Path.of(WhileLoopTest.class.getResource("/tf-cases/" + name + "/graph.pb").toURI());
        return GraphDef.parseFrom(Files.readAllBytes(p));
    }

    /** Same nodes, ops, inputs and attributes (TensorFlow's internal '_' attributes aside), in any order. */
    static void assertSameGraph(GraphDef want, GraphDef got) {
        Map<String, NodeDef> ours = new TreeMap<>();
        for (NodeDef n : got.getNodeList()) {
            ours.put(n.getName(), n);
        }
        Map<String, NodeDef> theirs = new TreeMap<>();
        for (NodeDef n : want.getNodeList()) {
            theirs.put(n.getName(), n);
        }
        assertEquals(theirs.keySet(), ours.keySet(), "node names");
        for (NodeDef w : theirs.values()) {
            NodeDef o = ours.get(w.getName());
            String where = "node '" + w.getName() + "'";
            assertEquals(w.getOp(), o.getOp(), where);
            assertEquals(w.getInputList(), o.getInputList(), where + " inputs");
            Map<String, AttrValue> wa = new TreeMap<>(w.getAttrMap());
            wa.keySet().removeIf(k -> k.startsWith("_"));
            for (Map.Entry<String, AttrValue> e : wa.entrySet()) {
                AttrValue a = o.getAttrMap().get(e.getKey());
                assertNotNull(a, where + " attribute " + e.getKey());
                if (!e.getValue().hasTensor()) {
                    assertEquals(e.getValue(), a, where + " attribute " + e.getKey());
                }
            }
        }
    }

    @Test
    void buildsTensorFlowsGraphForALoopWithAConstant() throws Exception {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(3), "x");
        List<Output> r = tf.whileLoop(v -> tf.less(v.get(0), 5),
                v -> List.of(tf.addV2(v.get(0), 1, "add"), tf.addV2(tf.multiply(v.get(1), 1.5, "mul"), x, "add_1")),
                List.of(tf.constant(0), x));
        tf.identity(r.get(0), "count");
        tf.identity(r.get(1), "result");
        assertSameGraph(tfCase("while_v1_sum"), GraphDef.parseFrom(g.toGraphDef()));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            List<Tensor> out = s.run(r, Map.of(x, Tensor.of(new float[] {1, -2, 0.5f})));
            assertEquals(5, out.get(0).intValue());
            assertArrayEquals(new float[] {20.78125f, -41.5625f, 10.390625f}, out.get(1).floats(), 0f);
        }
    }

    @Test
    void gradientThroughALoopMatchesFiniteDifferences() {
        GradientChecker.check((t, in) -> t.whileLoop(v -> t.less(v.get(0), 4),
                v -> List.of(t.addV2(v.get(0), 1, "add"), t.add(t.tanh(t.multiply(v.get(1), in.get(1))), in.get(0))),
                List.of(t.constant(0), in.get(0))).get(1),
                GradientChecker.random(1, -1, 1, 3), GradientChecker.random(2, -1.5, 1.5, 3));
    }

    @Test
    void buildsTensorFlowsGraphForNestedLoops() throws Exception {
        Output n = tf.placeholder(DType.INT32, Shape.scalar(), "n");
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2), "x");
        List<Output> r = tf.whileLoop(v -> tf.less(v.get(0), n), v -> {
            Output i = v.get(0);
            List<Output> inner = tf.whileLoop(u -> tf.less(u.get(0), i), u -> List.of(tf.addV2(u.get(0), 1, "add"),
                    tf.addV2(u.get(1), tf.multiply(tf.cast(tf.multiply(i, u.get(0), "mul"), DType.FLOAT32, "Cast"), x,
                            "mul_1"), "add_1")), List.of(tf.constant(0), v.get(1)));
            return List.of(tf.addV2(i, 1, "add"), inner.get(1));
        }, List.of(tf.constant(0), tf.constant(new float[] {0, 0}, "zeros")));
        tf.identity(r.get(1), "result");
        assertSameGraph(tfCase("while_v1_nested"), GraphDef.parseFrom(g.toGraphDef()));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            Tensor out = s.run(r.get(1), Map.of(n, Tensor.of(5), x, Tensor.of(new float[] {1f, 0.25f})));
            // sum over i < 5, j < i of i*j = 35
            assertArrayEquals(new float[] {35f, 8.75f}, out.floats(), 0f);
        }
    }

    @Test
    void aSecondLoopIsWhile1WithItsOwnFrame() {
        Output a = tf.whileLoop(v -> tf.less(v.get(0), 3), v -> List.of(tf.addV2(v.get(0), 1, "add")),
                List.of(tf.constant(0))).get(0);
        Output b = tf.whileLoop(v -> tf.less(v.get(0), 4), v -> List.of(tf.addV2(v.get(0), 2, "add")),
                List.of(a)).get(0);
        assertEquals("while_1/Exit", b.op().name());
        assertEquals("while_1/while_context", g.operation("while_1/Enter").attrString("frame_name"));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertEquals(3, s.run(a).intValue());
            assertEquals(5, s.run(b).intValue());
        }
    }

    @Test
    void nestedLoopGradientMatchesFiniteDifferences() {
        GradientChecker.check((t, in) -> t.whileLoop(v -> t.less(v.get(0), 3), v -> {
            Output i = v.get(0);
            List<Output> inner = t.whileLoop(u -> t.less(u.get(0), t.addV2(i, 1, "add")),
                    u -> List.of(t.addV2(u.get(0), 1, "add"), t.tanh(t.multiply(u.get(1), in.get(1)))),
                    List.of(t.constant(0), v.get(1)));
            return List.of(t.addV2(i, 1, "add"), t.add(inner.get(1), in.get(0)));
        }, List.of(t.constant(0), in.get(0))).get(1),
                GradientChecker.random(3, -1, 1, 2), GradientChecker.random(4, -1.2, 1.2, 2));
    }

    @Test
    void maximumIterationsCountsAndStopsTheLoopAsTensorFlowBuildsIt() throws Exception {
        Output x = tf.placeholder(DType.FLOAT32, Shape.scalar(), "x");
        List<Output> r = tf.whileLoop(v -> tf.less(v.get(1), 1e6),
                v -> List.of(tf.addV2(v.get(0), 1, "add_1"), tf.multiply(v.get(1), 3.0, "mul")),
                List.of(tf.constant(0), x), WhileOptions.create().withMaximumIterations(7));
        tf.identity(r.get(0), "count");
        tf.identity(r.get(1), "result");
        assertSameGraph(tfCase("while_v1_maximum_iterations"), GraphDef.parseFrom(g.toGraphDef()));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            List<Tensor> out = s.run(r, Map.of(x, Tensor.of(1f)));
            assertEquals(7, out.get(0).intValue());
            assertEquals(2187f, out.get(1).floatValue(), 0f);
        }
    }

    @Test
    void theReadmeLoopDoublesAtMostThirtyTimes() {
        Output n = tf.placeholder(DType.INT32, Shape.scalar(), "n");
        List<Output> r = tf.whileLoop(v -> tf.less(v.get(0), n),
                v -> List.of(tf.addV2(v.get(0), 1), tf.multiply(v.get(1), 2.0)),
                List.of(tf.constant(0), tf.constant(1f)),
                WhileOptions.create().withMaximumIterations(30));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertEquals(32f, s.run(r.get(1), Map.of(n, Tensor.of(5))).floatValue(), 0f);
            assertEquals(0x1p30f, s.run(r.get(1), Map.of(n, Tensor.of(40))).floatValue(), 0f);
        }
    }

    @Test
    void aLoopInsideACondRunsOnlyWhenItsBranchIsTaken() {
        Output p = tf.placeholder(DType.BOOL, Shape.scalar(), "p");
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2), "x");
        Output r = tf.cond(p, () -> tf.whileLoop(v -> tf.less(v.get(0), 3),
                v -> List.of(tf.addV2(v.get(0), 1, "add"), tf.multiply(v.get(1), 2.0, "mul")),
                List.of(tf.constant(0), x)).get(1), () -> tf.subtract(x, 1.0));
        assertEquals("cond/while/Switch", g.operation("cond/while/Enter_1").input(0).op().name(),
                "the loop variable reaches the loop through the cond's Switch");
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            Tensor xv = Tensor.of(new float[] {1.5f, -2f});
            assertArrayEquals(new float[] {12f, -16f}, s.run(r, Map.of(p, Tensor.of(true), x, xv)).floats(), 0f);
            assertArrayEquals(new float[] {0.5f, -3f}, s.run(r, Map.of(p, Tensor.of(false), x, xv)).floats(), 0f);
        }
    }

    @Test
    void aLoopRunningPastTheSessionLimitFailsNamingIt() {
        Output r = tf.whileLoop(v -> tf.greaterEqual(v.get(0), 0), v -> List.of(tf.addV2(v.get(0), 1, "add")),
                List.of(tf.constant(0))).get(0);
        try (Session s = new Session(g, SessionOptions.cpuOnly().loopIterationLimit(1000))) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(dev.tensorgraph.errors.OutOfRangeException.class,
                    () -> s.run(r));
            assertTrue(e.getMessage().contains("while loop 'while/while_context'"), e.getMessage());
            assertTrue(e.getMessage().contains("1000"), e.getMessage());
        }
    }

    @Test
    void aBodyThatChangesAVariablesShapeNeedsAShapeInvariant() {
        Output s0 = tf.constant(new float[] {1f});
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.tensorgraph.errors.InvalidArgumentException.class,
                () -> tf.whileLoop(v -> tf.less(v.get(0), 3), v -> List.of(tf.addV2(v.get(0), 1, "add"),
                        tf.concat(List.of(v.get(1), v.get(1)), 0)), List.of(tf.constant(0), s0)));
        assertTrue(e.getMessage().contains("enters the loop with shape [1], but has shape [2] after one iteration"),
                e.getMessage());
        Graph h = new Graph();
        Tf th = Tf.of(h);
        List<Output> r = th.whileLoop(v -> th.less(v.get(0), 3), v -> List.of(th.addV2(v.get(0), 1, "add"),
                th.concat(List.of(v.get(1), v.get(1)), 0)), List.of(th.constant(0), th.constant(new float[] {1f})),
                WhileOptions.create().withShapeInvariants(List.of(Shape.scalar(), Shape.of(-1))));
        assertEquals(Shape.of(-1), r.get(1).shape());
        try (Session s = new Session(h, SessionOptions.cpuOnly())) {
            assertEquals(Shape.of(8), s.run(r.get(1)).shape());
        }
    }

    @Test
    void aValueBreakingItsShapeInvariantWhileRunningIsAnErrorNamingTheLoop() {
        // Built by hand, as an imported graph may be: the body's static shape hides what it computes.
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1), "x");
        Output n = tf.placeholder(DType.INT32, Shape.of(1), "n");
        Output enter = g.opBuilder("Enter", "loop/Enter").addInput(tf.constant(new float[] {0f, 0f}))
                .setAttr("frame_name", "loop/frame").refineOutputShape(0, Shape.of(2)).build().output(0);
        Output merge = g.opBuilder("Merge", "loop/Merge").addInputList(List.of(enter, enter)).build().output(0);
        Output xIn = LoopOps.enter(g, x, "loop/frame", true, 10, "loop/x");
        Output nIn = LoopOps.enter(g, n, "loop/frame", true, 10, "loop/n");
        Output pred = LoopOps.loopCond(g, tf.less(tf.reduceSum(merge), 10.0), "loop/LoopCond");
        var sw = g.opBuilder("Switch", "loop/Switch").addInput(merge).addInput(pred).build();
        Output grown = tf.concat(List.of(tf.add(sw.output(1), 1.0), xIn), 0);
        Output next = LoopOps.nextIteration(g, tf.reshape(grown, nIn), "loop/Next");
        g.setLoopBackEdge(merge.op(), 1, next);
        Output exit = LoopOps.exit(g, sw.output(0), "loop/Exit");
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            Tensor ok = s.run(exit, Map.of(x, Tensor.of(new float[0]), n, Tensor.of(new int[] {-1})));
            assertArrayEquals(new float[] {5f, 5f}, ok.floats(), 0f);
            var e = org.junit.jupiter.api.Assertions.assertThrows(dev.tensorgraph.errors.InvalidArgumentException.class,
                    () -> s.run(exit, Map.of(x, Tensor.of(new float[] {7f}), n, Tensor.of(new int[] {-1}))));
            assertTrue(e.getMessage().contains("while loop 'loop/frame'"), e.getMessage());
            assertTrue(e.getMessage().contains("has shape [3] after iteration 1"), e.getMessage());
        }
    }
}
