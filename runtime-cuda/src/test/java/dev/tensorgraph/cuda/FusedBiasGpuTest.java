package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static dev.tensorgraph.cuda.GpuTestSupport.compare;
import static dev.tensorgraph.cuda.GpuTestSupport.gpuSession;
import static dev.tensorgraph.cuda.GpuTestSupport.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.cuda.GpuTestSupport.Tolerance;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The fused GPU kernels (BiasAdd then Relu; ReluGrad with BiasAddGrad) against the CPU, forward and
 * gradient: channel counts that are and are not multiples of 4 (the float4 path and the scalar one), many
 * rows with few channels (a long fold over row chunks), a dense layer's [128, 4096] (one chunk), and NCHW.
 * Activations and ReluGrad must be exact; the bias gradient within 1e-5 of the sum of |terms| per channel
 * (the GPU sums in another order).
 */
class FusedBiasGpuTest {
    private final Random random = new Random(4242);

    private static final long[][] SHAPES = {
            {8, 27, 27, 64}, {4, 13, 13, 3}, {128, 4096}, {300000, 2}, {2, 5, 5, 7}, {1, 1, 1, 1}, {33, 20}};

    @Test
    void fusedBiasReluAndItsGradientsMatchTheCpu() {
        assumeGpu();
        for (long[] shape : SHAPES) {
            check(shape, "NHWC");
        }
        check(new long[] {4, 6, 5, 5}, "NCHW");
    }

    private void check(long[] shape, String format) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        long channels = format.equals("NHWC") ? shape[shape.length - 1] : shape[1];
        Output v = tf.placeholder(DType.FLOAT32, Shape.of(shape), "v");
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(channels), "b");
        Output r = tf.placeholder(DType.FLOAT32, Shape.of(shape), "r");
        Output y = tf.nn.relu(tf.nn.biasAdd(v, b, format, null));
        List<Output> grads = tf.gradients(tf.reduceSum(tf.multiply(y, r)), List.of(v, b));
        Map<Output, Tensor> feeds = Map.of(v, uniform(random, -1, 1, shape), b, uniform(random, -0.5, 0.5, channels),
                r, uniform(random, -1, 1, shape));
        compare(g, feeds, Tolerance.exact(), y, grads.get(0));
        compare(g, feeds, Tolerance.ofMagnitude(1e-5, 0), grads.get(1));
        try (Session s = gpuSession(g)) {
            List<String> plan = s.describePlan(List.of(y, grads.get(1)), feeds.keySet(), List.of());
            String text = String.join("\n", plan);
            assertTrue(plan.stream().anyMatch(l -> l.contains("(BiasAdd) @ GPU") && l.contains("fused with")), text);
            assertEquals(format.equals("NHWC"),
                    plan.stream().anyMatch(l -> l.contains("(BiasAddGrad) @ GPU") && l.contains("fused with")), text);
        }
    }

    @Test
    void mismatchedBiasOrGradientShapesNameTheOp() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output v = tf.placeholder(DType.FLOAT32, Shape.unknownOfRank(2), "v");
        Output b = tf.placeholder(DType.FLOAT32, Shape.unknownOfRank(1), "b");
        Output y = tf.nn.relu(tf.nn.biasAdd(v, b, "NHWC", "layer_bias"));
        try (Session s = gpuSession(g)) {
            assertTrue(s.describePlan(List.of(y), Set.of(v, b), List.of()).stream()
                    .anyMatch(l -> l.startsWith("layer_bias (BiasAdd) @ GPU") && l.contains("fused with")));
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> s.run(y, Map.of(v, uniform(random, -1, 1, 2, 3), b, uniform(random, -1, 1, 4))));
            assertTrue(e.getMessage().contains("layer_bias") && e.getMessage().contains("biases"), e.getMessage());
            Tensor ok = s.run(y, Map.of(v, Tensor.of(DType.FLOAT32, Shape.of(1, 2), new float[] {1, -5}),
                    b, Tensor.of(DType.FLOAT32, Shape.of(2), new float[] {0.5f, 1})));
            assertEquals(1.5f, ok.floats()[0]);
            assertEquals(0f, ok.floats()[1]);
        }
    }
}
