package dev.tensorgraph.ops;

import static dev.tensorgraph.testing.GradientChecker.random;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.array.SpaceBatchOps;
import dev.tensorgraph.ops.image.ResizeOps;
import dev.tensorgraph.ops.nn.BatchNormOps;
import dev.tensorgraph.ops.nn.ConvAttrs;
import dev.tensorgraph.ops.nn.DepthwiseConvOps;
import dev.tensorgraph.ops.nn.FusedBatchNorm;
import dev.tensorgraph.testing.GradientChecker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The gradients of the nn ops of issue #16 against central finite differences in float64 (the gradient ops'
 * own gradients too, where TensorFlow defines them), and the resize gradients, whose forward results are
 * float32, as adjoints: {@code sum(resize(x) * dy) = sum(x * grad(dy))} for random x and dy.
 */
class NnGradientsTest {
    private static ConvAttrs attrs(int stride, String padding, int dilation, String format) {
        return ConvAttrs.create().strides(stride).padding(padding).dilations(dilation).dataFormat(format);
    }

    @Test
    void depthwiseConvolution() {
        Tensor x = random(1, -1, 1, 2, 5, 6, 3);
        Tensor f = random(2, -1, 1, 3, 3, 3, 2);
        for (ConvAttrs a : List.of(attrs(1, "SAME", 1, "NHWC"), attrs(2, "VALID", 1, "NHWC"), attrs(1, "SAME", 2, "NHWC"),
                attrs(2, "SAME", 1, "NHWC"))) {
            GradientChecker.check((tf, in) -> tf.nn.depthwiseConv2dNative(in.get(0), in.get(1), a, null), x, f);
        }
        Tensor xc = random(3, -1, 1, 1, 3, 5, 4);
        Tensor fc = random(4, -1, 1, 2, 3, 3, 1);
        GradientChecker.check((tf, in) -> tf.nn.depthwiseConv2dNative(in.get(0), in.get(1),
                ConvAttrs.create().strides(1).explicitPaddings(new int[][] {{1, 0}, {2, 1}}).dataFormat("NCHW"), null), xc, fc);
    }

    @Test
    void depthwiseBackpropOpsHaveGradients() {
        ConvAttrs a = attrs(2, "SAME", 1, "NHWC");
        Tensor x = random(5, -1, 1, 1, 5, 4, 2);
        Tensor f = random(6, -1, 1, 3, 3, 2, 2);
        Tensor dy = random(7, -1, 1, 1, 3, 2, 4);
        GradientChecker.check((tf, in) -> DepthwiseConvOps.depthwiseConv2dNativeBackpropInput(tf.graph(),
                tf.constant(new int[] {1, 5, 4, 2}), in.get(0), in.get(1), a, null), f, dy);
        GradientChecker.check((tf, in) -> DepthwiseConvOps.depthwiseConv2dNativeBackpropFilter(tf.graph(), in.get(0),
                tf.constant(new int[] {3, 3, 2, 2}), in.get(1), a, null), x, dy);
    }

    @Test
    void groupedConvolution() {
        Tensor x = random(8, -1, 1, 2, 4, 5, 6);
        GradientChecker.check((tf, in) -> tf.nn.conv2d(in.get(0), in.get(1), new int[] {1, 1, 1, 1}, "SAME"), x,
                random(9, -1, 1, 3, 3, 2, 6));
        GradientChecker.check((tf, in) -> tf.nn.conv2d(in.get(0), in.get(1), new int[] {1, 2, 2, 1}, "VALID"), x,
                random(10, -1, 1, 2, 2, 1, 12));
        GradientChecker.check((tf, in) -> tf.nn.conv2d(in.get(0), in.get(1), ConvAttrs.create().padding("SAME")
                .dataFormat("NCHW"), null), random(11, -1, 1, 1, 4, 3, 5), random(12, -1, 1, 3, 3, 2, 2));
    }

