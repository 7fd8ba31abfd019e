package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.train.AdamOptimizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public names of API.md, used exactly as the document shows them. */
class ApiContractTest {
    @TempDir
    Path dir;

    @Test
    void theDocumentedSnippetsWork() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.INT32, Shape.of(-1, -1, -1), "my_input");
        Output p = tf.reduceProd(x, "prod_b");
        Output s = tf.reduceSum(x, new int[] {0, 1}, /*keepDims*/ true);
        Output c = tf.constant(new float[][] {{1, 2}, {3, 4}});
        assertSame(p.op(), g.operation("prod_b"));
        assertEquals(p, g.output("prod_b:0"));
        assertNull(g.operation("nope"));
        assertEquals(Shape.of(1, 1, -1), s.shape());
        g.addToCollection("my_key", c);
        assertEquals(List.of(c), g.collection("my_key"));

        Variable a1;
        Variable a2;
        try (var scope = tf.variableScope("V1", Reuse.AUTO_REUSE)) {
            a1 = tf.getVariable("a1", Shape.of(1), Initializers.constant(1f));
            a2 = tf.variable(tf.random.normal(Shape.of(2, 3), 0f, 1f), "a2");
        }
        assertEquals("V1/a1:0", a1.name());
        assertEquals("V1/a2:0", a2.name());
        Output w = tf.multiply(tf.reduceSum(a2), a1);
        Output loss = tf.square(w);
        List<Object> ups = g.collection(GraphKeys.UPDATE_OPS);
        Operation train;
        try (var deps = tf.controlDependencies(ups)) {
            train = new AdamOptimizer(1e-3f).minimize(tf.reduceSum(loss));
        }
        List<Output> grads = tf.gradients(List.of(loss), List.of(a1, a2));
        List<Output> grads2 = tf.gradients(List.of(loss), List.of(a1, a2), null, List.of(a2));
        Output frozen = tf.stopGradient(a1);
        Operation init = tf.globalVariablesInitializer();

        byte[] pb = g.toGraphDef();
        Graph h = Graph.fromGraphDef(pb);
        assertEquals(g.numOperations(), h.numOperations());

        try (Session sess = new Session(g, SessionOptions.cpuOnly())) {
            sess.run(init);
            Tensor before = sess.run(a1);
            List<Tensor> r = sess.runner().fetch(loss).fetch(grads.get(0)).fetch(grads2.get(0)).fetch(frozen)
                    .target(train).run();
            assertEquals(4, r.size());
            // As in TensorFlow 1.x, a read of a variable in the run that updates it may see either value.
            float read = r.get(3).floats()[0];
            assertTrue(read == before.floats()[0] || read == sess.run(a1).floats()[0], "read " + read);
            assertEquals(DType.FLOAT32, r.get(0).dtype());
            Tensor t = sess.run(x, Map.of(x, Tensor.of(DType.INT32, Shape.of(1, 1, 2), new int[] {1, 2})));
            assertEquals(Shape.of(1, 1, 2), t.shape());
            Saver saver = new Saver(g);
            saver.save(sess, dir.resolve("model"));
            saver.restore(sess, dir.resolve("model"));
        }
        assertTrue(dir.resolve("model.index").toFile().isFile());
        assertTrue(dir.resolve("model.data-00000-of-00001").toFile().isFile());
        assertTrue(dir.resolve("model.meta").toFile().isFile());
        Graph g2 = MetaGraph.importMetaGraph(dir.resolve("model.meta"));
        assertTrue(g2.collection(GraphKeys.GLOBAL_VARIABLES).size() >= 2);
    }
}
