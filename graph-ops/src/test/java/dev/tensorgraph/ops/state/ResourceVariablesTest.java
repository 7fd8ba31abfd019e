package dev.tensorgraph.ops.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Resource variables built with the facade: the ops TensorFlow's graph mode builds for them, reads that are
 * snapshots ordered by control edges, updates, the session's variable found by shared name, gradients through
 * reads and gathers, and errors that name the variable.
 */
class ResourceVariablesTest {
    private static Session session(Graph g) {
        return new Session(g, SessionOptions.cpuOnly());
    }

    @Test
    void buildsTheOpsTensorFlowsGraphModeBuilds() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable w = tf.getVariable("w", Shape.of(2, 3), DType.FLOAT32, Initializers.ones(), true, null, true);
        assertTrue(w.isResource());
        assertEquals(DType.FLOAT32, w.dtype());
        assertEquals(Shape.of(2, 3), w.shape());
        assertEquals("VarHandleOp", w.op().type());
        assertEquals(DType.RESOURCE, w.handle().dtype());
        assertEquals("w", w.op().attrString("shared_name"));
        assertEquals("w/", w.op().attrString("debug_name"));
        assertEquals("AssignVariableOp", g.operation("w/Assign").type());
        assertEquals("VarIsInitializedOp", g.operation("w/IsInitialized/VarIsInitializedOp").type());
        assertEquals("w/Read/ReadVariableOp:0", w.snapshot().name());
        assertEquals(w.initializer(), g.operation("w/Assign"));
        assertTrue(g.collection(GraphKeys.TRAINABLE_VARIABLES).contains(w));

