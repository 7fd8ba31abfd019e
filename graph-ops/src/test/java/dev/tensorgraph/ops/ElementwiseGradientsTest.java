package dev.tensorgraph.ops;

import static dev.tensorgraph.testing.GradientChecker.check;
import static dev.tensorgraph.testing.GradientChecker.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Numeric gradient checks (float64 central differences) of every differentiable elementwise op, including
 * broadcasting in both directions, scalars, and the second derivatives through the fused gradient ops.
 * Inputs stay away from kinks (abs, relu, max/min) and from non-positive bases (log, sqrt, pow).
 */
class ElementwiseGradientsTest {
    private static Tensor t(long[] shape, double... v) {
        return Tensor.of(DType.FLOAT64, Shape.of(shape), v);
    }

    private static long[] s(long... d) {
        return d;
    }

    private static final Tensor M23 = random(1, -1, 1, 2, 3);
    private static final Tensor V3 = random(2, -1, 1, 3);
    private static final Tensor C21 = random(3, -1, 1, 2, 1);
    private static final Tensor R13 = random(4, -1, 1, 1, 3);
    private static final Tensor SCALAR = random(5, -1, 1);
    private static final Tensor POS23 = random(6, 0.5, 2, 2, 3);
    private static final Tensor POS3 = random(7, 0.5, 2, 3);
    private static final Tensor POS21 = random(8, 0.5, 2, 2, 1);

    @Test
    void addAndSubtract() {
        check((tf, x) -> tf.add(x.get(0), x.get(1)), M23, V3);
        check((tf, x) -> tf.add(x.get(0), x.get(1)), C21, R13);
        check((tf, x) -> tf.addV2(x.get(0), x.get(1)), SCALAR, M23);
        check((tf, x) -> tf.subtract(x.get(0), x.get(1)), M23, V3);
        check((tf, x) -> tf.subtract(x.get(0), x.get(1)), SCALAR, C21);
        check((tf, x) -> tf.add(x.get(0), 2.0), M23);
    }

    @Test
    void multiplyAndDivide() {
        check((tf, x) -> tf.multiply(x.get(0), x.get(1)), M23, V3);
        check((tf, x) -> tf.multiply(x.get(0), x.get(1)), C21, R13);
        check((tf, x) -> tf.multiply(x.get(0), x.get(1)), M23, SCALAR);
        check((tf, x) -> tf.realdiv(x.get(0), x.get(1)), M23, POS3);
        check((tf, x) -> tf.divide(x.get(0), x.get(1)), M23, POS21);
        check((tf, x) -> tf.graph().opBuilder("Div", null).addInput(x.get(0)).addInput(x.get(1)).build().output(0), V3, POS23);
    }

    @Test
    void modsAwayFromJumps() {
        Tensor x = random(11, 2.2, 2.8, 2, 3);
        Tensor y = random(12, 1.0, 1.05, 3);
        check((tf, in) -> tf.floormod(in.get(0), in.get(1)), x, y);
        check((tf, in) -> tf.graph().opBuilder("Mod", null).addInput(in.get(0)).addInput(in.get(1)).build().output(0), x, y);
    }

    @Test
    void pow() {
        check((tf, x) -> tf.pow(x.get(0), x.get(1)), POS23, V3);
        check((tf, x) -> tf.pow(x.get(0), x.get(1)), POS21, R13);
        check((tf, x) -> tf.pow(x.get(0), 3.0), M23);
    }

    @Test
    void maximumMinimumAndSquaredDifference() {
        // |x - y| >= 0.1 everywhere: no ties.
        Tensor x = t(s(2, 3), 0.5, -0.3, 1.2, -1.0, 0.9, 0.0);
        Tensor y = t(s(3), 0.2, 0.4, 1.5);
        check((tf, in) -> tf.maximum(in.get(0), in.get(1)), x, y);
        check((tf, in) -> tf.minimum(in.get(0), in.get(1)), x, y);
        check((tf, in) -> tf.maximum(in.get(0), 0.25), x);
        check((tf, in) -> tf.squaredDifference(in.get(0), in.get(1)), M23, V3);
        check((tf, in) -> tf.squaredDifference(in.get(0), in.get(1)), C21, R13);
    }

    @Test
    void unaryFunctions() {
        Tensor awayFromZero = t(s(2, 3), -0.9, -0.4, 0.3, 0.7, -0.2, 1.1);
        check((tf, x) -> tf.square(x.get(0)), M23);
        check((tf, x) -> tf.sqrt(x.get(0)), POS23);
        check((tf, x) -> tf.rsqrt(x.get(0)), POS23);
        check((tf, x) -> tf.exp(x.get(0)), M23);
        check((tf, x) -> tf.log(x.get(0)), POS23);
        check((tf, x) -> tf.log1p(x.get(0)), POS23);
        check((tf, x) -> tf.abs(x.get(0)), awayFromZero);
        check((tf, x) -> tf.negative(x.get(0)), M23);
        check((tf, x) -> tf.sign(x.get(0)), awayFromZero);
        check((tf, x) -> tf.reciprocal(x.get(0)), POS23);
        check((tf, x) -> tf.graph().opBuilder("Inv", null).addInput(x.get(0)).build().output(0), POS23);
        check((tf, x) -> tf.sigmoid(x.get(0)), M23);
        check((tf, x) -> tf.tanh(x.get(0)), M23);
        check((tf, x) -> tf.relu(x.get(0)), awayFromZero);
    }

