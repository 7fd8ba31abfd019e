package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.testing.TfCaseRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The CPU plan pass that runs {@code Sum(MatMul(a, b))} over both axes as one {@code _MatMulSum} step: the sum against
 * the product summed in double and against the ops run apart, on shapes the product's kernels split by rows and by
 * columns with partial tiles at the edges, with every way of naming both axes; the same bits from run to run
 * whichever thread computed which block; variables as operands, written between runs; NaN; the cases it must leave
 * alone (axes named twice among them, which Sum rejects); and control inputs kept. {@code MatMulSumWithVectorKernelsTest} runs the same on the vector kernels.
 */
class MatMulSumTest {
    private static final String FUSED = "(_MatMulSum) @ CPU";

    private static List<String> plan(Graph g, List<Output> fetches, Set<Output> fed) {
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            return s.describePlan(fetches, fed, List.of());
        }
    }

    private static long fusedSteps(List<String> plan) {
        return plan.stream().filter(l -> l.contains(FUSED)).count();
    }

    /** The sum of op(a) op(b) in double, and the sum of the absolute values of its terms. */
    private static double[] reference(float[] a, float[] b, int m, int n, int k, boolean ta, boolean tb) {
        double sum = 0;
        double magnitude = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < k; p++) {
                    double term = (double) a[ta ? p * m + i : i * k + p] * b[tb ? j * k + p : p * n + j];
                    sum += term;
                    magnitude += Math.abs(term);
                }
            }
        }
        return new double[] {sum, magnitude};
    }

    @Test
    void sumsOfProductsAgainstTheirDefinitionAndTheOpsRunApart() {
        // m, n, k: split by rows with partial tiles of rows and columns, split by columns, a short product, one row.
        int[][] shapes = {{403, 301, 150}, {96, 530, 200}, {37, 21, 9}, {1, 70, 33}};
        int[][] axesForms = {{0, 1}, {1, 0}, {-1, -2}, {-2, 1}, {1, -2}};
        long seed = 21;
        int form = 0;
        for (int[] shape : shapes) {
            int m = shape[0];
            int n = shape[1];
            int k = shape[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    int[] axes = axesForms[form++ % axesForms.length];
                    boolean keepDims = form % 2 == 0;
                    String what = m + "x" + n + "x" + k + (ta ? " ta" : "") + (tb ? " tb" : "") + " axes "
                            + java.util.Arrays.toString(axes) + (keepDims ? " keep_dims" : "");
                    Graph g = new Graph();
                    Tf tf = Tf.of(g);
                    Output a = tf.placeholder(DType.FLOAT32, ta ? Shape.of(k, m) : Shape.of(m, k), "a");
                    Output b = tf.placeholder(DType.FLOAT32, tb ? Shape.of(n, k) : Shape.of(k, n), "b");
                    Output sum = tf.reduceSum(tf.matmul(a, b, ta, tb), axes, keepDims);
                    Tensor av = NnTestSupport.randomFloats(seed++, ta ? k : m, ta ? m : k);
                    Tensor bv = NnTestSupport.randomFloats(seed++, tb ? n : k, tb ? k : n);
                    Map<Output, Tensor> feeds = Map.of(a, av, b, bv);
                    List<String> p = plan(g, List.of(sum), feeds.keySet());
                    assertEquals(1, fusedSteps(p), what + "\n" + String.join("\n", p));
                    double[] want = reference(av.floats(), bv.floats(), m, n, k, ta, tb);
                    float apart;
                    try (Session s = new Session(g, SessionOptions.cpuOnly().fuseOps(false))) {
                        apart = s.run(List.of(sum), feeds).get(0).floats()[0];
                    }
                    try (Session s = new Session(g, SessionOptions.cpuOnly().intraOpThreads(2))) {
                        Tensor first = s.run(List.of(sum), feeds).get(0);
                        assertEquals(keepDims ? Shape.of(1, 1) : Shape.scalar(), first.shape(), what);
                        float got = first.floats()[0];
                        // A float sum of these terms is within a few ulps of their magnitude either way.
                        double tolerance = 1e-6 * want[1] + 1e-6;
                        assertEquals(want[0], got, tolerance, what);
                        assertEquals(apart, got, 2 * tolerance, what + ", against Sum after MatMul");
                        for (int run = 0; run < 5; run++) {
                            assertEquals(Float.floatToRawIntBits(got),
                                    Float.floatToRawIntBits(s.run(List.of(sum), feeds).get(0).floats()[0]),
                                    what + ", run " + run);
                        }
                    }
                }
            }
        }
    }

    /** TensorFlow's graph of a sum of a product and its gradients, with TensorFlow's results: the plan fuses them. */
    @Test
    void matchesTensorFlowsGraph() throws Exception {
        Path dir = Path.of(MatMulSumTest.class.getResource("/tf-cases-2.21/ops/matmul_sum_both_axes").toURI());
        Graph g = Graph.fromGraphDef(Files.readAllBytes(dir.resolve("graph.pb")));
        Set<Output> fed = Set.of(g.operation("a").output(0), g.operation("b").output(0), g.operation("dy_0").output(0));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertEquals(1, fusedSteps(s.describePlan(List.of(g.operation("Sum").output(0),
                    g.operation("gradients/MatMul_grad/MatMul").output(0)), fed, List.of())));
        }
        TfCaseRunner.run(dir, true);
    }

    @Test
    void variablesAsOperandsAreReadAtTheirValueOfEachRun() {
        int m = 300;
        int n = 260;
        int k = 200;
        Graph g = new Graph();
        g.setSeed(8L);
        Tf tf = Tf.of(g);
        Output a = tf.variable(tf.random.normal(Shape.of(m, k)), "a");
        Output b = tf.variable(tf.random.normal(Shape.of(k, n)), "b");
        Output sum = tf.reduceSum(tf.matmul(a, b), new int[] {0, 1});
        Output scaleB = tf.assign(b, tf.multiply(b, tf.constant(-0.5f)));
        try (Session s = new Session(g, SessionOptions.cpuOnly().intraOpThreads(2))) {
            s.run(tf.globalVariablesInitializer());
            assertEquals(1, fusedSteps(s.describePlan(List.of(sum), Set.of(), List.of())));
            for (int write = 0; write < 3; write++) {
                if (write > 0) {
                    s.run(scaleB);
                }
                // Three runs in a row: the kernels keep copies of unchanged operands from the second.
                for (int run = 0; run < 3; run++) {
                    List<Tensor> values = s.run(List.of(a, b), Map.of());
                    double[] want = reference(values.get(0).floats(), values.get(1).floats(), m, n, k, false, false);
                    assertEquals(want[0], s.run(sum).floatValue(), 1e-6 * want[1],
                            "after " + write + " writes, run " + run);
                }
            }
            // In one run with a write no edge orders after it, the sum keeps the product's place before the write,
            // as the graph as written runs them.
            List<Tensor> values = s.run(List.of(a, b), Map.of());
            double[] want = reference(values.get(0).floats(), values.get(1).floats(), m, n, k, false, false);
            float got = s.run(List.of(sum), Map.of(), List.of(scaleB.op())).get(0).floatValue();
            assertEquals(want[0], got, 1e-6 * want[1], "the sum beside the write");
        }
    }

    @Test
    void aNanInTheProductMakesTheSumNan() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output a = tf.placeholder(DType.FLOAT32, Shape.of(40, 30), "a");
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(30, 50), "b");
        Output sum = tf.reduceSum(tf.matmul(a, b), new int[] {0, 1});
        float[] av = NnTestSupport.randomFloats(1, 40, 30).floats().clone();
        av[7 * 30 + 3] = Float.NaN;
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            float got = s.run(List.of(sum), Map.of(a, Tensor.of(DType.FLOAT32, Shape.of(40, 30), av),
                    b, NnTestSupport.randomFloats(2, 30, 50))).get(0).floatValue();
            assertTrue(Float.isNaN(got), "got " + got);
        }
    }

    @Test
    void leavesAloneWhatItMustNot() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output a = tf.placeholder(DType.FLOAT32, Shape.of(20, 30), "a");
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(30, 40), "b");
        Output product = tf.matmul(a, b);
        Output sum = tf.reduceSum(product, new int[] {0, 1});
        Map<Output, Tensor> feeds = Map.of(a, NnTestSupport.randomFloats(1, 20, 30),
                b, NnTestSupport.randomFloats(2, 30, 40));
        assertEquals(1, fusedSteps(plan(g, List.of(sum), feeds.keySet())));
        assertEquals(0, fusedSteps(plan(g, List.of(sum, product), feeds.keySet())), "the product fetched");
        assertEquals(0, fusedSteps(plan(g, List.of(sum), Set.of(a, b, product))), "the product fed");
        assertEquals(0, fusedSteps(plan(g, List.of(tf.reduceSum(product, new int[] {0})), feeds.keySet())),
                "one axis");
        Output twice = tf.add(tf.reduceSum(product, new int[] {0, 1}), tf.reduceMean(product));
        assertEquals(0, fusedSteps(plan(g, List.of(twice), feeds.keySet())), "the product read twice");
        Output axes = tf.placeholder(DType.INT32, Shape.of(2), "axes");
        Output fedAxes = tf.reduceSum(tf.matmul(a, b), axes, false, "fed_axes");
        assertEquals(0, fusedSteps(plan(g, List.of(fedAxes), Set.of(a, b, axes))), "axes fed");
        Output twiceNamed = tf.reduceSum(tf.matmul(a, b), new int[] {0, 1, -1});
        assertEquals(0, fusedSteps(plan(g, List.of(twiceNamed), feeds.keySet())), "an axis named twice");
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> s.run(List.of(twiceNamed), feeds));
            assertTrue(e.getMessage().contains("duplicate dimension"), e.getMessage());
        }
        Output sum64 = tf.reduceSum(tf.matmul(tf.cast(a, DType.FLOAT64), tf.cast(b, DType.FLOAT64)),
                new int[] {0, 1});
        assertEquals(0, fusedSteps(plan(g, List.of(sum64), feeds.keySet())), "float64");
    }

    @Test
    void theFusedStepWaitsForWhatTheOpsWaitedFor() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output counter = tf.variable(tf.constant(0f), "counter");
        Output bump = tf.assignAdd(counter, tf.constant(1f));
        Output a = tf.placeholder(DType.FLOAT32, Shape.of(8, 16), "a");
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(16, 32), "b");
        Output sum;
        try (var deps = tf.controlDependencies(List.of(bump))) {
            sum = tf.reduceSum(tf.matmul(a, b), new int[] {0, 1});
        }
        Map<Output, Tensor> feeds = Map.of(a, NnTestSupport.randomFloats(1, 8, 16),
                b, NnTestSupport.randomFloats(2, 16, 32));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            assertEquals(1, fusedSteps(s.describePlan(List.of(sum), feeds.keySet(), List.of())));
            s.run(List.of(sum), feeds);
            s.run(List.of(sum), feeds);
            assertEquals(2f, s.run(counter).floatValue(), "the counter's AssignAdd ran before each fused step");
        }
    }
}
