package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static dev.tensorgraph.cuda.GpuTestSupport.awayFromZero;
import static dev.tensorgraph.cuda.GpuTestSupport.bools;
import static dev.tensorgraph.cuda.GpuTestSupport.compare;
import static dev.tensorgraph.cuda.GpuTestSupport.feeds;
import static dev.tensorgraph.cuda.GpuTestSupport.ints;
import static dev.tensorgraph.cuda.GpuTestSupport.uniform;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.cuda.GpuTestSupport.Tolerance;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every elementwise GPU kernel against the CPU kernel on random inputs, same shape, broadcast and scalar
 * operands, forward and gradient. Tolerances: IEEE-exact ops (add, sub, mul, neg, max, min, square, relu,
 * relu6, comparisons, logic, select, cast) must match exactly; division, roots and transcendental functions
 * within 1e-6 relative + 1e-6 absolute (a few ulp of CUDA's libdevice); gradients, which chain several ops and
 * sum over broadcast dimensions, within 1e-5 relative + 1e-5 absolute.
 */
class ElementwiseGpuTest {
    private static final Tolerance EXACT = Tolerance.exact();
    private static final Tolerance TRANSCENDENTAL = Tolerance.relative(1e-6, 1e-6);
    private static final Tolerance GRADIENT = Tolerance.relative(1e-5, 1e-5);

    private static final long[][][] BINARY_SHAPES = {
            {{3, 4, 5}, {3, 4, 5}},
            {{4, 1, 5}, {3, 1}},
            {{2, 3}, {}},
            {{}, {7, 2}},
            {{2, 1, 3, 1, 4}, {1, 5, 1, 6, 1}},
    };

    private final Random random = new Random(20240601);

    /** Builds {@code type(x, y)} on fed x and y and compares it and (when {@code grad}) dz/dx, dz/dy. */
    private void binary(String type, Tensor xv, Tensor yv, Tolerance tol, boolean grad) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(xv.dtype(), xv.shape(), "x");
        Output y = tf.placeholder(yv.dtype(), yv.shape(), "y");
        Output z = tf.graph().opBuilder(type, type.toLowerCase()).addInput(x).addInput(y).build().output(0);
        compare(g, feeds(x, xv, y, yv), tol, z);
        if (grad) {
            gradient(g, tf, z, List.of(x, y), feeds(x, xv, y, yv));
        }
    }

    private void unary(String type, Tensor xv, Tolerance tol, boolean grad) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(xv.dtype(), xv.shape(), "x");
        Output z = tf.graph().opBuilder(type, type.toLowerCase()).addInput(x).build().output(0);
        compare(g, feeds(x, xv), tol, z);
        if (grad) {
            gradient(g, tf, z, List.of(x), feeds(x, xv));
        }
    }

    /** d(sum(z * r))/dx for a fed random r, so each gradient element carries its own weight. */
    private void gradient(Graph g, Tf tf, Output z, List<Output> xs, java.util.Map<Output, Tensor> feeds) {
        Tensor rv = uniform(random, -1, 1, z.shape().dims());
        Output r = tf.placeholder(DType.FLOAT32, z.shape(), "upstream");
        List<Output> grads = tf.gradients(tf.reduceSum(tf.multiply(z, r)), xs);
        feeds.put(r, rv);
        compare(g, feeds, GRADIENT, grads.toArray(new Output[0]));
    }

    @Test
    void exactArithmeticWithBroadcasting() {
        assumeGpu();
        for (String type : new String[] {"Add", "AddV2", "Sub", "Mul", "Maximum", "Minimum"}) {
            for (long[][] s : BINARY_SHAPES) {
                binary(type, uniform(random, -3, 3, s[0]), uniform(random, -3, 3, s[1]), EXACT, true);
            }
        }
    }

    @Test
    void divisionWithinAFewUlp() {
        assumeGpu();
        for (long[][] s : BINARY_SHAPES) {
            binary("RealDiv", uniform(random, -3, 3, s[0]), awayFromZero(random, 0.25, 4, s[1]), TRANSCENDENTAL, true);
        }
    }

    @Test
    void divNoNanGivesZeroWhereTheDivisorIsZero() {
        assumeGpu();
        Tensor y = awayFromZero(random, 0.25, 4, 6, 5);
        float[] v = y.floats();
        for (int i = 0; i < v.length; i += 3) {
            v[i] = 0f;
        }
        binary("DivNoNan", uniform(random, -3, 3, 6, 5), y, TRANSCENDENTAL, false);
        binary("DivNoNan", uniform(random, -3, 3, 6, 5), Tensor.of(DType.FLOAT32, Shape.of(5), new float[] {0, 1, 0, -2, 0.5f}),
                TRANSCENDENTAL, false);
    }

    @Test
    void exactUnaryOps() {
        assumeGpu();
        for (String type : new String[] {"Neg", "Square", "Relu", "Relu6", "Identity"}) {
            unary(type, uniform(random, -8, 8, 5, 7, 3), EXACT, true);
        }
    }

    @Test
    void transcendentalUnaryOps() {
        assumeGpu();
        for (String type : new String[] {"Exp", "Tanh", "Sigmoid", "Elu"}) {
            unary(type, uniform(random, -4, 4, 6, 33), TRANSCENDENTAL, true);
        }
        for (String type : new String[] {"Sqrt", "Rsqrt", "Log"}) {
            unary(type, uniform(random, 0.05, 9, 6, 33), TRANSCENDENTAL, true);
        }
    }

    @Test
    void reluGradMasksBySignOfTheFeatures() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output dy = tf.placeholder(DType.FLOAT32, Shape.of(9, 11), "dy");
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(9, 11), "features");
        Output grad = tf.graph().opBuilder("ReluGrad", "relu_grad").addInput(dy).addInput(x).build().output(0);
        compare(g, feeds(dy, uniform(random, -1, 1, 9, 11), x, uniform(random, -1, 1, 9, 11)), EXACT, grad);
    }

    @Test
    void comparisonsGiveBooleans() {
        assumeGpu();
        for (String type : new String[] {"Equal", "NotEqual", "Greater", "GreaterEqual", "Less", "LessEqual"}) {
            for (long[][] s : BINARY_SHAPES) {
                // Small integers as floats, so equal pairs are common.
                Tensor x = ints(random, -2, 3, DType.INT32, s[0]);
                Tensor y = ints(random, -2, 3, DType.INT32, s[1]);
                binary(type, toFloat(x), toFloat(y), EXACT, false);
            }
        }
        binary("Equal", ints(random, 0, 4, DType.INT32, 64), ints(random, 0, 4, DType.INT32, 64), EXACT, false);
        binary("NotEqual", ints(random, 0, 4, DType.INT32, 64), ints(random, 0, 4, DType.INT32, 64), EXACT, false);
    }

    @Test
    void logicalOps() {
        assumeGpu();
        binary("LogicalAnd", bools(random, 4, 6), bools(random, 4, 6), EXACT, false);
        binary("LogicalOr", bools(random, 4, 6), bools(random, 1, 6), EXACT, false);
        unary("LogicalNot", bools(random, 37), EXACT, false);
    }

    @Test
    void selectAndSelectV2() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output c = tf.placeholder(DType.BOOL, Shape.of(4, 5), "c");
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(4, 5), "x");
        Output y = tf.placeholder(DType.FLOAT32, Shape.of(4, 5), "y");
        Output sel = tf.where(c, x, y, "select");
        Output cb = tf.placeholder(DType.BOOL, Shape.of(4, 1), "cb");
        Output yb = tf.placeholder(DType.FLOAT32, Shape.of(1, 5), "yb");
        Output selV2 = tf.whereV2(cb, x, yb, "select_v2");
        Output r = tf.placeholder(DType.FLOAT32, Shape.of(4, 5), "r");
        List<Output> grads = tf.gradients(tf.reduceSum(tf.multiply(tf.add(sel, selV2), r)), List.of(x, y, yb));
        var f = feeds(c, bools(random, 4, 5), x, uniform(random, -1, 1, 4, 5), y, uniform(random, -1, 1, 4, 5),
                cb, bools(random, 4, 1), yb, uniform(random, -1, 1, 1, 5), r, uniform(random, -1, 1, 4, 5));
        compare(g, f, EXACT, sel, selV2);
        compare(g, f, GRADIENT, grads.toArray(new Output[0]));
    }

    @Test
    void castsBetweenFloatIntegersAndBool() {
        assumeGpu();
        Tensor f = uniform(random, -50, 50, 7, 9);
        f.floats()[0] = 0f;
        f.floats()[1] = -0.5f;
        f.floats()[2] = 2.999f;
        for (DType to : new DType[] {DType.INT32, DType.INT64, DType.BOOL}) {
            cast(f, to);
        }
        cast(ints(random, -1000, 1000, DType.INT32, 33), DType.FLOAT32);
        cast(ints(random, -1000, 1000, DType.INT64, 33), DType.FLOAT32);
        cast(ints(random, -1000, 1000, DType.INT32, 33), DType.INT64);
        cast(ints(random, -1000, 1000, DType.INT64, 33), DType.INT32);
        cast(bools(random, 33), DType.FLOAT32);
    }

    private void cast(Tensor value, DType to) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(value.dtype(), value.shape(), "x");
        compare(g, feeds(x, value), EXACT, tf.cast(x, to, "cast_to_" + to.name().toLowerCase()));
    }

    @Test
    void addNOfSeveralTensors() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output a = tf.placeholder(DType.FLOAT32, Shape.of(8, 16), "a");
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(8, 16), "b");
        Output c = tf.placeholder(DType.FLOAT32, Shape.of(8, 16), "c");
        Output two = tf.addN(List.of(a, b), "add_two");
        Output three = tf.addN(List.of(a, b, c), "add_three");
        compare(g, feeds(a, uniform(random, -1, 1, 8, 16), b, uniform(random, -1, 1, 8, 16),
                c, uniform(random, -1, 1, 8, 16)), Tolerance.relative(1e-6, 1e-7), two, three);
    }

    @Test
    void largeTensorsCoverEveryElement() {
        assumeGpu();
        long n = (1L << 22) + 7;
        binary("Add", uniform(random, -1, 1, n), uniform(random, -1, 1, 1), EXACT, false);
        binary("Mul", uniform(random, -1, 1, 1 << 11, (1 << 11) + 3), uniform(random, -1, 1, (1 << 11) + 3), EXACT, false);
        unary("Tanh", uniform(random, -3, 3, n), TRANSCENDENTAL, false);
    }

    private static Tensor toFloat(Tensor ints) {
        int[] v = ints.ints();
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = v[i];
        }
        return Tensor.of(DType.FLOAT32, ints.shape(), f);
    }
}
