package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assertClose;
import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static dev.tensorgraph.cuda.GpuTestSupport.cpuSession;
import static dev.tensorgraph.cuda.GpuTestSupport.gpuOptions;
import static dev.tensorgraph.cuda.GpuTestSupport.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.MixedPrecision;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.cuda.GpuTestSupport.Tolerance;
import dev.tensorgraph.ops.Tf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The GPU's convolution folding and fusion ({@code FoldIntoConvPass} and the {@code _FusedConv2D} kernel) on a
 * layer as an imported Keras inference graph has it: weights in reference variables read through Identity, the
 * batch normalization as {@code x * s + t} with {@code s} and {@code t} computed from its variables, optionally a
 * residual shortcut added, then Relu, Relu6 or nothing; and a depthwise convolution so normalized then Relu6 (one
 * _FusedDepthwiseConv2dNative with its folded bias and Relu6). Each against the CPU's result of the same graph: exact FP32 within
 * 1e-4 relative plus 1e-5 of the largest output (for sums that cancel), TF32 within 2e-3 relative plus 2e-3 of
 * the largest output; the plan must show the fused steps, and a changed variable must change the next run's
 * result (the fold is computed in every run).
 */
class FoldIntoConvGpuTest {
    private static final long[] INPUT = {4, 12, 12, 16};
    /** Output channels: a Conv2D's, or the depthwise convolution's 16 input channels times multiplier 2. */
    private static final int C = 32;

    private final Random random = new Random(1818);

    private final class Layer {
        final Graph g = new Graph();
        final Tf tf = Tf.of(g);
        final Output x = tf.placeholder(DType.FLOAT32, Shape.of(INPUT), "x");
        final Output shortcut = tf.placeholder(DType.FLOAT32, Shape.of(INPUT[0], INPUT[1], INPUT[2], C), "shortcut");
        final boolean depthwise;
        final boolean residual;
        final Variable gamma;
        final Output conv;
        final Output scaled;
        final Output shifted;
        final Output y;

        Layer(String activation) {
            this(activation, false, false);
        }

        /** {@code depthwise}: a depthwise convolution (multiplier 2) without bias; {@code residual}: a shortcut. */
        Layer(String activation, boolean depthwise, boolean residual) {
            this.depthwise = depthwise;
            this.residual = residual;
            long[] filter = depthwise ? new long[] {3, 3, INPUT[3], C / INPUT[3]} : new long[] {3, 3, INPUT[3], C};
            Variable w = tf.variable(tf.constant(uniform(random, -0.3, 0.3, filter)), "kernel");
            Variable b = tf.variable(tf.constant(uniform(random, -0.5, 0.5, C)), "bias");
            gamma = tf.variable(tf.constant(uniform(random, 0.5, 1.5, C)), "gamma");
            Variable beta = tf.variable(tf.constant(uniform(random, -0.5, 0.5, C)), "beta");
            Variable mean = tf.variable(tf.constant(uniform(random, -0.5, 0.5, C)), "moving_mean");
            Variable variance = tf.variable(tf.constant(uniform(random, 0.5, 2, C)), "moving_variance");
            Output s = tf.multiply(tf.identity(gamma), tf.rsqrt(tf.add(tf.identity(variance), tf.constant(1e-3f))));
            Output t = tf.subtract(tf.identity(beta), tf.multiply(tf.identity(mean), s));
            int[] strides = {1, 1, 1, 1};
            conv = depthwise ? tf.nn.depthwiseConv2dNative(x, tf.identity(w), strides, "SAME")
                    : tf.nn.conv2d(x, tf.identity(w), strides, "SAME");
            scaled = tf.multiply(depthwise ? conv : tf.nn.biasAdd(conv, tf.identity(b)), s);
            shifted = tf.add(scaled, t);
            Output last = residual ? tf.add(shifted, shortcut) : shifted;
            y = activation == null ? last : activation.equals("Relu") ? tf.nn.relu(last) : tf.nn.relu6(last);
        }

