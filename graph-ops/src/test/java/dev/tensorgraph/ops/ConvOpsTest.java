package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.testing.GradientChecker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConvOpsTest {
    @Test
    void shapeInference() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 28, 28, 1));
        Output w = tf.placeholder(DType.FLOAT32, Shape.of(3, 3, 1, 16));
        assertEquals(Shape.of(-1, 26, 26, 16), tf.nn.conv2d(x, w, new int[] {1, 1, 1, 1}, "VALID").shape());
        assertEquals(Shape.of(-1, 14, 14, 16), tf.nn.conv2d(x, w, new int[] {1, 2, 2, 1}, "SAME").shape());
        assertEquals(Shape.of(-1, 24, 24, 16), tf.nn.conv2d(x, w, new int[] {1, 1, 1, 1}, "VALID", "NHWC",
                new int[] {1, 2, 2, 1}, null).shape());
        Output xc = tf.placeholder(DType.FLOAT32, Shape.of(8, 3, 224, 224));
        Output w11 = tf.placeholder(DType.FLOAT32, Shape.of(11, 11, 3, 64));
        assertEquals(Shape.of(8, 64, 55, 55), tf.nn.conv2d(xc, w11, new int[] {1, 1, 4, 4}, new int[][] {{2, 2}, {2, 2}},
                "NCHW", null).shape());
        Output c = tf.nn.conv2d(x, w, new int[] {1, 1, 1, 1}, "VALID");
        assertEquals("Conv2D", c.op().type());
        assertEquals("NHWC", c.op().attrString("data_format"));
        assertTrue(c.op().attrBool("use_cudnn_on_gpu"));
        Output t = tf.nn.conv2dTranspose(tf.placeholder(DType.FLOAT32, Shape.of(2, 14, 14, 16)),
                tf.placeholder(DType.FLOAT32, Shape.of(3, 3, 1, 16)), new int[] {2, 28, 28, 1}, new int[] {1, 2, 2, 1}, "SAME");
        assertEquals(Shape.of(2, 28, 28, 1), t.shape());
        assertEquals("conv2d_transpose", t.op().name());
    }

    @Test
    void buildErrorsNameOpAndShapes() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(1, 5, 5, 3));
        Output w = tf.placeholder(DType.FLOAT32, Shape.of(3, 3, 2, 4));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> tf.nn.conv2d(x, w, new int[] {1, 1, 1, 1}, "SAME"));
        assertTrue(e.getMessage().contains("Conv2D") && e.getMessage().contains("[1,5,5,3]")
                && e.getMessage().contains("[3,3,2,4]"), e.getMessage());
        Output big = tf.placeholder(DType.FLOAT32, Shape.of(7, 7, 3, 4));
        e = assertThrows(InvalidArgumentException.class, () -> tf.nn.conv2d(x, big, new int[] {1, 1, 1, 1}, "VALID"));
        assertTrue(e.getMessage().contains("Conv2D"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> tf.nn.conv2d(x, tf.placeholder(DType.FLOAT32, Shape.of(3, 3, 3)),
                new int[] {1, 1, 1, 1}, "SAME"));
        assertThrows(InvalidArgumentException.class, () -> tf.nn.conv2d(x, big, new int[] {2, 1, 1, 1}, "SAME"));
    }

    /** Plain nested-loop conv in double, NHWC, with TensorFlow's SAME padding split. */
    static double[] naiveConv(Tensor xt, Tensor ft, int sh, int sw, int dh, int dw, boolean same) {
        int[] xd = xt.shape().intDims();
        int[] fd = ft.shape().intDims();
        double[] x = xt.toDoubles();
        double[] f = ft.toDoubles();
        int ekh = (fd[0] - 1) * dh + 1;
        int ekw = (fd[1] - 1) * dw + 1;
        int oh = same ? (xd[1] + sh - 1) / sh : (xd[1] - ekh) / sh + 1;
        int ow = same ? (xd[2] + sw - 1) / sw : (xd[2] - ekw) / sw + 1;
        int pt = same ? Math.max(0, (oh - 1) * sh + ekh - xd[1]) / 2 : 0;
        int pl = same ? Math.max(0, (ow - 1) * sw + ekw - xd[2]) / 2 : 0;
        double[] y = new double[xd[0] * oh * ow * fd[3]];
        for (int n = 0; n < xd[0]; n++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    for (int o = 0; o < fd[3]; o++) {
                        double s = 0;
                        for (int a = 0; a < fd[0]; a++) {
                            for (int b = 0; b < fd[1]; b++) {
                                int iy = i * sh - pt + a * dh;
                                int ix = j * sw - pl + b * dw;
                                if (iy < 0 || iy >= xd[1] || ix < 0 || ix >= xd[2]) {
                                    continue;
                                }
                                for (int c = 0; c < xd[3]; c++) {
                                    s += x[((n * xd[1] + iy) * xd[2] + ix) * xd[3] + c] * f[((a * fd[1] + b) * fd[2] + c) * fd[3] + o];
                                }
                            }
                        }
                        y[((n * oh + i) * ow + j) * fd[3] + o] = s;
                    }
                }
            }
        }
        return y;
    }

    @Test
    void forwardMatchesNaiveReference() {
        Tensor x = NnTestSupport.randomFloats(1, 2, 9, 8, 3);
        Tensor f = NnTestSupport.randomFloats(2, 3, 3, 3, 5);
        int[][] cfg = {{1, 1, 1, 1, 1}, {1, 1, 1, 1, 0}, {2, 2, 1, 1, 1}, {2, 3, 1, 1, 0}, {1, 1, 2, 2, 1}, {1, 1, 2, 1, 0}};
        for (int[] c : cfg) {
            Graph g = new Graph();
            Tf tf = Tf.of(g);
            Output y = tf.nn.conv2d(tf.constant(x), tf.constant(f), new int[] {1, c[0], c[1], 1}, c[4] == 1 ? "SAME" : "VALID",
                    "NHWC", new int[] {1, c[2], c[3], 1}, null);
            Tensor got = NnTestSupport.run(g, y);
            NnTestSupport.assertClose(naiveConv(x, f, c[0], c[1], c[2], c[3], c[4] == 1), got.toDoubles(), 1e-5,
                    "conv " + java.util.Arrays.toString(c));
        }
    }

    @Test
    void nchwMatchesNhwc() {
        Tensor x = NnTestSupport.randomFloats(3, 2, 7, 6, 3);
        Tensor f = NnTestSupport.randomFloats(4, 3, 2, 3, 4);
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output xn = tf.constant(x);
        Output nchw = tf.graph().opBuilder("Transpose", null).addInput(xn).addInput(tf.constant(new int[] {0, 3, 1, 2}, "p"))
                .setAttr("Tperm", DType.INT32).build().output(0);
        NnTestSupport.assumeKernels("Transpose");
        Output y = tf.nn.conv2d(nchw, tf.constant(f), new int[] {1, 1, 2, 1}, "SAME", "NCHW", null, null);
        Output back = tf.graph().opBuilder("Transpose", null).addInput(y).addInput(tf.constant(new int[] {0, 2, 3, 1}, "p"))
                .setAttr("Tperm", DType.INT32).build().output(0);
        NnTestSupport.assertClose(naiveConv(x, f, 2, 1, 1, 1, true), NnTestSupport.run(g, back).toDoubles(), 1e-5, "NCHW");
    }

    @Test
    void explicitPaddingMatchesReference() {
        // EXPLICIT 1/1 padding on a 3x3 window equals SAME at stride 1.
        Tensor x = NnTestSupport.randomFloats(5, 1, 6, 5, 2);
        Tensor f = NnTestSupport.randomFloats(6, 3, 3, 2, 3);
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output y = tf.nn.conv2d(tf.constant(x), tf.constant(f), new int[] {1, 1, 1, 1}, new int[][] {{1, 1}, {1, 1}}, "NHWC", null);
        NnTestSupport.assertClose(naiveConv(x, f, 1, 1, 1, 1, true), NnTestSupport.run(g, y).toDoubles(), 1e-5, "explicit");
    }

    @Test
    void conv2dTransposeIsTheInputGradient() {
        // conv2d_transpose(dy, f) == d/dx sum(conv2d(x, f) * dy)
        Tensor dy = NnTestSupport.randomFloats(7, 1, 3, 3, 2);
        Tensor f = NnTestSupport.randomFloats(8, 3, 3, 1, 2);
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output t = tf.nn.conv2dTranspose(tf.constant(dy), tf.constant(f), new int[] {1, 5, 5, 1}, new int[] {1, 2, 2, 1}, "SAME");
        double[] got = NnTestSupport.run(g, t).toDoubles();
        double[] want = new double[25];
        double[] d = dy.toDoubles();
        double[] fv = f.toDoubles();
        // SAME, stride 2, 5 -> 3: total pad (3-1)*2+3-5 = 2, pad_top = 1.
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int a = 0; a < 3; a++) {
                    for (int b = 0; b < 3; b++) {
                        int iy = i * 2 - 1 + a;
                        int ix = j * 2 - 1 + b;
                        if (iy < 0 || iy >= 5 || ix < 0 || ix >= 5) {
                            continue;
                        }
                        for (int o = 0; o < 2; o++) {
                            want[iy * 5 + ix] += d[(i * 3 + j) * 2 + o] * fv[(a * 3 + b) * 2 + o];
                        }
                    }
                }
            }
        }
        NnTestSupport.assertClose(want, got, 1e-5, "conv2d_transpose");
    }

    @Test
    void gradients() {
        Tensor x = GradientChecker.random(1, -1, 1, 2, 5, 4, 2);
        Tensor f = GradientChecker.random(2, -1, 1, 3, 3, 2, 3);
        GradientChecker.check((tf, in) -> tf.nn.conv2d(in.get(0), in.get(1), new int[] {1, 1, 1, 1}, "SAME"), x, f);
        GradientChecker.check((tf, in) -> tf.nn.conv2d(in.get(0), in.get(1), new int[] {1, 2, 2, 1}, "VALID"), x, f);
        GradientChecker.check((tf, in) -> tf.nn.conv2d(in.get(0), in.get(1), new int[] {1, 1, 1, 1}, "VALID", "NHWC",
                new int[] {1, 2, 1, 1}, null), GradientChecker.random(3, -1, 1, 1, 6, 4, 2), f);
        Tensor xc = GradientChecker.random(4, -1, 1, 1, 2, 5, 4);
        GradientChecker.check((tf, in) -> tf.nn.conv2d(in.get(0), in.get(1), new int[] {1, 1, 2, 2}, "SAME", "NCHW", null, null),
                xc, f);
        GradientChecker.check((tf, in) -> tf.nn.conv2dTranspose(in.get(0), in.get(1), new int[] {1, 5, 5, 2},
                new int[] {1, 2, 2, 1}, "SAME"), GradientChecker.random(5, -1, 1, 1, 3, 3, 3), f);
    }

    @Test
    void gradientOpsUseTheFilterAndInputShapes() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT64, Shape.of(1, 4, 4, 1));
        Output f = tf.placeholder(DType.FLOAT64, Shape.of(2, 2, 1, 1));
        Output y = tf.nn.conv2d(x, f, new int[] {1, 1, 1, 1}, "VALID");
        List<Output> grads = tf.gradients(y, List.of(x, f));
        assertEquals("Conv2DBackpropInput", grads.get(0).op().type());
        assertEquals("Conv2DBackpropFilter", grads.get(1).op().type());
        // all-ones input and filter: dx counts the windows covering each pixel, df the positions (9).
        Tensor ones16 = Tensor.of(DType.FLOAT64, Shape.of(1, 4, 4, 1), new double[16]);
        java.util.Arrays.fill((double[]) ones16.array(), 1.0);
        Tensor ones4 = Tensor.of(DType.FLOAT64, Shape.of(2, 2, 1, 1), new double[] {1, 1, 1, 1});
        double[] df = NnTestSupport.run(g, grads.get(1), Map.of(x, ones16, f, ones4)).toDoubles();
        NnTestSupport.assertClose(new double[] {9, 9, 9, 9}, df, 0, "df");
        double[] dx = NnTestSupport.run(g, grads.get(0), Map.of(x, ones16, f, ones4)).toDoubles();
        NnTestSupport.assertClose(new double[] {1, 2, 2, 1, 2, 4, 4, 2, 2, 4, 4, 2, 1, 2, 2, 1}, dx, 0, "dx");
    }
}
