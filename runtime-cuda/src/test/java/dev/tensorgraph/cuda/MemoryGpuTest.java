package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static dev.tensorgraph.cuda.GpuTestSupport.compare;
import static dev.tensorgraph.cuda.GpuTestSupport.feeds;
import static dev.tensorgraph.cuda.GpuTestSupport.gpuOptions;
import static dev.tensorgraph.cuda.GpuTestSupport.uniform;
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
import dev.tensorgraph.cuda.GpuTestSupport.Tolerance;
import dev.tensorgraph.device.DeviceContext;
import dev.tensorgraph.errors.ResourceExhaustedException;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.train.AdamOptimizer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Device memory accounting: a session's memory is all given back at close and a fresh session starts at
 * zero; a cached plan run 1,000 times neither leaks nor grows; and a tensor larger than the device fails the
 * op that asked for it with ResourceExhaustedException naming the op and the bytes, after which the session
 * keeps working with the memory it had.
 */
class MemoryGpuTest {
    @Test
    void aClosedSessionGivesEverythingBackAndAFreshOneStartsAtZero() {
        assumeGpu();
        SmallCnn m = SmallCnn.build(3, tf -> new AdamOptimizer(1e-3));
        DeviceContext first;
        try (Session s = new Session(m.graph, gpuOptions())) {
            first = s.device();
            assertNotNull(first, "a GPU session has a device");
            s.run(m.init);
            for (int i = 0; i < 5; i++) {
                m.step(s, m.batch(i, 32));
            }
            assertTrue(first.bytesInUse() > 0, "variables live on the device during the session");
        }
        assertEquals(0, first.bytesInUse(), "bytes in use after close");
        try (Session s = new Session(m.graph, gpuOptions())) {
            assertEquals(0, s.device().bytesInUse(), "bytes in use of a fresh session before its first run");
            s.run(m.init);
            m.step(s, m.batch(0, 32));
        }
    }

    @Test
    void aThousandRunsOfACachedPlanKeepBytesInUseConstant() {
        assumeGpu();
        for (SessionOptions options : new SessionOptions[] {gpuOptions(), gpuOptions().deviceGraphs(false)}) {
            SmallCnn m = SmallCnn.build(4, tf -> new AdamOptimizer(1e-3));
            try (Session s = new Session(m.graph, options)) {
                s.run(m.init);
                Map<Output, Tensor> batch = m.batch(1, 32);
                // Run 1 launches, run 2 records (device graphs on): settle before measuring.
                for (int i = 0; i < 3; i++) {
                    m.step(s, batch);
                }
                long settled = s.device().bytesInUse();
                for (int i = 0; i < 1000; i++) {
                    m.step(s, batch);
                    assertEquals(settled, s.device().bytesInUse(), "bytes in use after run " + i
                            + " (device graphs " + (options.deviceGraphs() ? "on" : "off") + ")");
                }
                assertEquals(2, s.numCachedPlans(), "the initializer's plan and the step's");
            }
        }
    }

    @Test
    void aHugeTensorFailsItsOpWithResourceExhaustedAndTheSessionCarriesOn() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        // 2^20 x 2^20 floats: 4 TiB, more than any GPU has.
        Output huge = tf.fill(tf.constant(new int[] {1 << 20, 1 << 20}, "huge_dims"), tf.constant(1f), "huge_fill");
        Output hugeSum = tf.reduceSum(huge, "huge_sum");
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(8, 8), "x");
        Output normal = tf.reduceSum(tf.matmul(x, x), "normal_sum");
        Map<Output, Tensor> f = feeds(x, uniform(new Random(1), -1, 1, 8, 8));
        try (Session s = new Session(g, gpuOptions())) {
            float before = s.run(normal, f).floatValue();
            long settled = s.device().bytesInUse();
            List<String> plan = s.describePlan(List.of(hugeSum), Set.of(), List.of());
            GpuTestSupport.assertOnGpu(plan, List.of(huge.op()));
            ResourceExhaustedException e = assertThrows(ResourceExhaustedException.class, () -> s.run(hugeSum));
            String msg = String.valueOf(e.getMessage());
            assertTrue(msg.contains("huge_fill"), "the error names the op: " + msg);
            long bytes = 4L << 40;
            assertTrue(msg.contains(Long.toString(bytes)) || msg.contains(String.format("%,d", bytes))
                    || msg.contains("4 TiB") || msg.contains("4.0 TiB") || msg.contains("4096 GiB")
                    || msg.contains("4096.0 GiB"), "the error names the bytes asked for (" + bytes + "): " + msg);
            // The first attempt uploads the fill value's constant (session memory kept for later runs).
            long afterFirst = s.device().bytesInUse();
            assertTrue(afterFirst - settled <= 4096, "only small constants stay: " + (afterFirst - settled) + " bytes");
            assertThrows(ResourceExhaustedException.class, () -> s.run(hugeSum));
            assertEquals(afterFirst, s.device().bytesInUse(), "bytes in use after a second failed run");
            assertEquals(before, s.run(normal, f).floatValue(), 1e-5 * Math.abs(before) + 1e-6,
                    "a normal fetch after the failure");
        }
        compare(g, f, Tolerance.productSum(8 * 64, 1e-5), normal);
    }
}