        private static String step(Output o) {
            return o.op().name() + " (" + o.op().type() + ")";
        }

        /** Fails unless the plan ran the layer as the fold and fusion make it. */
        void checkPlan(List<String> plan) {
            String text = String.join("\n", plan);
            // An op's own line reads "name (type)"; the fused convolution takes the name of the chain's last op.
            assertTrue(plan.stream().noneMatch(l -> l.startsWith(step(shifted))),
                    "the batch norm's shift still runs as a step of its own:\n" + text);
            String fused = depthwise ? "_FusedDepthwiseConv2dNative" : "_FusedConv2D";
            assertTrue(plan.stream().anyMatch(l -> l.startsWith(y.op().name() + " (" + fused + ") @ GPU")),
                    "no " + fused + " on the GPU in the plan:\n" + text);
            assertTrue(plan.stream().noneMatch(l -> l.startsWith(step(scaled)) || l.startsWith(step(conv))),
                    "an op of the layer still runs on its own:\n" + text);
        }
    }

    /** Runs {@code fetches} after initializing the variables; checks the plan fused the layer when on the GPU. */
    private static List<Tensor> run(Layer l, SessionOptions options, List<Output> fetches, Map<Output, Tensor> feeds,
                                    Tensor newGamma) {
        try (Session s = options == null ? cpuSession(l.g) : new Session(l.g, options)) {
            s.run(l.tf.globalVariablesInitializer());
            List<Tensor> out = new ArrayList<>(s.run(fetches, feeds));
            if (options != null) {
                l.checkPlan(s.describePlan(fetches, feeds.keySet(), List.of()));
            }
            s.setVariableValue(l.gamma, newGamma);
            out.addAll(s.run(fetches, feeds));
            return out;
        }
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (float v : t.floats()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private void check(String activation, boolean tf32) {
        check(new Layer(activation), activation, tf32);
    }

    private void check(Layer l, String activation, boolean tf32) {
        assumeGpu();
        Map<Output, Tensor> feeds = l.residual
                ? Map.of(l.x, uniform(random, -1, 1, INPUT), l.shortcut, uniform(random, -1, 1, l.shortcut.shape().dims()))
                : Map.of(l.x, uniform(random, -1, 1, INPUT));
        Tensor newGamma = uniform(random, -2, -1, C);
        List<Tensor> cpu = run(l, null, List.of(l.y), feeds, newGamma);
        List<Tensor> gpu = run(l, gpuOptions().allowTf32(tf32), List.of(l.y), feeds, newGamma);
        double relative = tf32 ? 2e-3 : 1e-4;
        for (int i = 0; i < 2; i++) {
            String what = (l.depthwise ? "depthwise, " : "") + (activation == null ? "identity" : activation)
                    + (tf32 ? ", TF32" : ", FP32") + (i == 0 ? ", first run" : ", after gamma changed");
            // Near-zero outputs (sums that cancel) get the rounding of the largest: TF32's of about 2^-11 per product.
            double ofLargest = (tf32 ? relative : relative * 0.1) * maxAbs(cpu.get(i));
            assertClose(what, cpu.get(i), gpu.get(i), Tolerance.relative(relative, ofLargest), null);
        }
        assertTrue(maxAbs(cpu.get(0)) > 0 && !java.util.Arrays.equals(cpu.get(0).floats(), cpu.get(1).floats()),
                "the new gamma changes the CPU result");
    }

    @Test
    void reluLayerMatchesTheCpuInFp32() {
        check("Relu", false);
    }

    @Test
    void relu6LayerMatchesTheCpuInFp32() {
        check("Relu6", false);
    }

    @Test
    void layerWithoutActivationMatchesTheCpuInFp32() {
        check(null, false);
    }

    @Test
    void reluLayerMatchesTheCpuInTf32() {
        check("Relu", true);
    }

    @Test
    void residualLayerMatchesTheCpuInFp32() {
        check(new Layer("Relu", false, true), "Relu", false);
    }

    @Test
    void depthwiseRelu6LayerMatchesTheCpuInFp32() {
        check(new Layer("Relu6", true, false), "Relu6", false);
    }

    /**
     * Under bfloat16 mixed precision the layer's 16-bit convolution is folded (in float32, rounded once) and fused
     * too, shortcut included; the GPU's result is the CPU's, which runs the rewritten graph unfolded and rounds after
     * each op, within a few bfloat16 roundings (2^-5 relative plus 2^-6 of the largest output).
     */
    @Test
    void residualLayerInBfloat16MixedPrecisionIsFoldedAndMatchesTheCpu() {
        assumeGpu();
        Layer l = new Layer("Relu", false, true);
        Map<Output, Tensor> feeds = Map.of(l.x, uniform(random, -1, 1, INPUT), l.shortcut,
                uniform(random, -1, 1, l.shortcut.shape().dims()));
        // Mixed precision paints the ops between two convolutions (allow-list ops) 16-bit, as in a model's inner
        // layers: a 1x1 convolution follows the layer, and a fetched Identity keeps float32.
        Variable next = l.tf.variable(l.tf.constant(uniform(random, -0.3, 0.3, 1, 1, C, 8)), "next_kernel");
        Output out = l.tf.identity(l.tf.nn.conv2d(l.y, l.tf.identity(next), new int[] {1, 1, 1, 1}, "SAME"));
        Tensor cpu;
        try (Session s = new Session(l.g, SessionOptions.cpuOnly().mixedPrecision(MixedPrecision.BF16))) {
            s.run(l.tf.globalVariablesInitializer());
            cpu = s.run(List.of(out), feeds).get(0);
        }
        try (Session s = new Session(l.g, gpuOptions().mixedPrecision(MixedPrecision.BF16))) {
            s.run(l.tf.globalVariablesInitializer());
            Tensor gpu = s.run(List.of(out), feeds).get(0);
            String plan = String.join("\n", s.describePlan(List.of(out), feeds.keySet(), List.of()));
            assertTrue(plan.contains("(_FusedConv2D) @ GPU")
                    && plan.lines().noneMatch(line -> line.startsWith(l.conv.op().name() + " (Conv2D)")), plan);
            assertClose("bfloat16 residual layer", cpu, gpu,
                    Tolerance.relative(Math.pow(2, -5), Math.pow(2, -6) * maxAbs(cpu)), null);
        }
    }

    /** A plan fetching a gradient: ReluGrad reads the fused output, and the input gradient matches the CPU. */
    @Test
    void gradientThroughTheFusedLayerMatchesTheCpu() {
        assumeGpu();
        Layer l = new Layer("Relu");
        Output target = l.tf.placeholder(DType.FLOAT32, l.y.shape(), "target");
        Output loss = l.tf.reduceSum(l.tf.square(l.tf.subtract(l.y, target)));
        Output dx = l.tf.gradients(loss, List.of(l.x)).get(0);
        Map<Output, Tensor> feeds = Map.of(l.x, uniform(random, -1, 1, INPUT), target,
                uniform(random, -1, 1, l.y.shape().dims()));
        Tensor gamma = uniform(random, 0.5, 1.5, C);
        List<Tensor> cpu = run(l, null, List.of(dx), feeds, gamma);
        List<Tensor> gpu = run(l, gpuOptions(), List.of(dx), feeds, gamma);
        assertEquals(cpu.size(), gpu.size());
        for (int i = 0; i < cpu.size(); i++) {
            assertClose("input gradient, run " + i, cpu.get(i), gpu.get(i),
                    Tolerance.relative(1e-4, 1e-6 * maxAbs(cpu.get(i)) * 100), null);
        }
        try (Session s = new Session(l.g, gpuOptions())) {
            String plan = String.join("\n", s.describePlan(List.of(dx), Set.of(l.x, target), List.of()));
            assertTrue(plan.contains("(_FusedConv2D) @ GPU") && plan.contains("(ReluGrad) @ GPU"), plan);
        }
    }
}