        Output y = tf.matmul(tf.placeholder(DType.FLOAT32, Shape.of(-1, 2), "x"), w);
        assertEquals("MatMul/ReadVariableOp", y.op().input(1).op().name());
        assertEquals(Shape.of(-1, 3), y.shape());
        Output z = tf.add(w, w, "twice");
        assertEquals("twice/ReadVariableOp", z.op().input(0).op().name());
        assertEquals("twice/ReadVariableOp_1", z.op().input(1).op().name());
    }

    @Test
    void aReadIsASnapshotAndControlEdgesOrderReadsAndUpdates() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable v = tf.variable(tf.constant(new float[] {1, 2}), true, "v", true);
        Output before = tf.identity(v, "before");
        Output after;
        try (var deps = tf.controlDependencies(List.of(before))) {
            Output updated = v.assignAdd(tf.constant(new float[] {10, 20}));
            try (var deps2 = tf.controlDependencies(List.of(updated))) {
                after = tf.identity(v, "after");
            }
        }
        try (Session s = session(g)) {
            s.run(tf.globalVariablesInitializer());
            Tensor first = s.run(v);
            List<Tensor> r = s.runner().fetch(before).fetch(after).run();
            assertArrayEquals(new float[] {1, 2}, r.get(0).floats());
            assertArrayEquals(new float[] {11, 22}, r.get(1).floats());
            // values fetched earlier never change, though the variable is updated in place when nobody reads it
            s.run(after);
            assertArrayEquals(new float[] {1, 2}, first.floats());
            assertArrayEquals(new float[] {1, 2}, r.get(0).floats());
            assertArrayEquals(new float[] {11, 22}, r.get(1).floats());
            assertArrayEquals(new float[] {21, 42}, s.variableValue(v).floats());
        }
    }

    @Test
    void anAssignedConstantOrFeedIsNeverWrittenByLaterUpdates() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable v = tf.variable(tf.constant(new float[] {1, 2}), true, "v", true);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2), "x");
        Output assigned = v.assign(x);
        Output added = v.assignAdd(tf.constant(new float[] {1, 1}));
        try (Session s = session(g)) {
            s.run(tf.globalVariablesInitializer());
            s.run(added);
            s.run(added);
            assertArrayEquals(new float[] {3, 4}, s.variableValue(v).floats());
            s.run(tf.globalVariablesInitializer());
            s.run(added);
            assertArrayEquals(new float[] {2, 3}, s.variableValue(v).floats(), "the initial value constant is intact");
            Tensor fed = Tensor.of(new float[] {5, 6});
            s.run(assigned, Map.of(x, fed));
            s.run(added);
            assertArrayEquals(new float[] {5, 6}, fed.floats());
            assertArrayEquals(new float[] {6, 7}, s.variableValue(v).floats());
        }
    }

    @Test
    void handlesWithOneSharedNameReachOneVariable() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output a = ResourceVariableOps.varHandleOp(g, DType.INT32, Shape.scalar(), "counter", "", "a");
        Output b = ResourceVariableOps.varHandleOp(g, DType.INT32, Shape.scalar(), "counter", "", "b");
        Operation set = ResourceVariableOps.assignVariableOp(g, a, tf.constant(7), false, null);
        Output read = ResourceVariableOps.readVariableOp(g, b, DType.INT32, null);
        try (Session s = session(g); Session other = session(g)) {
            s.run(set);
            assertEquals(7, s.run(read).intValue());
            FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> other.run(read));
            assertTrue(e.getMessage().contains("Could not find variable counter"), e.getMessage());
        }
    }

    @Test
    void uninitializedReadsAndWrongDtypesAreErrorsNamingTheVariable() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable v = tf.variable(tf.constant(new float[] {1, 2}), true, "weights", true);
        Output read = tf.identity(v);
        Output handle = v.handle();
        try (Session s = session(g)) {
            FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> s.run(read));
            assertTrue(e.getMessage().contains("Could not find variable weights"), e.getMessage());
            assertFalse(s.run(tf.isVariableInitialized(v)).booleanValue());
            assertNull(s.variableValue(v));
            s.run(tf.globalVariablesInitializer());
            assertTrue(s.run(tf.isVariableInitialized(v)).booleanValue());
        }
        InvalidArgumentException wrong = assertThrows(InvalidArgumentException.class,
                () -> ResourceVariableOps.readVariableOp(g, handle, DType.INT32, "asInt"));
        assertTrue(wrong.getMessage().contains("weights"), wrong.getMessage());
        assertThrows(InvalidArgumentException.class,
                () -> ResourceVariableOps.assignVariableOp(g, handle, tf.constant(new float[] {1, 2, 3}), true, null));
        assertThrows(InvalidArgumentException.class, () -> tf.assign(v, tf.constant(1)));
    }

    @Test
    void assignValidatesTheShapeAndDestroyForgetsTheValue() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable v = tf.variable(tf.constant(new float[] {1, 2}), true, "v", true);
        Output x = tf.placeholder(DType.FLOAT32, Shape.unknown(), "x");
        Operation strict = ResourceVariableOps.assignVariableOp(g, v, x, true, "strict");
        Operation loose = ResourceVariableOps.assignVariableOp(g, v, x, false, "loose");
        Operation destroy = ResourceVariableOps.destroyResourceOp(g, v, true, null);
        try (Session s = session(g)) {
            s.run(tf.globalVariablesInitializer());
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> s.run(strict, Map.of(x, Tensor.of(new float[] {1, 2, 3}))));
            assertTrue(e.getMessage().contains("wrong shape"), e.getMessage());
            assertArrayEquals(new float[] {1, 2}, s.variableValue(v).floats());
            s.run(loose, Map.of(x, Tensor.of(new float[] {1, 2, 3})));
            assertArrayEquals(new float[] {1, 2, 3}, s.variableValue(v).floats());
            s.run(destroy);
            assertFalse(s.run(tf.isVariableInitialized(v)).booleanValue());
        }
    }

    @Test
    void gatherAndScatterActOnRowsOfTheVariable() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable v = tf.variable(tf.constant(new float[][] {{1, 2}, {3, 4}, {5, 6}}), true, "table", true);
        Output idx = tf.constant(new int[] {2, 0, 2});
        Output rows = ResourceVariableOps.resourceGather(g, v, idx, DType.FLOAT32, null);
        assertEquals(Shape.of(3, 2), rows.shape());
        Operation add = ResourceVariableOps.resourceScatterAdd(g, v, tf.constant(new int[] {1, 1}),
                tf.constant(new float[][] {{10, 10}, {1, 1}}), null);
        Operation update = ResourceVariableOps.resourceScatterUpdate(g, v, tf.constant(new int[] {0}),
                tf.constant(new float[][] {{-1, -2}}), null);
        Operation outOfRange = ResourceVariableOps.resourceScatterUpdate(g, v, tf.constant(new int[] {3}),
                tf.constant(new float[][] {{0, 0}}), "bad");
        try (Session s = session(g)) {
            s.run(tf.globalVariablesInitializer());
            Tensor gathered = s.run(rows);
            assertArrayEquals(new float[] {5, 6, 1, 2, 5, 6}, gathered.floats());
            s.run(add);
            s.run(update);
            assertArrayEquals(new float[] {-1, -2, 14, 15, 5, 6}, s.variableValue(v).floats());
            assertArrayEquals(new float[] {5, 6, 1, 2, 5, 6}, gathered.floats());
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> s.run(outOfRange));
            assertTrue(e.getMessage().contains("indices[0] = 3 is not in [0, 3)"), e.getMessage());
            assertArrayEquals(new int[] {3, 2}, s.run(ResourceVariableOps.variableShape(g, v, DType.INT32, null)).ints());
        }
    }

    @Test
    void gradientsFlowThroughReadsToTheVariable() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable w = tf.variable(tf.constant(new double[][] {{1, 2}, {3, 4}}), true, "w", true);
        Output x = tf.constant(new double[][] {{0.5, -1}});
        Output y = tf.reduceSum(tf.square(tf.matmul(x, w)));
        Output table = ResourceVariableOps.resourceGather(g, w, tf.constant(new int[] {1, 1, 0}), DType.FLOAT64, null);
        Output z = tf.add(y, tf.reduceSum(tf.multiply(table, table)));
        List<Output> grads = tf.gradients(List.of(z), List.of(w));
        try (Session s = session(g)) {
            s.run(tf.globalVariablesInitializer());
            // d/dw sum((x w)^2) = x^T (2 x w); x w = [-2.5, -3]; plus 2 * (rows 1 twice, row 0 once)
            double[] got = s.run(grads.get(0)).doubles();
            double[] want = {0.5 * 2 * -2.5 + 2 * 1, 0.5 * 2 * -3 + 2 * 2, -1 * 2 * -2.5 + 4 * 3, -1 * 2 * -3 + 4 * 4};
            assertArrayEquals(want, got, 1e-12);
        }
    }

    /**
     * The same gradient against central finite differences: each element of the resource variable moved by
     * +-1e-6 through the session, z run again (float64).
     */
    @Test
    void gradientsThroughReadsAndGathersMatchFiniteDifferences() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable w = tf.variable(tf.constant(new double[][] {{0.3, -1.2, 0.7}, {2.0, 0.1, -0.4}}), true, "w", true);
        Output x = tf.constant(new double[][] {{0.5, -1}, {1.5, 0.25}});
        Output rows = ResourceVariableOps.resourceGather(g, w, tf.constant(new int[] {1, 0, 1}), DType.FLOAT64, null);
        Output z = tf.add(tf.reduceSum(tf.tanh(tf.matmul(x, w))), tf.reduceSum(tf.multiply(rows, tf.exp(rows))));
        Output grad = tf.gradients(List.of(z), List.of(w)).get(0);
        try (Session s = session(g)) {
            s.run(tf.globalVariablesInitializer());
            double[] symbolic = s.run(grad).doubles();
            double[] base = s.variableValue(w).doubles();
            double eps = 1e-6;
            for (int i = 0; i < base.length; i++) {
                double[] plus = base.clone();
                double[] minus = base.clone();
                plus[i] += eps;
                minus[i] -= eps;
                s.setVariableValue(w, Tensor.of(DType.FLOAT64, Shape.of(2, 3), plus));
                double zPlus = s.run(z).doubles()[0];
                s.setVariableValue(w, Tensor.of(DType.FLOAT64, Shape.of(2, 3), minus));
                double zMinus = s.run(z).doubles()[0];
                double numeric = (zPlus - zMinus) / (2 * eps);
                assertEquals(numeric, symbolic[i], 1e-6 * Math.max(1, Math.abs(numeric)), "dz/dw[" + i + "]");
            }
        }
    }
}
