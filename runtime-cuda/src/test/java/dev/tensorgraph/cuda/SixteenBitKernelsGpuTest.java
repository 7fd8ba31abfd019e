package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static dev.tensorgraph.cuda.GpuTestSupport.compare;
import static dev.tensorgraph.cuda.GpuTestSupport.compareWherever;
import static dev.tensorgraph.cuda.GpuTestSupport.gpuSession;
import static dev.tensorgraph.cuda.GpuTestSupport.uniform;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.cuda.GpuTestSupport.Tolerance;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.nn.ActivationOps;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The GPU's own bfloat16 and float16 kernels against the CPU (which widens each op to float32 and rounds its
 * result): cuDNN convolutions forward, backward-data and backward-filter (NHWC, tensor-core math, float32
 * accumulation), BiasAdd then Relu fused, ReluGrad, MaxPool, AvgPool and MaxPoolGrad, the float32 bias gradient
 * of a 16-bit gradient (Cast then BiasAddGrad, fused), and elementwise arithmetic (flat and broadcast) and
 * activations. Tolerances: the convolutions within 2^-7 (bfloat16) or 2^-9 (float16) of the same graph's result
 * on |inputs|, i.e. a couple of 16-bit rounding steps of the largest possible sum, since only the order of the
 * float32 sums differs before the one rounding; arithmetic, Relu, BiasAdd+Relu and MaxPool exactly (one float32
 * operation then one rounding, as on the CPU); transcendental activations, AvgPool and MaxPoolGrad within one
 * 16-bit step of their magnitude (a float32 result one float32 step apart may round the other way); the float32
 * bias gradient within 1e-5 of the sum of |terms|.
 */
class SixteenBitKernelsGpuTest {
    private final Random random = new Random(1616);

    private static double convTolerance(DType t) {
        return t == DType.BFLOAT16 ? Math.pow(2, -7) : Math.pow(2, -9);
    }

    private static double step(DType t) {
        return t == DType.BFLOAT16 ? Math.pow(2, -7) : Math.pow(2, -10);
    }

    /** Input dims n, h, w, c, filter kh x kw to cout, stride, and padding (SAME with an odd total included). */
    private record Conv(int n, int h, int w, int cin, int cout, int k, int stride, String padding) {}

