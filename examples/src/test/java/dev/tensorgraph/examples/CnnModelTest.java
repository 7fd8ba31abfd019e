package dev.tensorgraph.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The main job's graph: its collections hold each op once, and its global step counts the train steps. */
class CnnModelTest {
    @Test
    void trainOpCollectionHoldsTheOptimizerOnce() {
        for (boolean batchNorm : new boolean[] {false, true}) {
            Graph g = new Graph();
            Model m = CnnModel.build(g, batchNorm, 1e-3f, true);
            assertEquals(List.of(m.trainOp()), g.collection(GraphKeys.TRAIN_OP));
        }
    }

    @Test
    void globalStepCountsTrainSteps() {
        Graph g = new Graph();
        g.setSeed(1L);
        Model m = CnnModel.build(g, true, 1e-3f, true);
        Tf tf = Tf.of(g);
        Variable step = tf.train.getGlobalStep();
        assertEquals("global_step:0", step.name());
        assertEquals(DType.INT64, step.dtype());
        assertEquals(List.of(step), g.collection(GraphKeys.GLOBAL_STEP));
        Tensor images = Tensor.of(DType.FLOAT32, Shape.of(2, 28, 28, 1), new float[2 * 28 * 28]);
        Tensor labels = Tensor.of(DType.INT32, Shape.of(2), new int[] {3, 7});
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            assertEquals(0L, s.run(step).longValue());
            for (int i = 0; i < 3; i++) {
                s.runner().feed(m.images(), images).feed(m.labels(), labels).target(m.trainOp()).run();
            }
            assertEquals(3L, s.run(step).longValue());
        }
    }

    @Test
    void benchmarkGraphHasNoGlobalStepAndTheSameWeights() {
        Graph plain = new Graph();
        plain.setSeed(1L);
        CnnModel.build(plain, false, 1e-3f);
        assertNull(Tf.of(plain).train.getGlobalStep());
        assertEquals(1, plain.collection(GraphKeys.TRAIN_OP).size());
        // The step is created after the layers, so seeded initial weights equal the benchmark graph's.
        Graph counted = new Graph();
        counted.setSeed(1L);
        CnnModel.build(counted, false, 1e-3f, true);
        try (Session a = new Session(plain, SessionOptions.cpuOnly());
             Session b = new Session(counted, SessionOptions.cpuOnly())) {
            a.run(Tf.of(plain).globalVariablesInitializer());
            b.run(Tf.of(counted).globalVariablesInitializer());
            for (Variable v : Tf.of(plain).trainableVariables()) {
                Variable w = Tf.of(counted).trainableVariables().stream().filter(x -> x.name().equals(v.name()))
                        .findFirst().orElseThrow();
                assertSame(v.dtype(), w.dtype());
                org.junit.jupiter.api.Assertions.assertArrayEquals(a.run(v).floats(), b.run(w).floats(), v.name());
            }
        }
    }
}
