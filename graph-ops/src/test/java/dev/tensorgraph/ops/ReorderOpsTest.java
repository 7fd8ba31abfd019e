package dev.tensorgraph.ops;

import static dev.tensorgraph.ops.ArrayTestSupport.assertError;
import static dev.tensorgraph.ops.ArrayTestSupport.assertTensor;
import static dev.tensorgraph.ops.ArrayTestSupport.random;
import static dev.tensorgraph.ops.ArrayTestSupport.run;
import static dev.tensorgraph.ops.ArrayTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.array.PadOps;
import dev.tensorgraph.testing.GradientChecker;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MirrorPad (REFLECT, SYMMETRIC) and MirrorPadGrad, ReverseV2, Roll and ShapeN against index arithmetic written
 * out, for every dtype; gradients against finite differences; bad arguments.
 */
class ReorderOpsTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);

    /** Row-major multi-index of flat position {@code f}. */
    private static int[] position(int f, long[] dims) {
        int[] p = new int[dims.length];
        for (int k = dims.length - 1; k >= 0; k--) {
            p[k] = (int) (f % dims[k]);
            f /= (int) dims[k];
        }
        return p;
    }

    private static int flat(int[] p, long[] dims) {
        int f = 0;
        for (int k = 0; k < dims.length; k++) {
            f = f * (int) dims[k] + p[k];
        }
        return f;
    }

    /** The input position mirror padding reads for output position o (NumPy's reflect/symmetric definition). */
    private static int mirror(int o, int before, int size, boolean reflect) {
        int i = o - before;
        while (i < 0 || i >= size) {
            i = i < 0 ? (reflect ? -i : -i - 1) : (reflect ? 2 * (size - 1) - i : 2 * size - 1 - i);
        }
        return i;
    }

    @Test
    void mirrorPadMatchesTheDefinition() {
        long[] dims = {3, 4, 2};
        int[][] pads = {{2, 1}, {3, 3}, {0, 1}};
        for (String mode : List.of("REFLECT", "SYMMETRIC")) {
            for (DType t : ArrayTestSupport.ALL_TYPES) {
                Tensor x = random(41, t, dims);
                Output y = tf.pad(tf.constant(x), pads, mode.toLowerCase());
                assertEquals("MirrorPad", y.op().type());
                assertEquals(mode, y.op().attrString("mode"));
                long[] out = {6, 10, 3};
                assertEquals(Shape.of(out), y.shape());
                double[] src = values(x);
                double[] want = new double[180];
                for (int f = 0; f < 180; f++) {
                    int[] p = position(f, out);
                    int[] q = new int[3];
                    for (int k = 0; k < 3; k++) {
                        q[k] = mirror(p[k], pads[k][0], (int) dims[k], mode.equals("REFLECT"));
                    }
                    want[f] = src[flat(q, dims)];
                }
                assertTensor(ArrayTestSupport.of(t, Shape.of(out), want), run(g, y), "MirrorPad " + mode + " " + t);
            }
        }
    }

    @Test
    void mirrorPadGradFoldsBackAndBothGradientsMatchFiniteDifferences() {
        long[] dims = {3, 4};
        int[][] pads = {{2, 1}, {1, 3}};
        Tensor dy = random(42, DType.FLOAT64, 6, 8);
        for (String mode : List.of("REFLECT", "SYMMETRIC")) {
            Output grad = PadOps.mirrorPadGrad(g, tf.constant(dy), tf.constant(pads), mode, null);
            assertEquals(Shape.of(dims), grad.shape());
            double[] want = new double[12];
            double[] d = values(dy);
            for (int f = 0; f < 48; f++) {
                int[] p = position(f, new long[] {6, 8});
                want[mirror(p[0], 2, 3, mode.equals("REFLECT")) * 4 + mirror(p[1], 1, 4, mode.equals("REFLECT"))] += d[f];
            }
            assertTensor(Tensor.of(DType.FLOAT64, Shape.of(dims), want), run(g, grad), "MirrorPadGrad " + mode);
            GradientChecker.check((tf, x) -> tf.pad(x.get(0), pads, mode), GradientChecker.random(43, -1, 1, dims));
            GradientChecker.check((tf, x) -> PadOps.mirrorPadGrad(tf.graph(), x.get(0), tf.constant(pads), mode, null),
                    GradientChecker.random(44, -1, 1, 6, 8));
        }
        Output pad = tf.pad(tf.constant(new float[] {1, 2, 3}), new int[][] {{1, 1}}, "CONSTANT");
        assertEquals("Pad", pad.op().type());
    }

    @Test
    void mirrorPadRejectsPaddingsTooLarge() {
        Output x = tf.constant(new float[][] {{1, 2}, {3, 4}, {5, 6}});
        assertError(InvalidArgumentException.class, () -> tf.pad(x, new int[][] {{3, 0}, {0, 0}}, "REFLECT"),
                "MirrorPad op", "paddings must be less than the dimension size: 3, 0 not less than 3");
        assertError(InvalidArgumentException.class, () -> tf.pad(x, new int[][] {{0, 0}, {0, 3}}, "SYMMETRIC"),
                "MirrorPad op", "paddings must be no greater than the dimension size: 0, 3 greater than 2");
        assertError(InvalidArgumentException.class, () -> tf.pad(x, new int[][] {{0, 0}}, "SYMMETRIC"),
                "MirrorPad op", "The first dimension of paddings must be the rank of inputs");
        assertError(InvalidArgumentException.class, () -> tf.pad(x, new int[][] {{0, 0}, {0, 0}}, "WRAP"),
                "mode", "WRAP");
        Output fed = tf.placeholder(DType.INT32, Shape.of(2, 2), "paddings");
        Output y = PadOps.mirrorPad(g, x, fed, "REFLECT", null);
        assertError(InvalidArgumentException.class, () -> {
            try (var s = new dev.tensorgraph.Session(g, dev.tensorgraph.SessionOptions.cpuOnly())) {
                s.run(y, java.util.Map.of(fed, Tensor.of(new int[][] {{-1, 0}, {0, 0}})));
            }
        }, "paddings must be non-negative: -1 0", "MirrorPad");
    }

    @Test
    void reverseAndRollMoveEveryDtype() {
        long[] dims = {3, 4, 2};
        for (DType t : ArrayTestSupport.ALL_TYPES) {
            Tensor x = random(45, t, dims);
            double[] src = values(x);
            Output rev = tf.reverse(tf.constant(x), new int[] {0, -1});
            Output roll = tf.roll(tf.constant(x), new int[] {1, -6, 3}, new int[] {0, 1, 1});
            List<Tensor> got = run(g, List.of(rev, roll));
            double[] wantRev = new double[24];
            double[] wantRoll = new double[24];
            for (int f = 0; f < 24; f++) {
                int[] p = position(f, dims);
                wantRev[flat(new int[] {2 - p[0], p[1], 1 - p[2]}, dims)] = src[f];
                // shifts on axis 1 add up: -6 + 3 = -3, i.e. +1 modulo 4
                wantRoll[flat(new int[] {(p[0] + 1) % 3, (p[1] + 1) % 4, p[2]}, dims)] = src[f];
            }
            assertTensor(ArrayTestSupport.of(t, Shape.of(dims), wantRev), got.get(0), "ReverseV2 " + t);
            assertTensor(ArrayTestSupport.of(t, Shape.of(dims), wantRoll), got.get(1), "Roll " + t);
        }
        Output scalarRoll = tf.roll(tf.constant(new int[] {1, 2, 3, 4}), -5, 0);
        assertEquals(List.of("Roll_6/shift", "Roll_6/axis"), List.of(scalarRoll.op().input(1).op().name(),
                scalarRoll.op().input(2).op().name()));
        assertTensor(Tensor.of(new int[] {2, 3, 4, 1}), run(g, scalarRoll), "scalar roll");
        Output none = tf.reverse(tf.constant(new int[] {1, 2}), new int[0]);
        assertTensor(Tensor.of(new int[] {1, 2}), run(g, none), "no axes");
    }

    @Test
    void reverseAndRollGradientsAndErrors() {
        Tensor x = GradientChecker.random(46, -1, 1, 3, 4);
        GradientChecker.check((tf, in) -> tf.reverse(in.get(0), new int[] {1}), x);
        GradientChecker.check((tf, in) -> tf.roll(in.get(0), new int[] {2, -1}, new int[] {0, 1}), x);
        Output c = tf.constant(new float[][] {{1, 2}, {3, 4}});
        assertError(InvalidArgumentException.class, () -> tf.reverse(c, new int[] {1, 1}), "ReverseV2 op",
                "axis 1 specified more than once");
        assertError(InvalidArgumentException.class, () -> tf.reverse(c, new int[] {2}), "ReverseV2 op",
                "'axis'[0] = 2 is out of valid range");
        assertError(InvalidArgumentException.class, () -> tf.roll(c, new int[] {1, 2}, new int[] {0}), "Roll op",
                "shift and axis must have the same size");
        assertError(InvalidArgumentException.class, () -> tf.roll(c, 1, 2), "Roll op", "axis 2 is out of range");
        Output axis = tf.placeholder(DType.INT32, Shape.of(1), "axis");
        Output y = tf.roll(c, tf.constant(new int[] {1}), axis, null);
        assertError(InvalidArgumentException.class, () -> {
            try (var s = new dev.tensorgraph.Session(g, dev.tensorgraph.SessionOptions.cpuOnly())) {
                s.run(y, java.util.Map.of(axis, Tensor.of(new int[] {-3})));
            }
        }, "axis -3 is out of range", "Roll");
    }

    @Test
    void shapeNGivesEachShape() {
        Output a = tf.placeholder(DType.FLOAT32, Shape.of(-1, 3), "a");
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(5), "b");
        List<Output> shapes = tf.shapeN(List.of(a, b), DType.INT64, null);
        assertEquals("ShapeN", shapes.get(0).op().name());
        assertEquals(Shape.of(2), shapes.get(0).shape());
        assertEquals(DType.INT64, shapes.get(1).dtype());
        try (var s = new dev.tensorgraph.Session(g, dev.tensorgraph.SessionOptions.cpuOnly())) {
            List<Tensor> r = s.run(shapes, java.util.Map.of(a, Tensor.zeros(DType.FLOAT32, Shape.of(7, 3)),
                    b, Tensor.zeros(DType.FLOAT32, Shape.of(5))));
            assertTensor(Tensor.of(new long[] {7, 3}), r.get(0), "shape of a");
            assertTensor(Tensor.of(new long[] {5}), r.get(1), "shape of b");
        }
        assertError(InvalidArgumentException.class, () -> tf.shapeN(List.of(a, tf.constant(new int[] {1}))), "ShapeN op",
                "one dtype");
    }
}
