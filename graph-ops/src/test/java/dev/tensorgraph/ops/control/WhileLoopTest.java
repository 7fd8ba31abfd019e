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
}
