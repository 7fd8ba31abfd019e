package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TF1 initializers: op names inside {@code v/Initializer}, fans, and the scale of what they draw. */
class InitializersTest {
    @BeforeAll
    static void math() {
        RandomOpsTest.MathShim.ensure();
    }

    private static double[] initialValue(Graph g, Variable v) {
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(v.initializer());
            return s.variableValue(v).toDoubles();
        }
    }

    @Test
    void defaultFloatInitializerIsGlorotUniformNamedAsTensorFlow() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable w = tf.getVariable("w", Shape.of(3, 4), (Initializer) null);
        List<String> names = new ArrayList<>();
        for (Operation op : g.operations()) {
            names.add(op.name());
        }
        assertEquals(List.of("w/Initializer/random_uniform/shape", "w/Initializer/random_uniform/min",
                "w/Initializer/random_uniform/max", "w/Initializer/random_uniform/RandomUniform",
                "w/Initializer/random_uniform/sub", "w/Initializer/random_uniform/mul", "w/Initializer/random_uniform",
                "w", "w/Assign", "w/read"), names);
        double limit = Math.sqrt(6.0 / 7);
        assertEquals((float) -limit, g.operation("w/Initializer/random_uniform/min").attrTensor("value").floatValue());
        assertEquals((float) limit, g.operation("w/Initializer/random_uniform/max").attrTensor("value").floatValue());
        for (double v : initialValue(g, w)) {
            assertTrue(Math.abs(v) <= limit, v + " outside the Glorot bound");
        }
        Variable n = tf.getVariable("n", Shape.of(2), DType.INT32, null);
        assertArrayEquals(new double[] {0, 0}, initialValue(g, n));
    }

    @Test
    void glorotUniformBoundsAndVariance() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable w = tf.getVariable("w", Shape.of(200, 300), Initializers.glorotUniform(5L));
        double limit = Math.sqrt(6.0 / 500);
        double[] v = initialValue(g, w);
        for (double x : v) {
            assertTrue(Math.abs(x) <= limit);
        }
        assertEquals(0, RandomOpsTest.mean(v), 0.002);
        assertEquals(limit / Math.sqrt(3), RandomOpsTest.std(v), 0.02 * limit);
    }

    @Test
    void heNormalOnAConvKernelUsesTheReceptiveField() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable k = tf.getVariable("k", Shape.of(3, 3, 16, 64), DType.FLOAT64, Initializers.heNormal(1L));
        assertTrue(g.operation("k/Initializer/truncated_normal/TruncatedNormal") != null);
        double stddev = Math.sqrt(2.0 / (3 * 3 * 16));
        assertEquals(stddev / 0.87962566103423978,
                g.operation("k/Initializer/truncated_normal/stddev").attrTensor("value").doubleValue(), 1e-12);
        double[] v = initialValue(g, k);
        for (double x : v) {
            assertTrue(Math.abs(x) < 2 * stddev / 0.87962566103423978);
        }
        assertEquals(stddev, RandomOpsTest.std(v), 0.03 * stddev);
    }

    @Test
    void varianceScalingModesAndDistributions() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable a = tf.getVariable("a", Shape.of(100, 400),
                Initializers.varianceScaling(3.0, "fan_out", "untruncated_normal", 2L));
        Variable b = tf.getVariable("b", Shape.of(400, 100), Initializers.heUniform(3L));
        Variable c = tf.getVariable("c", Shape.of(300, 100), Initializers.glorotNormal(4L));
        assertTrue(g.operation("a/Initializer/random_normal/RandomStandardNormal") != null);
        assertEquals(Math.sqrt(3.0 / 400), RandomOpsTest.std(initialValue(g, a)), 0.03 * Math.sqrt(3.0 / 400));
        double lim = Math.sqrt(6.0 / 400);
        double[] bv = initialValue(g, b);
        for (double x : bv) {
            assertTrue(Math.abs(x) <= lim);
        }
        assertEquals(lim / Math.sqrt(3), RandomOpsTest.std(bv), 0.03 * lim);
        assertEquals(Math.sqrt(2.0 / 400), RandomOpsTest.std(initialValue(g, c)), 0.03 * Math.sqrt(2.0 / 400));
    }

    @Test
    void fansFollowComputeFans() {
        assertArrayEquals(new double[] {1, 1}, dev.tensorgraph.ops.state.Initializers.fans(Shape.scalar()));
        assertArrayEquals(new double[] {5, 5}, dev.tensorgraph.ops.state.Initializers.fans(Shape.of(5)));
        assertArrayEquals(new double[] {3, 4}, dev.tensorgraph.ops.state.Initializers.fans(Shape.of(3, 4)));
        assertArrayEquals(new double[] {5 * 5 * 3, 5 * 5 * 8}, dev.tensorgraph.ops.state.Initializers.fans(Shape.of(5, 5, 3, 8)));
    }

    @Test
    void plainRandomInitializersAreSeededAndNamed() {
        double[][] runs = new double[2][];
        for (int r = 0; r < 2; r++) {
            Graph g = new Graph();
            Tf tf = Tf.of(g);
            Variable v = tf.getVariable("v", Shape.of(1000), Initializers.randomNormal(1.0, 0.1, 9L));
            assertTrue(g.operation("v/Initializer/random_normal") != null);
            runs[r] = initialValue(g, v);
        }
        assertArrayEquals(runs[0], runs[1]);
        assertEquals(1.0, RandomOpsTest.mean(runs[0]), 0.02);

        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Variable t = tf.getVariable("t", Shape.of(1000), Initializers.truncatedNormal(0, 2, 1L));
        Variable u = tf.getVariable("u", Shape.of(1000), DType.INT32, Initializers.randomUniform(-5, 5, 1L));
        for (double x : initialValue(g, t)) {
            assertTrue(Math.abs(x) < 4);
        }
        assertEquals("RandomUniformInt", g.operation("u/Initializer/random_uniform").type());
        for (double x : initialValue(g, u)) {
            assertTrue(x >= -5 && x < 5);
        }
        Variable z = tf.getVariable("z", Shape.of(2), Initializers.ones());
        assertArrayEquals(new double[] {1, 1}, initialValue(g, z));
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertThrows(InvalidArgumentException.class, () -> Initializers.varianceScaling(1, "fan_sum", "uniform", null));
        assertThrows(InvalidArgumentException.class, () -> Initializers.varianceScaling(0, "fan_in", "uniform", null));
        assertThrows(InvalidArgumentException.class, () -> Initializers.varianceScaling(1, "fan_in", "gamma", null));
        Tf tf = Tf.of(new Graph());
        assertThrows(InvalidArgumentException.class,
                () -> tf.getVariable("i", Shape.of(2), DType.INT32, Initializers.glorotUniform()));
    }
}