    @Test
    void dilatedConvolutions() {
        Tensor x = random(13, -1, 1, 1, 7, 6, 2);
        GradientChecker.check((tf, in) -> tf.nn.atrousConv2d(in.get(0), in.get(1), 2, "SAME"), x,
                random(14, -1, 1, 3, 3, 2, 3));
        GradientChecker.check((tf, in) -> tf.nn.depthwiseConv2d(in.get(0), in.get(1), new int[] {1, 1, 1, 1}, "VALID",
                new int[] {2, 3}, "NHWC", null), x, random(15, -1, 1, 2, 2, 2, 2));
        GradientChecker.check((tf, in) -> tf.nn.separableConv2d(in.get(0), in.get(1), in.get(2), new int[] {1, 1, 1, 1},
                "SAME"), x, random(16, -1, 1, 3, 3, 2, 2), random(17, -1, 1, 1, 1, 4, 3));
    }

    @Test
    void spaceBatchAndDepthMoves() {
        Tensor x = random(18, -1, 1, 2, 5, 4, 3);
        GradientChecker.check((tf, in) -> tf.spaceToBatchNd(in.get(0), new int[] {2, 3}, new int[][] {{1, 0}, {0, 2}}), x);
        GradientChecker.check((tf, in) -> tf.batchToSpaceNd(in.get(0), new int[] {2}, new int[][] {{1, 2}}),
                random(19, -1, 1, 4, 3, 2));
        GradientChecker.check((tf, in) -> SpaceBatchOps.spaceToBatch(tf.graph(), in.get(0),
                tf.constant(new int[][] {{1, 0}, {0, 0}}), 2, null), random(20, -1, 1, 1, 3, 4, 2));
        GradientChecker.check((tf, in) -> SpaceBatchOps.batchToSpace(tf.graph(), in.get(0),
                tf.constant(new int[][] {{0, 1}, {1, 0}}), 2, null), random(21, -1, 1, 4, 2, 2, 1));
        GradientChecker.check((tf, in) -> tf.spaceToDepth(in.get(0), 2), random(22, -1, 1, 1, 4, 2, 3));
        GradientChecker.check((tf, in) -> tf.depthToSpace(in.get(0), 2, "NCHW", null), random(23, -1, 1, 2, 8, 2, 1));
        GradientChecker.check((tf, in) -> tf.spaceToDepth(in.get(0), 3, "NCHW", null), random(24, -1, 1, 1, 2, 3, 6));
    }

    @Test
    void fusedBatchNormV1AndV2() {
        Tensor x = random(25, -2, 2, 2, 3, 2, 4);
        Tensor scale = random(26, 0.5, 1.5, 4);
        Tensor offset = random(27, -1, 1, 4);
        Tensor mean = random(28, -1, 1, 4);
        Tensor var = random(29, 0.5, 1.5, 4);
        for (boolean training : new boolean[] {true, false}) {
            for (String format : new String[] {"NHWC", "NCHW"}) {
                Tensor xs = "NCHW".equals(format) ? random(30, -2, 2, 2, 4, 3, 2) : x;
                GradientChecker.check((tf, in) -> BatchNormOps.fusedBatchNorm(tf.graph(), in.get(0), in.get(1), in.get(2),
                        tf.constant(mean), tf.constant(var), 0.001f, 1f, format, training, null).y(), 1e-4, 1e-6,
                        xs, scale, offset);
                GradientChecker.check((tf, in) -> BatchNormOps.fusedBatchNormV2(tf.graph(), in.get(0), in.get(1), in.get(2),
                        tf.constant(mean), tf.constant(var), 0.001f, 1f, format, training, null).y(), 1e-4, 1e-6,
                        xs, scale, offset);
            }
        }
    }

