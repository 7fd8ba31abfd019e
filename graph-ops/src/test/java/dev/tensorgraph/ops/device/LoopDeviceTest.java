package dev.tensorgraph.ops.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * While loops on a device: the loop's bookkeeping runs on the host, its body's kernels on the device, a
 * loop variable stays in device memory from one iteration to the next (copied in once, not per iteration),
 * the loop's device buffers are all released, and plans with loops are not recorded, saying why.
 */
class LoopDeviceTest {
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
    void aLoopRunsItsBodyOnTheDeviceAndKeepsItsVariableThere() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(3), "x");
        Variable w = tf.variable(tf.constant(new float[] {0.5f, 2f, -1f}), "w");
        List<Output> r = tf.whileLoop(v -> tf.less(v.get(0), 4),
                v -> List.of(tf.addV2(v.get(0), 1, "add"), tf.add(tf.multiply(v.get(1), w, "mul"), v.get(1), "grow")),
                List.of(tf.constant(0), x));
        Tensor in = Tensor.of(new float[] {1f, 1f, 1f});
        float[] expected;
        try (Session cpu = new Session(g, SessionOptions.cpuOnly())) {
            cpu.run(w.initializer());
            expected = cpu.run(r.get(1), Map.of(x, in)).floats();
        }
        assertArrayEquals(new float[] {5.0625f, 81f, 0f}, expected, 0f);
        try (Session s = new Session(g)) {
            FakeDevice dev = (FakeDevice) s.device();
            s.run(w.initializer());
            long held = dev.bytesInUse();
            assertArrayEquals(expected, s.run(r.get(1), Map.of(x, in)).floats(), 0f);
            int uploads = dev.uploads;
            assertArrayEquals(expected, s.run(r.get(1), Map.of(x, in)).floats(), 0f);
            assertTrue(dev.uploads - uploads <= 2, "a run uploads " + (dev.uploads - uploads)
                    + " times; the loop variable should cross once, not once per iteration");
            assertEquals(held, dev.bytesInUse(), "every buffer the loop used is released");
            List<String> plan = s.describePlan(List.of(r.get(1)), Set.of(x), List.of());
            assertTrue(plan.contains("  | while/mul (Mul) @ TESTDEVICE:0"), String.join("\n", plan));
            assertTrue(plan.stream().anyMatch(l -> l.startsWith("while loop 'while/while_context' @ CPU")),
                    String.join("\n", plan));
            assertEquals("device graphs: not recordable: while loop 'while/while_context' runs a number of iterations "
                    + "that depends on data (0 recorded)", plan.get(plan.size() - 1));
        }
    }
}