    private static final Conv[] CONVS = {
            new Conv(4, 17, 17, 3, 16, 5, 2, "SAME"),
            new Conv(2, 12, 12, 16, 24, 3, 1, "SAME"),
            new Conv(2, 14, 14, 8, 8, 3, 2, "SAME"),
            new Conv(3, 9, 9, 32, 16, 1, 1, "VALID"),
            // One input channel, as a grayscale first layer: padded with zero channels on the GPU.
            new Conv(2, 10, 10, 1, 8, 3, 1, "VALID"),
    };

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "HALF"})
    void convolutionsAndTheirGradientsMatchTheCpu(DType dtype) {
        assumeGpu();
        for (Conv c : CONVS) {
            Graph g = new Graph();
            Tf tf = Tf.of(g);
            Output x = tf.placeholder(DType.FLOAT32, Shape.of(c.n, c.h, c.w, c.cin), "input");
            Output w = tf.placeholder(DType.FLOAT32, Shape.of(c.k, c.k, c.cin, c.cout), "filter");
            Output xs = tf.cast(x, dtype);
            Output ws = tf.cast(w, dtype);
            Output y = tf.nn.conv2d(xs, ws, new int[] {c.stride, c.stride}, c.padding, "NHWC", null, "conv");
            Output r = tf.placeholder(DType.FLOAT32, y.shape(), "upstream");
            List<Output> grads = tf.gradients(tf.reduceSum(tf.multiply(y, tf.cast(r, dtype))), List.of(xs, ws));
            Map<Output, Tensor> feeds = Map.of(x, uniform(random, -1, 1, c.n, c.h, c.w, c.cin),
                    w, uniform(random, -1, 1, c.k, c.k, c.cin, c.cout), r, uniform(random, -1, 1, y.shape().dims()));
            Tolerance tol = Tolerance.ofMagnitude(convTolerance(dtype), 1e-6);
            compare(g, feeds, tol, y, grads.get(0), grads.get(1));
            try (Session s = gpuSession(g)) {
                // y too: the gradients alone do not read the forward convolution
                String plan = String.join("\n", s.describePlan(List.of(y, grads.get(0), grads.get(1)),
                        feeds.keySet(), List.of()));
                for (String type : new String[] {"(Conv2D) @ GPU", "(Conv2DBackpropInput) @ GPU",
                    "(Conv2DBackpropFilter) @ GPU"}) {
                    assertTrue(plan.contains(type), type + " in\n" + plan);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "HALF"})
    void biasReluPoolingAndTheirGradientsMatchTheCpu(DType dtype) {
        assumeGpu();
        // 16 channels take the 8-wide path, 5 the scalar one; the 3/2 pooling windows overlap.
        for (long[] shape : new long[][] {{4, 13, 13, 16}, {2, 9, 11, 5}}) {
            Graph g = new Graph();
            Tf tf = Tf.of(g);
            Output v = tf.placeholder(DType.FLOAT32, Shape.of(shape), "v");
            Output b = tf.placeholder(DType.FLOAT32, Shape.of(shape[3]), "b");
            Output v16 = tf.cast(v, dtype);
            Output act = tf.nn.relu(tf.nn.biasAdd(v16, tf.cast(b, dtype), "NHWC", "bias"));
            Output pooled = tf.nn.maxPool(act, new int[] {1, 3, 3, 1}, new int[] {1, 2, 2, 1}, "VALID", "NHWC", "pool");
            Output averaged = tf.nn.avgPool(v16, new int[] {1, 3, 3, 1}, new int[] {1, 2, 2, 1}, "SAME", "NHWC", "avg");
            Output r = tf.placeholder(DType.FLOAT32, pooled.shape(), "upstream");
            Output dAct = tf.gradients(tf.reduceSum(tf.multiply(pooled, tf.cast(r, dtype))), List.of(act)).get(0);
            Output dPre = ActivationOps.reluGrad(g, dAct, act, "relu_grad");
            Output dBias = ActivationOps.biasAddGrad(g, tf.cast(dPre, DType.FLOAT32), "NHWC", "bias_grad");
            long[] pooledShape = pooled.shape().dims();
            Map<Output, Tensor> feeds = Map.of(v, uniform(random, -1, 1, shape), b, uniform(random, -0.5, 0.5, shape[3]),
                    r, uniform(random, -1, 1, pooledShape));
            compare(g, feeds, Tolerance.exact(), act, pooled);
            compare(g, feeds, Tolerance.ofMagnitude(step(dtype), 0), averaged);
            compare(g, feeds, Tolerance.ofMagnitude(step(dtype), 0), dAct);
            compare(g, feeds, Tolerance.ofMagnitude(step(dtype), 0), dPre);
            compare(g, feeds, Tolerance.ofMagnitude(1e-5, 0), dBias);
            try (Session s = gpuSession(g)) {
                List<String> plan = s.describePlan(List.of(dBias, pooled), feeds.keySet(), List.of());
                String text = String.join("\n", plan);
                assertTrue(plan.stream().anyMatch(l -> l.contains("(BiasAdd) @ GPU") && l.contains("fused with")), text);
                assertTrue(plan.stream().anyMatch(l -> l.contains("(Cast) @ GPU") && l.contains("fused with")), text);
                assertTrue(plan.stream().anyMatch(l -> l.contains("(MaxPoolGrad) @ GPU")), text);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "HALF"})
    void elementwiseKernelsMatchTheCpu(DType dtype) {
        assumeGpu();
        // 64 x 33 values of the same shape go 8 a thread (whole 16-byte words), 7 x 33 one a thread.
        for (int rows : new int[] {64, 7}) {
            elementwiseKernelsMatchTheCpu(dtype, rows);
        }
    }

    private void elementwiseKernelsMatchTheCpu(DType dtype, int rows) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output a32 = tf.placeholder(DType.FLOAT32, Shape.of(rows, 33), "a");
        Output b32 = tf.placeholder(DType.FLOAT32, Shape.of(rows, 33), "b");
        Output row32 = tf.placeholder(DType.FLOAT32, Shape.of(33), "row");
        Output a = tf.cast(a32, dtype);
        Output b = tf.cast(b32, dtype);
        Output row = tf.cast(row32, dtype);
        // One float32 operation then one rounding, as the CPU's widening does: exact.
        Output[] exact = {tf.add(a, b), tf.subtract(a, b), tf.multiply(a, row), tf.divide(a, b), tf.maximum(a, row),
            tf.relu(a), tf.negative(a), tf.square(a), tf.sqrt(tf.abs(a)), ActivationOps.reluGrad(g, a, b, "relu_grad")};
        // Evaluated in double and rounded to float32 first on both devices, then to 16 bits: within a step.
        Output[] transcendental = {tf.tanh(a), tf.sigmoid(a), tf.exp(a)};
        Map<Output, Tensor> feeds = Map.of(a32, uniform(random, -2, 2, rows, 33), b32, uniform(random, 0.5, 2, rows, 33),
                row32, uniform(random, -2, 2, 33));
        compare(g, feeds, Tolerance.exact(), exact);
        compare(g, feeds, Tolerance.ofMagnitude(step(dtype), 0), transcendental);
    }

    /**
     * Identity, Reshape, Shape and a cond's Switch and Merge pass 16-bit tensors on unchanged (their GPU kernels
     * take them as they are, no float32 round trip), bit for bit as on the CPU.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "HALF"})
    void plumbingPassesSixteenBitTensorsOnUnchanged(DType dtype) {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x32 = tf.placeholder(DType.FLOAT32, Shape.of(4, 6, 6, 8), "x");
        Output pred = tf.placeholder(DType.BOOL, Shape.scalar(), "pred");
        Output x = tf.cast(x32, dtype);
        Output flat = tf.reshape(tf.identity(x), tf.constant(new int[] {4, -1}));
        Output shape = tf.shape(x);
        Output chosen = tf.cond(pred, () -> tf.multiply(flat, tf.cast(tf.constant(2f), dtype)), () -> tf.identity(flat));
        Tensor values = uniform(random, -3, 3, 4, 6, 6, 8);
        for (boolean p : new boolean[] {true, false}) {
            Map<Output, Tensor> feeds = Map.of(x32, values, pred, Tensor.of(p));
            compare(g, feeds, Tolerance.exact(), flat, chosen);
            compareWherever(g, feeds, Tolerance.exact(), shape);
        }
    }

    /**
     * The layout kernels (transpose, concatenation, stacking, slicing, tiling, gathering, splitting) move 16-bit
     * values as 2-byte words, bit for bit as the CPU.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"BFLOAT16", "HALF"})
    void layoutKernelsMoveSixteenBitValuesUnchanged(DType dtype) {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output a32 = tf.placeholder(DType.FLOAT32, Shape.of(3, 5, 7), "a");
        Output b32 = tf.placeholder(DType.FLOAT32, Shape.of(3, 2, 7), "b");
        Output a = tf.cast(a32, dtype);
        Output b = tf.cast(b32, dtype);
        List<Output> parts = tf.split(a, new int[] {1, 4}, 1);
        List<Output> rows = tf.unstack(a, 0);
        Output[] moved = {tf.transpose(a, new int[] {2, 0, 1}), tf.concat(List.of(a, b), 1), tf.stack(List.of(a, a), 1),
            rows.get(1), tf.slice(a, new int[] {1, 1, 2}, new int[] {2, 3, 5}),
            tf.stridedSlice(a, new int[] {0, 4, 1}, new int[] {3, 0, 7}, new int[] {2, -1, 3}),
            tf.tile(b, new int[] {2, 1, 3}), tf.gather(a, tf.constant(new int[] {4, 0, 4, 2}), 1), parts.get(0),
            parts.get(1), tf.split(a, 7, 2).get(3)};
        Map<Output, Tensor> feeds = Map.of(a32, uniform(random, -4, 4, 3, 5, 7), b32, uniform(random, -4, 4, 3, 2, 7));
        compare(g, feeds, Tolerance.exact(), moved);
    }
}
