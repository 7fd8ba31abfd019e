package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.ops.image.ResizeMethod;
import dev.tensorgraph.ops.nn.BatchNormOps;
import dev.tensorgraph.ops.nn.ConvAttrs;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * What the builders of the nn ops of issue #16 put into the graph (TensorFlow's op names, attributes and static
 * shapes) and how they refuse bad input: at build time with an error naming the op, at run time with a typed
 * error naming the node.
 */
class NnOpsBuildTest {
    private static void assertFails(Consumer<Tf> build, String... fragments) {
        Tf tf = Tf.of(new Graph());
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> build.accept(tf));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
        }
    }

    @Test
    void depthwiseShapesNamesAndAttributes() {
        Tf tf = Tf.of(new Graph());
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 28, 28, 8), "x");
        Output f = tf.placeholder(DType.FLOAT32, Shape.of(3, 3, 8, 2), "f");
        Output y = tf.nn.depthwiseConv2d(x, f, new int[] {1, 2, 2, 1}, "SAME");
        assertEquals(Shape.of(-1, 14, 14, 16), y.shape());
        assertEquals("depthwise", y.op().name());
        assertEquals("DepthwiseConv2dNative", y.op().type());
        assertFalse(y.op().hasAttr("use_cudnn_on_gpu"));
        Output fixed = tf.placeholder(DType.FLOAT32, Shape.of(2, 9, 10, 8), "fixed");
        Output d = tf.nn.depthwiseConv2d(fixed, f, new int[] {1, 1, 1, 1}, "SAME", new int[] {2, 2}, "NHWC", null);
        assertEquals(Shape.of(2, 9, 10, 16), d.shape());
        assertEquals("depthwise_1/BatchToSpaceND", d.op().name());
        assertEquals("depthwise_1", d.op().input(0).op().name());
        Output s = tf.nn.separableConv2d(fixed, f, tf.placeholder(DType.FLOAT32, Shape.of(1, 1, 16, 5), "p"),
                new int[] {1, 1, 1, 1}, "VALID");
        assertEquals(Shape.of(2, 7, 8, 5), s.shape());
        assertEquals("separable_conv2d", s.op().name());
        assertEquals("separable_conv2d/depthwise", s.op().input(0).op().name());
        Output w = tf.placeholder(DType.FLOAT32, Shape.of(3, 3, 8, 4), "w");
        Output a = tf.nn.atrousConv2d(fixed, w, 2, "VALID");
        assertEquals(Shape.of(2, 5, 6, 4), a.shape());
        assertEquals("convolution/BatchToSpaceND", a.op().name());
        assertEquals(Shape.of(2, 5, 6, 4), tf.nn.conv2d(fixed, w, new int[] {1, 1, 1, 1}, "VALID", "NHWC",
                new int[] {1, 2, 2, 1}, null).shape());
        assertEquals("Conv2D", tf.nn.convolution(fixed, w, "SAME", null, null).op().type());
    }

    @Test
    void depthwiseAndGroupedErrorsNameTheOp() {
        assertFails(tf -> tf.nn.depthwiseConv2dNative(tf.placeholder(DType.FLOAT32, Shape.of(1, 5, 5, 3)),
                tf.placeholder(DType.FLOAT32, Shape.of(3, 3, 4, 1)), new int[] {1, 1, 1, 1}, "SAME"),
                "DepthwiseConv2dNative", "[1,5,5,3]", "[3,3,4,1]");
        assertFails(tf -> tf.nn.conv2d(tf.placeholder(DType.FLOAT32, Shape.of(1, 5, 5, 6)),
                tf.placeholder(DType.FLOAT32, Shape.of(3, 3, 4, 4)), new int[] {1, 1, 1, 1}, "SAME"),
                "Conv2D", "not a multiple");
        assertFails(tf -> tf.nn.conv2d(tf.placeholder(DType.FLOAT32, Shape.of(1, 5, 5, 6)),
                tf.placeholder(DType.FLOAT32, Shape.of(3, 3, 2, 4)), new int[] {1, 1, 1, 1}, "SAME"),
                "Conv2D", "3 groups");
        assertFails(tf -> tf.nn.depthwiseConv2d(tf.placeholder(DType.FLOAT32, Shape.of(1, 8, 8, 2)),
                tf.placeholder(DType.FLOAT32, Shape.of(3, 3, 2, 1)), new int[] {1, 2, 2, 1}, "SAME", new int[] {2, 2},
                "NHWC", null), "strides above 1");
        assertFails(tf -> tf.nn.atrousConv2d(tf.placeholder(DType.FLOAT32, Shape.of(-1, -1, -1, 2)),
                tf.placeholder(DType.FLOAT32, Shape.of(3, 3, 2, 1)), 2, "SAME"), "spatial size");
        Tf tf = Tf.of(new Graph());
        Output grouped = tf.nn.conv2d(tf.placeholder(DType.FLOAT32, Shape.of(1, 5, 5, 6)),
                tf.placeholder(DType.FLOAT32, Shape.of(3, 3, 2, 9)), new int[] {1, 1, 1, 1}, "SAME");
        assertEquals(Shape.of(1, 5, 5, 9), grouped.shape());
    }

    @Test
    void spaceBatchDepthShapesAndErrors() {
        Tf tf = Tf.of(new Graph());
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2, 5, 4, 3), "x");
        Output s = tf.spaceToBatchNd(x, new int[] {2, 3}, new int[][] {{1, 0}, {0, 2}});
        assertEquals(Shape.of(12, 3, 2, 3), s.shape());
        assertEquals("SpaceToBatchND/block_shape", s.op().input(1).op().name());
        assertEquals(Shape.of(2, 5, 4, 3), tf.batchToSpaceNd(s, new int[] {2, 3}, new int[][] {{1, 0}, {0, 2}}).shape());
        Output s2d = tf.spaceToDepth(tf.placeholder(DType.INT32, Shape.of(2, 10, 8, 3)), 2);
        assertEquals(Shape.of(2, 5, 4, 12), s2d.shape());
        assertEquals(Shape.of(2, 10, 8, 3), tf.depthToSpace(s2d, 2).shape());
        assertEquals(Shape.of(1, 12, 2, 3), tf.nn.spaceToDepth(tf.placeholder(DType.FLOAT32, Shape.of(1, 3, 4, 6)), 2,
                "NCHW", null).shape());
        assertFails(t -> t.spaceToBatchNd(t.placeholder(DType.FLOAT32, Shape.of(2, 5, 4, 3)), new int[] {2, 2},
                new int[][] {{0, 0}, {0, 0}}), "SpaceToBatchND", "not divisible by block size 2");
        assertFails(t -> t.spaceToBatchNd(t.placeholder(DType.FLOAT32, Shape.of(2, 4, 4, 3)), new int[] {2, 2},
                new int[][] {{-1, 1}, {0, 0}}), "SpaceToBatchND", "non-negative");
        assertFails(t -> t.batchToSpaceNd(t.placeholder(DType.FLOAT32, Shape.of(3, 4, 4, 3)), new int[] {2, 2},
                new int[][] {{0, 0}, {0, 0}}), "BatchToSpaceND", "not divisible");
        assertFails(t -> t.spaceToDepth(t.placeholder(DType.FLOAT32, Shape.of(1, 5, 4, 3)), 2), "SpaceToDepth",
                "divisible by block_size 2");
        assertFails(t -> t.depthToSpace(t.placeholder(DType.FLOAT32, Shape.of(1, 5, 4, 6)), 2), "DepthToSpace", "squared");
        assertFails(t -> t.spaceToDepth(t.placeholder(DType.FLOAT32, Shape.of(1, 4, 4, 3)), 2, "NCHW_VECT_C", null),
                "NCHW_VECT_C");
        assertFails(t -> t.spaceToDepth(t.placeholder(DType.FLOAT32, Shape.of(1, 4, 4, 3)), 1), "block_size");
    }

    @Test
    void runtimeErrorsAreTypedAndNameTheNode() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, -1, -1, 3), "x");
        Output pads = tf.placeholder(DType.INT32, Shape.of(2, 2), "pads");
        Output y = tf.spaceToBatchNd(x, tf.constant(new int[] {2, 2}), pads);
        Output size = tf.placeholder(DType.INT32, Shape.of(2), "size");
        Output r = tf.image.resizeBilinear(x, size, false, false, null);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            Tensor xv = Tensor.zeros(DType.FLOAT32, Shape.of(1, 3, 4, 3));
            TensorgraphException e = assertThrows(InvalidArgumentException.class, () -> s.run(y, Map.of(x, xv, pads,
                    Tensor.of(new int[][] {{0, 0}, {0, 0}}))));
            assertTrue(e.getMessage().contains("SpaceToBatchND") && e.getMessage().contains("not divisible"), e.getMessage());
            e = assertThrows(InvalidArgumentException.class, () -> s.run(r, Map.of(x, xv, size, Tensor.of(new int[] {0, 2}))));
            assertTrue(e.getMessage().contains("ResizeBilinear") && e.getMessage().contains("positive"), e.getMessage());
            assertNotNull(s.run(y, Map.of(x, xv, pads, Tensor.of(new int[][] {{1, 0}, {0, 0}}))));
        }
    }

    @Test
    void resizeAndImageFacade() {
        Tf tf = Tf.of(new Graph());
        Output img = tf.placeholder(DType.UINT8, Shape.of(2, 5, 7, 3), "img");
        Output b = tf.image.resizeBilinear(img, new int[] {8, 11});
        assertEquals(DType.FLOAT32, b.dtype());
        assertEquals(Shape.of(2, 8, 11, 3), b.shape());
        Output n = tf.image.resizeNearestNeighbor(img, new int[] {3, 4});
        assertEquals(DType.UINT8, n.dtype());
        Output single = tf.placeholder(DType.FLOAT32, Shape.of(5, 6, 2), "single");
        Output r = tf.image.resize(single, new int[] {7, 4});
        assertEquals(Shape.of(7, 4, 2), r.shape());
        assertEquals("resize/Squeeze", r.op().name());
        assertEquals("resize/ResizeBilinear", r.op().input(0).op().name());
        assertEquals("ResizeNearestNeighbor", tf.image.resize(img, new int[] {9, 9}, ResizeMethod.NEAREST_NEIGHBOR, true)
                .op().type());
        assertTrue(tf.image.resize(single, new int[] {5, 6}) == single, "same size: the images themselves");
        assertFails(t -> t.image.resizeBilinear(t.placeholder(DType.FLOAT32, Shape.of(1, 4, 4, 1)), new int[] {2, 2}, true,
                true, null), "half_pixel_centers");
        assertFails(t -> t.image.resizeBilinear(t.placeholder(DType.FLOAT32, Shape.of(4, 4, 1)), new int[] {2, 2}),
                "ResizeBilinear", "4-dimensional");
        assertFails(t -> t.image.resizeNearestNeighbor(t.placeholder(DType.BOOL, Shape.of(1, 4, 4, 1)), new int[] {2, 2}),
                "ResizeNearestNeighbor", "numeric");
    }

    @Test
    void normalizationAndActivations() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2, 3, 3, 4), "x");
        Output scale = tf.constant(new float[] {1, 1, 1, 1});
        Output offset = tf.constant(new float[] {0, 0, 0, 0});
        assertEquals(5, BatchNormOps.fusedBatchNorm(g, x, scale, offset, null, null, 1e-3f, 1f, "NHWC", true, null).y().op()
                .numOutputs());
        assertEquals("FusedBatchNormV2", BatchNormOps.fusedBatchNormV2(g, x, scale, offset, null, null, 1e-3f, 1f, "NHWC",
                true, null).y().op().type());
        Output lrn = tf.nn.localResponseNormalization(x);
        assertEquals("LRN", lrn.op().type());
        assertEquals(5L, lrn.op().attrLong("depth_radius"));
        assertEquals(0.5f, lrn.op().attrFloat("beta"));
        assertFails(t -> t.nn.lrn(t.placeholder(DType.FLOAT32, Shape.of(3, 4))), "LRN", "4-dimensional");
        assertFails(t -> t.nn.selu(t.placeholder(DType.INT32, Shape.of(3))), "Selu");
        assertFails(t -> t.erf(t.placeholder(DType.INT32, Shape.of(3))), "Erf");
        Output gelu = tf.nn.gelu(x, false);
        assertEquals("Gelu/mul_1", gelu.op().name());
        Tensor v = Tensor.of(DType.FLOAT32, Shape.of(4), new float[] {-2, -0.5f, 0.5f, 3});
        double[] exact = NnTestSupport.run(g, tf.nn.gelu(tf.constant(v), false)).toDoubles();
        double[] erf = NnTestSupport.run(g, tf.erf(tf.constant(v))).toDoubles();
        double[] selu = NnTestSupport.run(g, tf.nn.selu(tf.constant(v))).toDoubles();
        double[] softsign = NnTestSupport.run(g, tf.nn.softsign(tf.constant(v))).toDoubles();
        double[] xs = {-2, -0.5, 0.5, 3};
        // erf(0.5) and erf(2) from tables; the rest from the definitions.
        assertEquals(0.5204998778130465, erf[2], 1e-7);
        assertEquals(-0.9953222650189527, erf[0], 1e-7);
        for (int i = 0; i < 4; i++) {
            assertEquals(0.5 * xs[i] * (1 + erf1(xs[i] / Math.sqrt(2))), exact[i], 1e-6);
            assertEquals(xs[i] > 0 ? 1.0507009873554805 * xs[i] : 1.0507009873554805 * 1.6732632423543772
                    * (Math.exp(xs[i]) - 1), selu[i], 1e-6);
            assertEquals(xs[i] / (1 + Math.abs(xs[i])), softsign[i], 1e-7);
        }
    }

    /** erf by its Taylor series (converges quickly for |x| < 3). */
    private static double erf1(double x) {
        double sum = 0;
        double term = x;
        for (int n = 0; n < 60; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}
