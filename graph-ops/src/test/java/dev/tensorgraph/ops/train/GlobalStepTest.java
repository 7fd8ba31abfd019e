package dev.tensorgraph.ops.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.Tf;
import org.junit.jupiter.api.Test;

class GlobalStepTest {
    @Test
    void createdOnceAtTheRoot() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        TfTrain train = new TfTrain(tf.graph());
        assertNull(train.getGlobalStep());
        Variable step;
        try (var scope = tf.nameScope("outer")) {
            step = train.getOrCreateGlobalStep();
        }
        assertEquals("global_step:0", step.name());
        assertEquals(DType.INT64, step.dtype());
        assertEquals(Shape.scalar(), step.shape());
        assertFalse(step.trainable());
        assertTrue(g.collection(GraphKeys.GLOBAL_STEP).contains(step));
        assertTrue(tf.globalVariables().contains(step));
        assertFalse(tf.trainableVariables().contains(step));
        assertEquals("global_step/Initializer/zeros", step.initialValue().op().name());
        assertSame(step, train.getOrCreateGlobalStep());
        assertSame(step, train.getGlobalStep());
        assertThrows(InvalidArgumentException.class, train::createGlobalStep);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            assertEquals(0L, s.run(step).longValue());
        }
    }

    @Test
    void insideAVariableScopeStillAtTheRoot() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable step;
        try (var scope = tf.variableScope("model")) {
            step = GlobalStep.getOrCreateGlobalStep(tf.graph());
        }
        assertEquals("global_step:0", step.name());
        assertEquals("global_step/Initializer/zeros", step.initialValue().op().name());
        assertTrue(g.collection(GraphKeys.GLOBAL_STEP).contains(step));
        assertTrue(tf.globalVariables().contains(step));
        assertSame(step, GlobalStep.getOrCreateGlobalStep(tf.graph()));
    }
}