    @Test
    void secondDerivativesThroughFusedGradientOps() {
        Tensor w = random(21, -1, 1, 2, 3);
        check((tf, x) -> tf.gradients(List.of(tf.sigmoid(x.get(0))), List.of(x.get(0)), List.of(x.get(1)), null).get(0), M23, w);
        check((tf, x) -> tf.gradients(List.of(tf.tanh(x.get(0))), List.of(x.get(0)), List.of(x.get(1)), null).get(0), M23, w);
        check((tf, x) -> tf.gradients(List.of(tf.sqrt(x.get(0))), List.of(x.get(0)), List.of(x.get(1)), null).get(0), POS23, w);
        check((tf, x) -> tf.gradients(List.of(tf.rsqrt(x.get(0))), List.of(x.get(0)), List.of(x.get(1)), null).get(0), POS23, w);
        check((tf, x) -> tf.gradients(List.of(tf.reciprocal(x.get(0))), List.of(x.get(0)), List.of(x.get(1)), null).get(0),
                POS23, w);
        Tensor awayFromZero = t(s(2, 3), -0.9, -0.4, 0.3, 0.7, -0.2, 1.1);
        // ReluGrad's gradient flows to the incoming gradient only.
        check((tf, x) -> tf.gradients(List.of(tf.relu(x.get(0))), List.of(x.get(0)), List.of(x.get(1)), null).get(0),
                awayFromZero, w);
    }

    @Test
    void selectsAddNAndCast() {
        Tensor awayFromZero = t(s(2, 3), -0.9, -0.4, 0.3, 0.7, -0.2, 1.1);
        check((tf, x) -> tf.where(tf.greater(x.get(0), 0.0), x.get(0), tf.multiply(x.get(1), x.get(0))), awayFromZero, M23);
        check((tf, x) -> tf.whereV2(tf.greater(x.get(0), 0.0), x.get(0), x.get(1)), awayFromZero, V3);
        check((tf, x) -> tf.whereV2(tf.greater(x.get(0), 0.0), x.get(1), x.get(0)), awayFromZero, SCALAR);
        check((tf, x) -> tf.addN(List.of(x.get(0), x.get(1), tf.multiply(x.get(0), x.get(1)))), M23, random(9, -1, 1, 2, 3));
        // Cast passes the gradient back in the source dtype; to or from an integer there is none.
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT64, Shape.of(3), "x");
        Output y = tf.multiply(tf.cast(x, DType.FLOAT32), tf.constant(new float[] {1, 2, 3}));
        Output dx = tf.gradients(List.of(y), List.of(x), List.of(tf.constant(new float[] {1, 1, 1})), null).get(0);
        assertEquals(DType.FLOAT64, dx.dtype());
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertArrayEquals(new double[] {1, 2, 3}, s.run(dx, Map.of(x, Tensor.of(new double[] {5, 6, 7}))).doubles());
        }
        Output z = tf.cast(tf.cast(x, DType.INT32), DType.FLOAT64);
        assertNull(tf.gradients(List.of(z), List.of(x)).get(0));
    }

    @Test
    void roundingAndComparisonsPassNoGradient() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT64, Shape.of(3), "x");
        assertNull(tf.gradients(List.of(tf.floor(x)), List.of(x)).get(0));
        assertNull(tf.gradients(List.of(tf.round(x)), List.of(x)).get(0));
        assertNull(tf.gradients(List.of(tf.cast(tf.less(x, 1.0), DType.FLOAT64)), List.of(x)).get(0));
    }

    @Test
    void unknownShapesUseBroadcastGradientArgs() {
        // Placeholders of unknown shape: the reduction axes are computed in the graph.
        check((tf, x) -> {
            Output a = tf.graph().opBuilder("PlaceholderWithDefault", null).addInput(x.get(0)).setAttr("dtype", DType.FLOAT64)
                    .setAttr("shape", Shape.unknown()).build().output(0);
            Output b = tf.graph().opBuilder("PlaceholderWithDefault", null).addInput(x.get(1)).setAttr("dtype", DType.FLOAT64)
                    .setAttr("shape", Shape.of(-1)).build().output(0);
            return tf.multiply(a, b);
        }, M23, V3);
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output a = tf.placeholder(DType.FLOAT64, Shape.unknown(), "a");
        Output b = tf.placeholder(DType.FLOAT64, Shape.unknown(), "b");
        Output ga = tf.gradients(List.of(tf.add(a, b)), List.of(a)).get(0);
        boolean usesArgs = g.operations().stream().anyMatch(op -> op.type().equals("BroadcastGradientArgs"));
        assertEquals(true, usesArgs);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            Tensor r = s.run(ga, Map.of(a, Tensor.of(new double[][] {{1}, {2}}), b, Tensor.of(new double[] {1, 2, 3})));
            assertEquals(Shape.of(2, 1), r.shape());
            assertArrayEquals(new double[] {3, 3}, r.doubles());
        }
    }
}
