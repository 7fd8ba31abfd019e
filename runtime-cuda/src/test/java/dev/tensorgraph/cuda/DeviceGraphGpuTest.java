package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assertClose;
import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static dev.tensorgraph.cuda.GpuTestSupport.gpuOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.cuda.GpuTestSupport.Tolerance;
import dev.tensorgraph.ops.train.AdamOptimizer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Recording a train step as a CUDA graph and replaying it gives the results of launching kernel by kernel:
 * 10 Adam steps of the small CNN with device graphs on equal 10 steps with {@code deviceGraphs(false)}
 * (to 1e-6 relative + 1e-7 absolute, bit-for-bit in practice: the same kernels run in the same order); the
 * plan reports one recording; another batch size gets a second recording; and a variable set between runs
 * (restored, moved to new device memory) is what the next replay reads.
 */
class DeviceGraphGpuTest {
    private static final Tolerance SAME = Tolerance.relative(1e-6, 1e-7);
    private static final int BATCH = 16;

    private static String lastLine(List<String> plan) {
        return plan.get(plan.size() - 1);
    }

    private static void assertSameVariables(SmallCnn m, Session replayed, Session launched, String when) {
        for (Variable v : m.variables()) {
            assertClose("'" + v.opName() + "' " + when + " (device graphs on vs off)", launched.variableValue(v),
                    replayed.variableValue(v), SAME, null);
        }
    }

    private static void stepBoth(SmallCnn m, Session replayed, Session launched, Map<Output, Tensor> batch, String when) {
        float a = m.step(replayed, batch);
        float b = m.step(launched, batch);
        assertClose("loss " + when + " (device graphs on vs off)", Tensor.of(b), Tensor.of(a), SAME, null);
        assertSameVariables(m, replayed, launched, "after " + when);
    }

    @Test
    void replayedStepsEqualLaunchedStepsAndThePlanCountsRecordings() {
        assumeGpu();
        SmallCnn m = SmallCnn.build(7, tf -> new AdamOptimizer(1e-3));
        try (Session replayed = new Session(m.graph, gpuOptions());
             Session launched = new Session(m.graph, gpuOptions().deviceGraphs(false))) {
            replayed.run(m.init);
            launched.run(m.init);
            for (int step = 0; step < 10; step++) {
                stepBoth(m, replayed, launched, m.batch(500 + step, BATCH), "step " + step);
            }
            Set<Output> fed = Set.of(m.images, m.labels);
            List<String> plan = replayed.describePlan(List.of(m.loss), fed, List.of(m.train));
            assertEquals("device graphs: recordable (1 recorded)", lastLine(plan), String.join("\n", plan));
            List<String> off = launched.describePlan(List.of(m.loss), fed, List.of(m.train));
            assertTrue(lastLine(off).endsWith("(0 recorded)"), String.join("\n", off));

            // Another batch size is another recording (made on its second run), and still the same numbers.
            for (int step = 0; step < 3; step++) {
                stepBoth(m, replayed, launched, m.batch(900 + step, 5), "batch-5 step " + step);
            }
            plan = replayed.describePlan(List.of(m.loss), fed, List.of(m.train));
            assertEquals("device graphs: recordable (2 recorded)", lastLine(plan), String.join("\n", plan));
            // Back to the first size: its recording is replayed.
            stepBoth(m, replayed, launched, m.batch(950, BATCH), "back to batch 16");
            assertEquals("device graphs: recordable (2 recorded)",
                    lastLine(replayed.describePlan(List.of(m.loss), fed, List.of(m.train))));
        }
    }

    @Test
    void aVariableSetBetweenReplaysIsReadByTheNextReplay() {
        assumeGpu();
        SmallCnn m = SmallCnn.build(8, tf -> new AdamOptimizer(1e-3));
        try (Session replayed = new Session(m.graph, gpuOptions());
             Session launched = new Session(m.graph, gpuOptions().deviceGraphs(false))) {
            replayed.run(m.init);
            launched.run(m.init);
            for (int step = 0; step < 4; step++) {
                stepBoth(m, replayed, launched, m.batch(600 + step, BATCH), "step " + step);
            }
            // As restoring a checkpoint does: a new value, which lands in new device memory.
            Tensor restored = GpuTestSupport.uniform(new Random(77), -0.5, 0.5, m.filter.shape().dims());
            replayed.setVariableValue(m.filter, restored);
            launched.setVariableValue(m.filter, restored);
            GpuTestSupport.assertBitEqual("filter right after setVariableValue", restored, replayed.variableValue(m.filter));
            for (int step = 4; step < 8; step++) {
                stepBoth(m, replayed, launched, m.batch(600 + step, BATCH), "step " + step + " after the restore");
            }
            // Once more, with the loss alone (another plan) in between.
            replayed.setVariableValue(m.filter, restored);
            launched.setVariableValue(m.filter, restored);
            Map<Output, Tensor> probe = m.batch(700, BATCH);
            assertClose("loss of the restored filter", launched.run(List.of(m.loss), probe).get(0),
                    replayed.run(List.of(m.loss), probe).get(0), SAME, null);
            stepBoth(m, replayed, launched, m.batch(701, BATCH), "a step after the second restore");
        }
    }
}
