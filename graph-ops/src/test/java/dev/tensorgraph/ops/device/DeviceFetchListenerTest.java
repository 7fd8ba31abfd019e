package dev.tensorgraph.ops.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.Tf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A fetch computed on the device reaches a run's fetch listener right after the op computing it (its copy to the
 * host moved up from the end of the plan), before the device runs the later ops.
 */
class DeviceFetchListenerTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);

    @BeforeEach
    void on() {
        FakeDeviceRuntime.enabled = true;
    }

    @AfterEach
    void off() {
        FakeDeviceRuntime.enabled = false;
    }

    @Test
    void aDeviceFetchIsToldBeforeTheLaterDeviceOpsRun() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2), "x");
        Output early = tf.add(x, x, "early");
        Output late = tf.multiply(early, early, "late");
        Tensor feed = Tensor.of(DType.FLOAT32, Shape.of(2), new float[] {1, 3});
        try (Session s = new Session(g)) {
            assertNotNull(s.device());
            List<String> plan = s.describePlan(List.of(late, early), java.util.Set.of(x), List.of());
            // both on the device, both copied back at the end of the plan
            assertEquals(List.of("early (Add) @ TESTDEVICE:0", "late (Mul) @ TESTDEVICE:0",
                    "copy 'late:0' from TESTDEVICE:0", "copy 'early:0' from TESTDEVICE:0"),
                    plan.subList(1, 5), plan.toString());
            List<Integer> order = new ArrayList<>();
            List<Tensor> out = s.runner().feed(x, feed).fetch(late).fetch(early)
                    .onFetchReady((i, v) -> order.add(i)).run();
            assertEquals(List.of(1, 0), order);
            assertArrayEquals(new float[] {2, 6}, out.get(1).floats());
            assertArrayEquals(new float[] {4, 36}, out.get(0).floats());
            // the same signature without a listener still gives the same values
            assertArrayEquals(new float[] {4, 36}, s.run(List.of(late, early), Map.of(x, feed)).get(0).floats());
        }
    }

    @Test
    void aListenerThatFailsOnTheFirstDeviceFetchStopsTheRunBeforeALaterDeviceUpdate() {
        Variable v = tf.variable(tf.constant(new float[] {0, 0}), "v");
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2), "x");
        Output early = tf.add(x, x, "early");
        Output update = tf.assign(v, tf.add(tf.multiply(early, tf.constant(new float[] {0, 0})),
                tf.constant(new float[] {7, 7})), "update");
        Tensor feed = Tensor.of(DType.FLOAT32, Shape.of(2), new float[] {1, 3});
        try (Session s = new Session(g)) {
            s.run(v.initializer());
            assertThrows(InvalidArgumentException.class, () -> s.runner().feed(x, feed).fetch(early).fetch(update)
                    .onFetchReady((i, t) -> {
                        if (i == 0) {
                            throw new InvalidArgumentException("stop");
                        }
                    }).run());
            assertArrayEquals(new float[] {0, 0}, s.variableValue(v).floats());
            s.runner().feed(x, feed).fetch(early).fetch(update).onFetchReady((i, t) -> { }).run();
            assertArrayEquals(new float[] {7, 7}, s.variableValue(v).floats());
        }
    }
}
