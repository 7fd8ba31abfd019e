package dev.tensorgraph.ops.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The executor's device path on a test device: placement, copy steps only where memory changes sides,
 * variables resident on the device, buffers released, and record-once/replay with the device's stream.
 */
class DeviceExecutionTest {
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

    private static Tensor vec(float... v) {
        return Tensor.of(DType.FLOAT32, Shape.of(v.length), v);
    }

    @Test
    void defaultSessionPicksTheDeviceAndCopiesOnlyFeedsAndFetches() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(3), "x");
        Variable w = tf.variable(tf.constant(new float[] {1, 2, 3}), "w");
        Output y = tf.reduceSum(tf.add(tf.multiply(x, w), x, "xw_plus_x"), "total");
        try (Session s = new Session(g)) {
            assertNotNull(s.device());
            s.run(w.initializer());
            Tensor r = s.run(y, Map.of(x, vec(1, 1, 2)));
            assertEquals(1 + 2 + 6 + 1 + 1 + 2, r.floatValue(), 0f);
            List<String> plan = s.describePlan(List.of(y), Set.of(x), List.of());
            assertTrue(plan.contains("copy 'x:0' to TESTDEVICE:0"), plan.toString());
            assertTrue(plan.contains("copy 'total:0' from TESTDEVICE:0"), plan.toString());
            assertTrue(plan.stream().anyMatch(l -> l.equals("xw_plus_x (Add) @ TESTDEVICE:0")), plan.toString());
            assertEquals(2, plan.stream().filter(l -> l.startsWith("copy ")).count(), plan.toString());
        }
    }

    @Test
    void anOpWithoutADeviceKernelRunsOnTheCpuBetweenCopies() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2), "x");
        Output e = tf.exp(tf.add(x, x, "twice"), "e");
        Output y = tf.multiply(e, tf.constant(2f), "y");
        try (Session s = new Session(g); Session cpu = new Session(g, SessionOptions.cpuOnly())) {
            Tensor r = s.run(y, Map.of(x, vec(0f, 0.5f)));
            assertArrayEquals(cpu.run(y, Map.of(x, vec(0f, 0.5f))).floats(), r.floats(), 0f);
            List<String> plan = s.describePlan(List.of(y), Set.of(x), List.of());
            assertTrue(plan.contains("e (Exp) @ CPU"), plan.toString());
            assertTrue(plan.contains("copy 'twice:0' from TESTDEVICE:0"), plan.toString());
            assertTrue(plan.contains("copy 'e:0' to TESTDEVICE:0"), plan.toString());
            assertTrue(plan.get(plan.size() - 1).contains("not recordable"), plan.toString());
        }
    }

    @Test
    void aCpuDeviceScopeKeepsAnOpOnTheCpu() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2), "x");
        Output y;
        try (var scope = g.device("/cpu:0")) {
            y = tf.add(x, x, "on_cpu");
        }
        try (Session s = new Session(g)) {
            assertArrayEquals(new float[] {2, 4}, s.run(y, Map.of(x, vec(1, 2))).floats(), 0f);
            assertTrue(s.describePlan(List.of(y), Set.of(x), List.of()).contains("on_cpu (Add) @ CPU"));
        }
    }

    @Test
    void trainingStepsAreRecordedOnceAndReplayedWithTheSameResults() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1), "x");
        Variable w = tf.variable(tf.constant(0.5f), "w");
        Output step = w.assign(tf.add(w, tf.reduceSum(tf.multiply(x, w)), "w_next"));
        float[][] batches = {{1, 2}, {0.5f, -1}, {3, 1}, {-2, 0.25f}, {1, 1}, {0.1f, 0.2f}};
        float[] expected = new float[batches.length];
        try (Session cpu = new Session(g, SessionOptions.cpuOnly())) {
            cpu.run(w.initializer());
            for (int i = 0; i < batches.length; i++) {
                expected[i] = cpu.run(step, Map.of(x, vec(batches[i]))).floatValue();
            }
        }
        try (Session s = new Session(g)) {
            FakeDevice dev = (FakeDevice) s.device();
            s.run(w.initializer());
            for (int i = 0; i < batches.length; i++) {
                assertEquals(expected[i], s.run(step, Map.of(x, vec(batches[i]))).floatValue(), 0f, "step " + i);
            }
            assertEquals(batches.length - 1, dev.replays, "run 1 runs step by step; run 2 is recorded, then replayed like every later run");
            List<String> plan = s.describePlan(List.of(step), Set.of(x), List.of());
            assertEquals("device graphs: recordable (1 recorded)", plan.get(plan.size() - 1));
            // Another batch size is another recording.
            s.run(step, Map.of(x, vec(1, 2, 3)));
            s.run(step, Map.of(x, vec(1, 2, 3)));
            plan = s.describePlan(List.of(step), Set.of(x), List.of());
            assertEquals("device graphs: recordable (2 recorded)", plan.get(plan.size() - 1));
        }
    }

    @Test
    void settingAVariableBetweenReplaysIsSeenByTheNextRun() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2), "x");
        Variable w = tf.variable(tf.constant(new float[] {1, 1}), "w");
        Output y = tf.reduceSum(tf.multiply(x, w), "y");
        try (Session s = new Session(g)) {
            s.run(w.initializer());
            for (int i = 0; i < 4; i++) {
                assertEquals(3f, s.run(y, Map.of(x, vec(1, 2))).floatValue(), 0f);
            }
            s.setVariableValue(w, vec(10, 100));
            assertArrayEquals(new float[] {10, 100}, s.variableValue(w).floats(), 0f);
            for (int i = 0; i < 3; i++) {
                assertEquals(210f, s.run(y, Map.of(x, vec(1, 2))).floatValue(), 0f, "run " + i + " after the set");
            }
        }
    }

    @Test
    void smallFedHostValuesKeyTheRecording() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2), "x");
        Output axes = tf.placeholder(DType.INT32, Shape.of(1), "axes");
        Output y = tf.reduceSum(tf.add(x, x), axes, false, "y");
        try (Session s = new Session(g)) {
            Tensor ax = Tensor.of(DType.INT32, Shape.of(1), new int[] {0});
            for (int i = 0; i < 4; i++) {
                assertEquals(6f, s.run(y, Map.of(x, vec(1, 2), axes, ax)).floatValue(), 0f);
            }
            List<String> plan = s.describePlan(List.of(y), Set.of(x, axes), List.of());
            assertEquals("device graphs: recordable (1 recorded)", plan.get(plan.size() - 1));
        }
    }

    @Test
    void deviceMemoryIsReleasedAfterEveryRunAndOnFailureAndAtClose() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(4), "x");
        Variable w = tf.variable(tf.constant(new float[] {1, 2, 3, 4}), "w");
        Output y = tf.reduceSum(tf.add(tf.multiply(x, w), tf.multiply(x, x)), "y");
        FakeDevice dev;
        try (Session s = new Session(g, SessionOptions.defaults().deviceGraphs(false))) {
            dev = (FakeDevice) s.device();
            s.run(w.initializer());
            s.run(y, Map.of(x, vec(1, 1, 1, 1)));
            long settled = dev.bytesInUse();
            for (int i = 0; i < 100; i++) {
                s.run(y, Map.of(x, vec(i, 1, 1, 1)));
                assertEquals(settled, dev.bytesInUse(), "run " + i);
            }
            FakeDeviceKernels.failNextAdd = true;
            assertThrows(InvalidArgumentException.class, () -> s.run(y, Map.of(x, vec(1, 1, 1, 1))));
            assertEquals(settled, dev.bytesInUse(), "after a failed run");
            assertEquals(10f + 4f, s.run(y, Map.of(x, vec(1, 1, 1, 1))).floatValue(), 0f);
        }
        assertEquals(0, dev.bytesInUse(), "after close");
    }

    @Test
    void fetchingAVariableReturnsACopyNotTheDeviceMemory() {
        Variable w = tf.variable(tf.constant(new float[] {1, 2}), "w");
        Output bump = w.assign(tf.add(w, tf.constant(1f)));
        try (Session s = new Session(g)) {
            s.run(w.initializer());
            Tensor before = s.run(w.value());
            s.run(bump);
            assertArrayEquals(new float[] {1, 2}, before.floats(), 0f);
            assertArrayEquals(new float[] {2, 3}, s.run(w.value()).floats(), 0f);
        }
    }

    @Test
    void requiringAGpuThatIsNotThereNamesTheReason() {
        FakeDeviceRuntime.enabled = false;
        var e = assertThrows(FailedPreconditionException.class, () -> new Session(g, SessionOptions.gpu(0)));
        assertTrue(e.getMessage().contains("cannot run on GPU 0"), e.getMessage());
        try (Session s = new Session(g)) {
            assertNull(s.device());
        }
    }
}
