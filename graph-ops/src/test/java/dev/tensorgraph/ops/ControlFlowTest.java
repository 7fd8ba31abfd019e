package dev.tensorgraph.ops;

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
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.testing.GradientChecker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** tf.cond on Switch/Merge: TensorFlow 1.x structure, deadness of the untaken branch, and gradients. */
class ControlFlowTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);
    private final ControlFlowApi cf = () -> g;

    private Output mul(Output a, Output b) {
        return tf.graph().opBuilder("Mul", null).addInput(a).addInput(b).build().output(0);
    }

    private Output c(double v, DType t) {
        return tf.scalar(t, v, null);
    }

    private Session session() {
        return new Session(g, SessionOptions.cpuOnly());
    }

    @Test
    void buildsTensorFlowsStructure() {
        Output p = tf.placeholder(DType.BOOL, Shape.scalar(), "p");
        Output x = tf.constant(2f, "x");
        Output y = cf.cond(p, () -> mul(x, x), () -> mul(c(3, DType.FLOAT32), x));
        assertEquals("cond/Merge:0", y.name());
        for (String n : List.of("cond/Switch", "cond/switch_t", "cond/switch_f", "cond/pred_id", "cond/Mul", "cond/Mul_1")) {
            assertNotNull(g.operation(n), n);
        }
        assertEquals("Switch", g.operation("cond/Switch").type());
        assertEquals("Merge", y.op().type());
        assertEquals(Shape.scalar(), y.shape());
        // the false branch is input 0 of the Merge, as TensorFlow orders it
        assertEquals("cond/Mul_1", y.op().input(0).op().name());
        // x comes from outside: each branch reads it through its own Switch on pred_id
        assertEquals("cond/Switch_1:1", g.operation("cond/Mul").input(0).name());
        assertEquals("cond/pred_id:0", g.operation("cond/Switch_1").input(1).name());
        assertEquals("cond/Switch_2:0", g.operation("cond/Mul_1").input(1).name());
        assertTrue(g.operation("cond/Const").controlInputs().contains(g.operation("cond/switch_f")));
        Output y2 = cf.cond(p, () -> x, () -> x, "choose");
        assertEquals("choose/Merge:0", y2.name());
    }

    @Test
    void onlyTheTakenBranchRuns() {
        Output p = tf.placeholder(DType.BOOL, Shape.scalar(), "p");
        Output x = tf.placeholder(DType.FLOAT32, Shape.scalar(), "x");
        Variable count = tf.variable(tf.constant(0f), "count");
        // false branch holds a placeholder nobody feeds and an update of a variable
        Output y = cf.cond(p, () -> mul(x, c(2, DType.FLOAT32)),
                () -> tf.graph().opBuilder("AddV2", null).addInput(count.assignAdd(c(1, DType.FLOAT32)))
                        .addInput(tf.placeholder(DType.FLOAT32, Shape.scalar(), "never_fed")).build().output(0));
        try (Session s = session()) {
            s.run(tf.globalVariablesInitializer());
            assertEquals(10f, s.run(y, Map.of(p, Tensor.of(true), x, Tensor.of(5f))).floatValue());
            assertEquals(-4f, s.run(y, Map.of(p, Tensor.of(true), x, Tensor.of(-2f))).floatValue());
            assertEquals(0f, s.run(count).floatValue(), "the untaken branch's update must not run");
            TensorgraphException e = assertThrows(TensorgraphException.class,
                    () -> s.run(y, Map.of(p, Tensor.of(false), x, Tensor.of(5f))));
            assertTrue(e.getMessage().contains("never_fed"), e.getMessage());
        }
    }

    @Test
    void branchesMayReturnOutsideTensorsAndSeveralValues() {
        Output p = tf.placeholder(DType.BOOL, Shape.scalar(), "p");
        Output a = tf.constant(new float[] {1, 2}, "a");
        Output b = tf.constant(new float[] {3, 4}, "b");
        List<Output> r = cf.condList(p, () -> List.of(a, b), () -> List.of(b, mul(a, a)));
        assertEquals(2, r.size());
        try (Session s = session()) {
            List<Tensor> t = s.run(r, Map.of(p, Tensor.of(true)));
            assertEquals(List.of(1f, 2f, 3f, 4f), List.of(t.get(0).floats()[0], t.get(0).floats()[1],
                    t.get(1).floats()[0], t.get(1).floats()[1]));
            t = s.run(r, Map.of(p, Tensor.of(false)));
            assertEquals(3f, t.get(0).floats()[0]);
            assertEquals(4f, t.get(1).floats()[1]);
        }
    }

    @Test
    void nestedCondsPickTheRightBranch() {
        Output p = tf.placeholder(DType.BOOL, Shape.scalar(), "p");
        Output q = tf.placeholder(DType.BOOL, Shape.scalar(), "q");
        Output x = tf.constant(1f, "x");
        Output y = cf.cond(p, () -> cf.cond(q, () -> mul(x, c(2, DType.FLOAT32)), () -> mul(x, c(3, DType.FLOAT32))),
                () -> mul(x, c(5, DType.FLOAT32)));
        try (Session s = session()) {
            assertEquals(2f, s.run(y, Map.of(p, Tensor.of(true), q, Tensor.of(true))).floatValue());
            assertEquals(3f, s.run(y, Map.of(p, Tensor.of(true), q, Tensor.of(false))).floatValue());
            assertEquals(5f, s.run(y, Map.of(p, Tensor.of(false), q, Tensor.of(true))).floatValue());
        }
    }

    @Test
    void gradientFlowsThroughTheTakenBranchOnly() {
        Output p = tf.placeholder(DType.BOOL, Shape.scalar(), "p");
        Output x = tf.placeholder(DType.FLOAT32, Shape.scalar(), "x");
        Output y = cf.cond(p, () -> mul(x, x), () -> mul(c(3, DType.FLOAT32), x));
        Output dx = tf.gradients(y, List.of(x)).get(0);
        try (Session s = session()) {
            assertEquals(10f, s.run(dx, Map.of(p, Tensor.of(true), x, Tensor.of(5f))).floatValue());
            assertEquals(3f, s.run(dx, Map.of(p, Tensor.of(false), x, Tensor.of(5f))).floatValue());
            assertEquals(25f, s.run(y, Map.of(p, Tensor.of(true), x, Tensor.of(5f))).floatValue());
            assertEquals(15f, s.run(y, Map.of(p, Tensor.of(false), x, Tensor.of(5f))).floatValue());
        }
    }

    @Test
    void gradientOfATensorReturnedFromOneBranch() {
        Output p = tf.placeholder(DType.BOOL, Shape.scalar(), "p");
        Output x = tf.placeholder(DType.FLOAT32, Shape.scalar(), "x");
        Output z = tf.placeholder(DType.FLOAT32, Shape.scalar(), "z");
        Output y = cf.cond(p, () -> x, () -> z);
        List<Output> d = tf.gradients(y, List.of(x, z));
        try (Session s = session()) {
            Map<Output, Tensor> feeds = Map.of(p, Tensor.of(true), x, Tensor.of(5f), z, Tensor.of(7f));
            List<Tensor> r = s.run(d, feeds);
            assertEquals(1f, r.get(0).floatValue());
            assertEquals(0f, r.get(1).floatValue());
            r = s.run(d, Map.of(p, Tensor.of(false), x, Tensor.of(5f), z, Tensor.of(7f)));
            assertEquals(0f, r.get(0).floatValue());
            assertEquals(1f, r.get(1).floatValue());
        }
    }

    @Test
    void numericGradientThroughEitherBranch() {
        for (boolean taken : new boolean[] {true, false}) {
            GradientChecker.check((t, xs) -> {
                ControlFlowApi f = t::graph;
                Output a = xs.get(0);
                Output b = xs.get(1);
                return f.cond(t.constant(taken),
                        () -> t.op("Mul", null).addInput(a).addInput(b).build().output(0),
                        () -> t.op("Mul", null).addInput(a).addInput(a).build().output(0));
            }, GradientChecker.random(1, -2, 2, 2, 3), GradientChecker.random(2, -2, 2, 2, 3));
        }
    }

    @Test
    void handWrittenBatchNormPattern() {
        // mean, var = tf.cond(is_training, mean_var_with_update, lambda: (ema_mean, ema_var)) from TF1 tutorials
        Output isTraining = tf.placeholder(DType.BOOL, Shape.scalar(), "is_training");
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(4), "x");
        Output batchMean = tf.graph().opBuilder("Mean", null).addInput(x).addInput(tf.constant(new int[] {0}, null))
                .setAttr("keep_dims", false).setAttr("Tidx", DType.INT32).build().output(0);
        Variable ema = tf.variable(tf.constant(0f), false, "ema");
        Output mean = cf.cond(isTraining, () -> {
            Output next = tf.graph().opBuilder("AddV2", null).addInput(mul(ema, c(0.5, DType.FLOAT32)))
                    .addInput(mul(batchMean, c(0.5, DType.FLOAT32))).build().output(0);
            Output update = ema.assign(next);
            try (var deps = tf.controlDependencies(List.of(update))) {
                return tf.identity(batchMean);
            }
        }, () -> ema);
        Tensor xs = Tensor.of(new float[] {1, 2, 3, 6});
        try (Session s = session()) {
            s.run(tf.globalVariablesInitializer());
            assertEquals(3f, s.run(mean, Map.of(isTraining, Tensor.of(true), x, xs)).floatValue());
            assertEquals(1.5f, s.run(ema).floatValue());
            assertEquals(3f, s.run(mean, Map.of(isTraining, Tensor.of(true), x, xs)).floatValue());
            assertEquals(2.25f, s.run(ema).floatValue());
            assertEquals(2.25f, s.run(mean, Map.of(isTraining, Tensor.of(false), x, xs)).floatValue());
            assertEquals(2.25f, s.run(ema).floatValue(), "inference must not update the average");
        }
    }

    @Test
    void rejectsBadPredicatesAndMismatchedBranches() {
        Output x = tf.constant(1f);
        assertThrows(InvalidArgumentException.class, () -> cf.cond(x, () -> x, () -> x));
        Output pv = tf.placeholder(DType.BOOL, Shape.of(2), "pv");
        assertThrows(InvalidArgumentException.class, () -> cf.cond(pv, () -> x, () -> x));
        Output p = tf.placeholder(DType.BOOL, Shape.scalar(), "p");
        assertThrows(InvalidArgumentException.class, () -> cf.cond(p, () -> x, () -> tf.constant(1)));
        assertThrows(InvalidArgumentException.class,
                () -> cf.condList(p, () -> List.of(x), () -> List.of(x, x)));
    }

    @Test
    void smartCondCallsOneFunctionWhenThePredicateIsKnown() {
        Output x = tf.constant(1f, "x");
        int before = g.numOperations();
        Output y = cf.smartCond(true, () -> x, () -> tf.constant(2f));
        assertEquals(x, y);
        assertEquals(before, g.numOperations());
        Output z = cf.smartCond(tf.constant(false), () -> tf.constant(2f), () -> x);
        assertEquals(x, z);
    }
}
