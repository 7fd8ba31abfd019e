package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static dev.tensorgraph.cuda.GpuTestSupport.compare;
import static dev.tensorgraph.cuda.GpuTestSupport.feeds;
import static dev.tensorgraph.cuda.GpuTestSupport.uniform;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.cuda.GpuTestSupport.Tolerance;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.nn.ConvAttrs;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Depthwise and grouped convolutions (forward with one input channel per group computed directly, the rest through
 * cuDNN with the group count on the convolution descriptor) and the new
 * elementwise kernels (Selu, Softsign, Erf, Erfc and the gradient ops) on the GPU against the CPU kernels,
 * forward and through tf.gradients. Skipped without a GPU.
 */
class DepthwiseGroupedGpuTest {
    private final Random random = new Random(1616);

    @Test
    void depthwiseConvolutionAndItsGradients() {
        assumeGpu();
        int[][] cases = {{2, 9, 9, 8, 3, 1, 1, 0}, {1, 12, 10, 16, 3, 2, 2, 1}, {2, 7, 8, 6, 5, 1, 1, 1},
            {1, 8, 8, 4, 3, 2, 1, 2}};
        for (int[] c : cases) {
            for (String format : new String[] {"NHWC", "NCHW"}) {
                Graph g = new Graph();
                Tf tf = Tf.of(g);
                long[] xs = inputShape(c, format);
                Output x = tf.placeholder(DType.FLOAT32, Shape.of(xs), "x");
                Output f = tf.placeholder(DType.FLOAT32, filterShape(c), "f");
                ConvAttrs a = ConvAttrs.create().strides(c[6]).padding(c[7] == 1 ? "SAME" : "VALID").dataFormat(format)
                        .dilations(c[7] == 2 ? 2 : 1);
                Output y = tf.nn.depthwiseConv2dNative(x, f, a, "dw");
                Output r = tf.placeholder(DType.FLOAT32, y.shape(), "r");
                List<Output> grads = tf.gradients(tf.reduceSum(tf.multiply(y, r)), List.of(x, f));
                var fd = feeds(x, uniform(random, -1, 1, xs), f, uniform(random, -1, 1, filterShape(c).dims()),
                        r, uniform(random, -1, 1, y.shape().dims()));
                compare(g, fd, Tolerance.productSum((long) c[4] * c[4] * c[5] * 64, 1e-5), y, grads.get(0), grads.get(1));
            }
        }
    }

    /**
     * 16-bit depthwise convolutions, whose forward pass the GPU computes directly (16-bit values widened, the float32
     * sum rounded once, as the CPU does), in both layouts; SAME with an odd total puts the extra row and column of
     * padding after, where the window's first tap starts before the input. Within a step of the format: only the
     * order of the float32 additions differs.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "HALF"})
    void sixteenBitDepthwiseMatchesTheCpu(DType dtype) {
        assumeGpu();
        // n, h, w, channels, window, multiplier, stride, padding (1 SAME, 0 VALID)
        int[][] cases = {{2, 10, 9, 16, 3, 1, 2, 1}, {1, 7, 7, 24, 5, 1, 1, 1}, {2, 8, 6, 8, 3, 2, 1, 0}};
        for (int[] c : cases) {
            for (String format : new String[] {"NHWC", "NCHW"}) {
                Graph g = new Graph();
                Tf tf = Tf.of(g);
                long[] xs = inputShape(c, format);
                Output x = tf.placeholder(DType.FLOAT32, Shape.of(xs), "x");
                Output f = tf.placeholder(DType.FLOAT32, filterShape(c), "f");
                ConvAttrs a = ConvAttrs.create().strides(c[6]).padding(c[7] == 1 ? "SAME" : "VALID").dataFormat(format);
                Output y = tf.nn.depthwiseConv2dNative(tf.cast(x, dtype), tf.cast(f, dtype), a, "dw");
                var fd = feeds(x, uniform(random, -1, 1, xs), f, uniform(random, -1, 1, filterShape(c).dims()));
                double step = dtype == DType.BFLOAT16 ? Math.pow(2, -7) : Math.pow(2, -10);
                compare(g, fd, Tolerance.ofMagnitude(step, 1e-6), y);
            }
        }
    }

    /** Case {@code c}'s input shape in the format's layout, from {n, h, w, channels, ...}. */
    private static long[] inputShape(int[] c, String format) {
        return "NCHW".equals(format) ? new long[] {c[0], c[3], c[1], c[2]} : new long[] {c[0], c[1], c[2], c[3]};
    }

    /** Case {@code c}'s filter shape, [window, window, channels, multiplier]. */
    private static Shape filterShape(int[] c) {
        return Shape.of(c[4], c[4], c[3], c[5]);
    }

    @Test
    void groupedConv2dAndItsGradients() {
        assumeGpu();
        for (int[] c : new int[][] {{2, 8, 8, 6, 2, 9}, {1, 9, 7, 8, 1, 16}, {2, 6, 6, 12, 4, 6}}) {
            Graph g = new Graph();
            Tf tf = Tf.of(g);
            Output x = tf.placeholder(DType.FLOAT32, Shape.of(c[0], c[1], c[2], c[3]), "x");
            Output f = tf.placeholder(DType.FLOAT32, Shape.of(3, 3, c[4], c[5]), "f");
            Output y = tf.nn.conv2d(x, f, new int[] {1, 1, 1, 1}, "SAME");
            Output r = tf.placeholder(DType.FLOAT32, y.shape(), "r");
            List<Output> grads = tf.gradients(tf.reduceSum(tf.multiply(y, r)), List.of(x, f));
            var fd = feeds(x, uniform(random, -1, 1, c[0], c[1], c[2], c[3]), f, uniform(random, -1, 1, 3, 3, c[4], c[5]),
                    r, uniform(random, -1, 1, y.shape().dims()));
            compare(g, fd, Tolerance.productSum(9L * c[4] * 128, 1e-5), y, grads.get(0), grads.get(1));
        }
    }

    @Test
    void seluSoftsignErfAndTheirGradients() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(1000), "x");
        Output r = tf.placeholder(DType.FLOAT32, Shape.of(1000), "r");
        Output[] ys = {tf.nn.selu(x), tf.nn.softsign(x), tf.erf(x), tf.erfc(x)};
        var fd = feeds(x, uniform(random, -4, 4, 1000), r, uniform(random, -1, 1, 1000));
        for (Output y : ys) {
            Output dx = tf.gradients(tf.reduceSum(tf.multiply(y, r)), List.of(x)).get(0);
            compare(g, fd, Tolerance.relative(2e-6, 1e-7), y);
            compare(g, fd, Tolerance.relative(1e-5, 1e-7), dx);
        }
    }
}
