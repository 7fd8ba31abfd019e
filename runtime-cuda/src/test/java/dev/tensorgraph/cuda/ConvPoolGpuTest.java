package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static dev.tensorgraph.cuda.GpuTestSupport.compare;
import static dev.tensorgraph.cuda.GpuTestSupport.feeds;
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
 * Conv2D with its two backprops, MaxPool with MaxPoolGrad and AvgPool with AvgPoolGrad on the GPU against the
 * CPU: NHWC and NCHW, SAME, VALID and explicit padding, strides 1, 2 and 4, dilation, AlexNet's first layer
 * (11x11 stride 4 pad 2). Tolerances: convolutions in exact FP32 (TF32 off) within max(1e-4, 2(K+1)·2^-24) of
 * the sum of |terms| of each output element (the same graph run on |inputs|), K the number of terms, plus
 * 1e-6 of the largest such sum (cuDNN's FFT and Winograd algorithms spread error across elements); max
 * pooling exactly; average pooling and the pooling gradients 1e-6 relative + 1e-6 absolute.
 */
class ConvPoolGpuTest {
    private final Random random = new Random(31337);

    /** One convolution: NHWC input dims, filter [kh, kw, cin, cout], strides, padding, dilation. */
    private record Conv(int n, int h, int w, int cin, int kh, int kw, int cout, int stride, String padding,
                        int[][] explicit, int dilation) {}

    private static final Conv[] CONVS = {
            new Conv(2, 9, 9, 3, 3, 3, 4, 1, "SAME", null, 1),
            new Conv(2, 9, 9, 3, 3, 3, 4, 1, "VALID", null, 1),
            new Conv(2, 10, 11, 4, 3, 3, 6, 2, "SAME", null, 1),
            new Conv(2, 10, 11, 4, 3, 3, 6, 2, "VALID", null, 1),
            new Conv(1, 17, 17, 2, 5, 5, 3, 4, "SAME", null, 1),
            new Conv(3, 8, 8, 16, 1, 1, 8, 1, "VALID", null, 1),
            new Conv(2, 12, 12, 3, 3, 3, 5, 1, "SAME", null, 2),
            new Conv(2, 12, 13, 3, 3, 2, 5, 1, "VALID", null, 2),
            new Conv(2, 67, 67, 3, 11, 11, 8, 4, null, new int[][] {{2, 2}, {2, 2}}, 1),
            new Conv(2, 9, 10, 3, 3, 3, 4, 2, null, new int[][] {{1, 0}, {2, 1}}, 1),
            new Conv(4, 28, 28, 1, 3, 3, 16, 1, "VALID", null, 1),
            new Conv(2, 13, 13, 32, 3, 3, 48, 1, "SAME", null, 1),
    };

    @Test
    void conv2dForwardAndBothBackpropsNhwc() {
        assumeGpu();
        for (Conv c : CONVS) {
            conv(c, "NHWC");
        }
    }

    @Test
    void conv2dForwardAndBothBackpropsNchw() {
        assumeGpu();
        for (Conv c : CONVS) {
            conv(c, "NCHW");
        }
    }

    private void conv(Conv c, String format) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        long[] inShape = format.equals("NHWC") ? new long[] {c.n, c.h, c.w, c.cin} : new long[] {c.n, c.cin, c.h, c.w};
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(inShape), "input");
        Output w = tf.placeholder(DType.FLOAT32, Shape.of(c.kh, c.kw, c.cin, c.cout), "filter");
        String name = "conv_" + format + "_" + c.kh + "x" + c.kw + "_s" + c.stride + "_"
                + (c.padding != null ? c.padding : "EXPLICIT") + "_d" + c.dilation;
        Output y = c.explicit != null
                ? tf.nn.conv2d(x, w, new int[] {c.stride, c.stride}, c.explicit, format, name)
                : tf.nn.conv2d(x, w, new int[] {c.stride, c.stride}, c.padding, format,
                        c.dilation == 1 ? null : new int[] {c.dilation, c.dilation}, name);
        Output r = tf.placeholder(DType.FLOAT32, y.shape(), "upstream");
        List<Output> grads = tf.gradients(tf.reduceSum(tf.multiply(y, r)), List.of(x, w));
        long[] out = y.shape().dims();
        long outSpatial = format.equals("NHWC") ? out[1] * out[2] : out[2] * out[3];
        var f = feeds(x, uniform(random, -1, 1, inShape), w, uniform(random, -1, 1, c.kh, c.kw, c.cin, c.cout),
                r, uniform(random, -1, 1, out));
        compare(g, f, products((long) c.kh * c.kw * c.cin), y);
        compare(g, f, products((long) c.kh * c.kw * c.cout), grads.get(0));
        compare(g, f, products(c.n * outSpatial), grads.get(1));
    }

    private static Tolerance products(long terms) {
        return Tolerance.productSum(terms, 1e-4);
    }

    /** One pooling: window, stride, padding over NHWC input dims. */
    private record Pool(int n, int h, int w, int c, int k, int stride, String padding) {}

    private static final Pool[] POOLS = {
            new Pool(2, 8, 8, 3, 2, 2, "VALID"),
            new Pool(2, 9, 9, 3, 2, 2, "SAME"),
            new Pool(2, 13, 13, 4, 3, 2, "VALID"),
            new Pool(2, 13, 14, 4, 3, 2, "SAME"),
            new Pool(64, 26, 26, 16, 2, 2, "VALID"),
            new Pool(2, 55, 55, 8, 3, 2, "VALID"),
            new Pool(1, 7, 7, 2, 3, 1, "SAME"),
    };

    @Test
    void maxPoolAndMaxPoolGrad() {
        assumeGpu();
        for (String format : new String[] {"NHWC", "NCHW"}) {
            for (Pool p : POOLS) {
                pool(p, format, true, false);
                // Values from {-1, -0.5, 0, 0.5, 1}: many windows hold their maximum twice, and the gradient
                // must go to the first in row-major order, as on the CPU.
                pool(p, format, true, true);
            }
        }
    }

    @Test
    void avgPoolAndAvgPoolGrad() {
        assumeGpu();
        for (String format : new String[] {"NHWC", "NCHW"}) {
            for (Pool p : POOLS) {
                pool(p, format, false, false);
            }
        }
    }

    private void pool(Pool p, String format, boolean max, boolean ties) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        long[] inShape = format.equals("NHWC") ? new long[] {p.n, p.h, p.w, p.c} : new long[] {p.n, p.c, p.h, p.w};
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(inShape), "input");
        int[] k = {p.k, p.k};
        int[] s = {p.stride, p.stride};
        String name = (max ? "max" : "avg") + "_pool_" + format + "_" + p.k + "x" + p.k + "_s" + p.stride + "_" + p.padding;
        Output y = max ? tf.nn.maxPool(x, k, s, p.padding, format, name) : tf.nn.avgPool(x, k, s, p.padding, format, name);
        Output r = tf.placeholder(DType.FLOAT32, y.shape(), "upstream");
        Output dx = tf.gradients(tf.reduceSum(tf.multiply(y, r)), List.of(x)).get(0);
        Tensor input = uniform(random, -1, 1, inShape);
        if (ties) {
            float[] v = input.floats();
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.round(v[i] * 2) / 2f;
            }
            input = Tensor.of(DType.FLOAT32, Shape.of(inShape), v);
        }
        var f = feeds(x, input, r, uniform(random, -1, 1, y.shape().dims()));
        compare(g, f, max ? Tolerance.exact() : Tolerance.relative(1e-6, 1e-6), y);
        // Overlapping max-pool windows add atomically, in no fixed order, unless the gathering variant is
        // chosen, which adds in the CPU's order and matches it exactly.
        boolean ordered = "gather".equals(System.getProperty("tensorgraph.cuda.maxPoolGrad"));
        compare(g, f, max && ordered ? Tolerance.exact() : Tolerance.relative(1e-6, 1e-6), dx);
    }
}