    @Test
    void lrnSeluSoftsignErf() {
        Tensor x = random(31, -1, 1, 2, 2, 1, 9);
        GradientChecker.check((tf, in) -> tf.nn.lrn(in.get(0), 2, 1.5f, 0.3f, 0.75f, null), x);
        GradientChecker.check((tf, in) -> tf.nn.lrn(in.get(0)), x);
        Tensor v = random(32, -3, 3, 4, 5);
        GradientChecker.check((tf, in) -> tf.nn.selu(in.get(0)), v);
        GradientChecker.check((tf, in) -> tf.nn.softsign(in.get(0)), v);
        GradientChecker.check((tf, in) -> tf.erf(in.get(0)), v);
        GradientChecker.check((tf, in) -> tf.math.erfc(in.get(0)), v);
        GradientChecker.check((tf, in) -> tf.nn.gelu(in.get(0), false), v);
        GradientChecker.check((tf, in) -> tf.nn.gelu(in.get(0), true), v);
        // SeluGrad's own gradient (TensorFlow's _SeluGradGrad): through tf.gradients of tf.gradients.
        GradientChecker.check((tf, in) -> tf.gradients(List.of(tf.nn.selu(in.get(0))), List.of(in.get(0)),
                List.of(in.get(1)), null).get(0), v, random(33, -1, 1, 4, 5));
    }

    @Test
    void resizeNearestNeighbor() {
        Tensor x = random(34, -1, 1, 2, 3, 5, 2);
        for (boolean[] flags : new boolean[][] {{false, false}, {true, false}, {false, true}}) {
            for (int[] size : new int[][] {{7, 4}, {2, 9}, {1, 1}}) {
                GradientChecker.check((tf, in) -> tf.image.resizeNearestNeighbor(in.get(0), size, flags[0], flags[1], null),
                        x);
            }
        }
    }

    /** ResizeBilinear is linear: its gradient op must be its adjoint. */
    @Test
    void resizeBilinearGradientIsTheAdjoint() {
        for (boolean[] flags : new boolean[][] {{false, false}, {true, false}, {false, true}}) {
            for (int[] size : new int[][] {{7, 11}, {2, 3}, {1, 1}, {5, 6}}) {
                for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                    Graph g = new Graph();
                    Tf tf = Tf.of(g);
                    Tensor xv = random(35, -1, 1, 2, 5, 6, 3);
                    Output x = tf.placeholder(t, Shape.of(2, 5, 6, 3), "x");
                    Output y = tf.image.resizeBilinear(x, size, flags[0], flags[1], null);
                    Output dy = tf.placeholder(DType.FLOAT32, y.shape(), "dy");
                    Output dx = ResizeOps.resizeBilinearGrad(g, dy, x, flags[0], flags[1], null);
                    Tensor dyv = Tensor.of(DType.FLOAT32, y.shape(), floats(random(36, -1, 1, y.shape().dims())));
                    Tensor xin = t == DType.FLOAT32 ? Tensor.of(DType.FLOAT32, xv.shape(), floats(xv)) : xv;
                    double[] yv = NnTestSupport.run(g, y, Map.of(x, xin)).toDoubles();
                    double[] dxv = NnTestSupport.run(g, dx, Map.of(x, xin, dy, dyv)).toDoubles();
                    double lhs = dot(yv, dyv.toDoubles());
                    double rhs = dot(xin.toDoubles(), dxv);
                    org.junit.jupiter.api.Assertions.assertEquals(lhs, rhs, 1e-5 * (1 + Math.abs(lhs)),
                            "size " + java.util.Arrays.toString(size) + " flags " + java.util.Arrays.toString(flags));
                }
            }
        }
    }

    private static float[] floats(Tensor t) {
        double[] d = t.toDoubles();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void fusedBatchNormStatisticsAreNotDifferentiatedInTraining() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT64, Shape.of(2, 2, 2, 3), "x");
        FusedBatchNorm bn = BatchNormOps.fusedBatchNorm(g, x, tf.constant(new double[] {1, 1, 1}),
                tf.constant(new double[] {0, 0, 0}), null, null, 0.001f, 1f, "NHWC", true, null);
        org.junit.jupiter.api.Assertions.assertEquals(5, bn.y().op().numOutputs());
        org.junit.jupiter.api.Assertions.assertEquals("FusedBatchNormGrad",
                tf.gradients(List.of(bn.y()), List.of(x)).get(0).op().type());
    }
}
