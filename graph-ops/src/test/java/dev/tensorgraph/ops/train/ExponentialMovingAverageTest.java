package dev.tensorgraph.ops.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExponentialMovingAverageTest {
    @Test
    void shadowFollowsTheVariable() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable w = tf.variable(tf.constant(new float[]{1f, 10f}), "w");
        Output newValue = tf.placeholder(DType.FLOAT32, Shape.of(2), "new_value");
        Output set = w.assign(newValue);
        ExponentialMovingAverage ema = new ExponentialMovingAverage(0.9);
        Operation maintain = ema.apply(List.of(w));
        Variable avg = ema.average(w);
        assertEquals("ExponentialMovingAverage", maintain.name());
        assertEquals("w/ExponentialMovingAverage", avg.opName());
        assertEquals("w/ExponentialMovingAverage", ema.averageName(w));
        assertNotNull(g.operation("ExponentialMovingAverage/AssignMovingAvg"));
        assertEquals("AssignSub", g.operation("ExponentialMovingAverage/AssignMovingAvg").type());
        assertFalse(avg.trainable());
        assertTrue(tf.globalVariables().contains(avg));
        assertTrue(g.collection(GraphKeys.MOVING_AVERAGE_VARIABLES).contains(w));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            assertEquals(1f, s.run(avg).floats()[0], 0f);
            s.run(set.op(), Map.of(newValue, Tensor.of(new float[]{2f, 0f})));
            // shadow -= (1 - 0.9) * (shadow - value)
            s.run(maintain);
            float[] a1 = s.run(avg).floats();
            assertEquals(1.1f, a1[0], 1e-6f);
            assertEquals(9f, a1[1], 1e-5f);
            s.run(maintain);
            float[] a2 = s.run(avg).floats();
            assertEquals(1.19f, a2[0], 1e-6f);
            assertEquals(8.1f, a2[1], 1e-5f);
            s.run(set.op(), Map.of(newValue, Tensor.of(new float[]{0f, 0f})));
            s.run(maintain);
            assertEquals(1.071f, s.run(avg).floats()[0], 1e-6f);
        }
    }

    @Test
    void numUpdatesLowersTheDecayEarlyOn() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable w = tf.variable(tf.constant(new double[]{0}), "w");
        Variable step = GlobalStep.getOrCreateGlobalStep(tf.graph());
        Output set = w.assign(tf.constant(new double[]{1}));
        ExponentialMovingAverage ema = new ExponentialMovingAverage(0.9, step);
        Operation maintain = ema.apply(List.of(w));
        Output increment = step.assignAdd(tf.constant(1L));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            s.run(set.op());
            // step 0: decay = min(0.9, 1 / 10) = 0.1, so shadow = 0 - 0.9 * (0 - 1) = 0.9
            s.run(maintain);
            assertEquals(0.9, s.run(ema.average(w)).doubles()[0], 1e-7);
            s.run(increment.op());
            // step 1: decay = min(0.9, 2 / 11) = 0.1818..., shadow = 0.9 - (1 - 2/11) * (0.9 - 1)
            s.run(maintain);
            assertEquals(0.9 + 0.1 * 9.0 / 11.0, s.run(ema.average(w)).doubles()[0], 1e-6);
        }
    }
}
