package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assertBitEqual;
import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static dev.tensorgraph.cuda.GpuTestSupport.cpuSession;
import static dev.tensorgraph.cuda.GpuTestSupport.gpuSession;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.Tf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * RandomUniform and RandomStandardNormal on the GPU give exactly the CPU's numbers (TensorFlow's Philox
 * streams) for the same seeds: bit-for-bit, over several runs so that each op's sequence continues alike,
 * for element counts that are and are not multiples of the Philox group, through different plans that
 * share one op, and after the scaling ops of {@code tf.random.uniform(shape, min, max)}.
 */
class RandomGpuTest {
    private static final int RUNS = 4;

    /** The raw random op under a {@code tf.random} result ({@code Add(Mul(random, range), min)}). */
    private static Output rawRandom(Output scaled) {
        return scaled.op().input(0).op().input(0);
    }

    private static List<List<Tensor>> runRepeatedly(Session s, List<List<Output>> fetchesPerRun) {
        List<List<Tensor>> r = new ArrayList<>();
        for (List<Output> fetches : fetchesPerRun) {
            r.add(s.run(fetches, Map.of()));
        }
        return r;
    }

    private static void assertSameSequences(Graph g, List<List<Output>> fetchesPerRun) {
        List<List<Tensor>> cpu;
        try (Session s = cpuSession(g)) {
            cpu = runRepeatedly(s, fetchesPerRun);
        }
        try (Session s = gpuSession(g)) {
            List<List<Tensor>> gpu = runRepeatedly(s, fetchesPerRun);
            for (int run = 0; run < fetchesPerRun.size(); run++) {
                List<Output> fetches = fetchesPerRun.get(run);
                for (int i = 0; i < fetches.size(); i++) {
                    assertBitEqual(GpuTestSupport.describe(fetches.get(i)) + " in run " + run, cpu.get(run).get(i),
                            gpu.get(run).get(i));
                }
                List<Output> randomOps = new ArrayList<>();
                for (Output f : fetches) {
                    randomOps.add(f.op().type().startsWith("Random") ? f : rawRandom(f));
                }
                GpuTestSupport.assertOnGpu(s.describePlan(fetches, Set.of(), List.of()),
                        randomOps.stream().map(Output::op).toList());
            }
        }
    }

    @Test
    void uniformAndNormalEqualTheCpuRunAfterRun() {
        assumeGpu();
        for (long[] shape : new long[][] {{1000}, {3, 333}, {7}, {1}, {(1 << 20) + 1}, {64, 26, 26, 16}}) {
            Graph g = new Graph();
            g.setSeed(1234L);
            Tf tf = Tf.of(g);
            Output u = rawRandom(tf.random.uniform(Shape.of(shape), 0.0, 1.0, DType.FLOAT32, 87654321L, "uniform"));
            Output n = rawRandom(tf.random.normal(Shape.of(shape), 0.0, 1.0, DType.FLOAT32, 42L, "normal"));
            List<List<Output>> runs = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                runs.add(List.of(u, n));
            }
            assertSameSequences(g, runs);
        }
    }

    @Test
    void opSeedsOnlyAndGraphSeedOnlyAlsoMatch() {
        assumeGpu();
        Graph g = new Graph();
        g.setSeed(7L);
        Tf tf = Tf.of(g);
        // Two ops with the graph seed only: each gets its own op seed from the graph.
        Output a = rawRandom(tf.random.uniform(Shape.of(17, 3), 0.0, 1.0, DType.FLOAT32, null, "a"));
        Output b = rawRandom(tf.random.normal(Shape.of(5, 5), 0.0, 1.0, DType.FLOAT32, null, "b"));
        assertSameSequences(g, List.of(List.of(a, b), List.of(a, b), List.of(a, b)));
    }

    @Test
    void theSequenceContinuesAcrossPlansThatShareTheOp() {
        assumeGpu();
        Graph g = new Graph();
        g.setSeed(99L);
        Tf tf = Tf.of(g);
        Output u = rawRandom(tf.random.uniform(Shape.of(10, 10), 0.0, 1.0, DType.FLOAT32, 5L, "u"));
        Output n = rawRandom(tf.random.normal(Shape.of(33), 0.0, 1.0, DType.FLOAT32, 6L, "n"));
        assertSameSequences(g, List.of(List.of(u), List.of(u, n), List.of(n), List.of(u), List.of(u, n)));
    }

    @Test
    void scaledUniformAndShiftedNormalMatchToo() {
        assumeGpu();
        Graph g = new Graph();
        g.setSeed(2024L);
        Tf tf = Tf.of(g);
        Output u = tf.random.uniform(Shape.of(4, 50), -0.25, 3.0, DType.FLOAT32, 11L, "scaled_uniform");
        Output n = tf.random.normal(Shape.of(4, 50), 1.5, 0.1, DType.FLOAT32, 12L, "shifted_normal");
        // Mul then Add, as separate IEEE operations on both devices: bit-equal as well.
        assertSameSequences(g, List.of(List.of(u, n), List.of(u, n), List.of(u, n)));
    }
}
