package dev.tensorgraph.ops.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.Tf;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A loop's iterations release what they made: 10,000 iterations that each compute a 1 MiB tensor (10 GiB in
 * all, more than the test JVM's heap) run in a few megabytes of heap, because each iteration's values go back
 * to the run's buffer pool and the next iteration reuses them.
 */
class LoopMemoryTest {
    private static final int ITERATIONS = 10_000;
    private static final long ONE_MIB_OF_FLOATS = 256 * 1024;

    private static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
    }

    @Test
    void tenThousandIterationsRunInBoundedMemory() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(ONE_MIB_OF_FLOATS), "x");
        List<Output> r = tf.whileLoop(v -> tf.less(v.get(0), ITERATIONS),
                v -> List.of(tf.addV2(v.get(0), 1, "add"), tf.add(tf.multiply(v.get(1), 0.5), tf.multiply(x, 0.25))),
                List.of(tf.constant(0), x));
        float[] ones = new float[(int) ONE_MIB_OF_FLOATS];
        java.util.Arrays.fill(ones, 1f);
        Tensor in = Tensor.of(DType.FLOAT32, Shape.of(ONE_MIB_OF_FLOATS), ones);
        try (Session s = new Session(g, SessionOptions.cpuOnly().intraOpThreads(1))) {
            System.gc();
            long before = heapPeakAfterGc();
            List<Tensor> out = s.run(r, Map.of(x, in));
            long peak = heapPeak();
            assertEquals(ITERATIONS, out.get(0).intValue());
            // x_n = 0.5 x_{n-1} + 0.25 converges to 0.5 from 1.
            assertEquals(0.5f, out.get(1).floats()[12345], 1e-6f);
            long growth = peak - before;
            System.out.printf("loop of %d iterations, %d MiB computed: heap peak %d MiB above the %d MiB before%n",
                    ITERATIONS, ITERATIONS * ONE_MIB_OF_FLOATS * 4 >> 20, growth >> 20, before >> 20);
            assertTrue(growth < 256L << 20, "heap grew by " + (growth >> 20) + " MiB");
        }
    }

    private static long heapPeakAfterGc() {
        resetPeaks();
        return heapPeak();
    }
}
