package dev.tensorgraph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.train.LossScaleOptimizer;
import dev.tensorgraph.ops.train.MomentumOptimizer;
import dev.tensorgraph.ops.train.Optimizer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Automatic mixed precision ({@link SessionOptions#mixedPrecision}): which ops the rewrite paints, that a small
 * model trains to float32's accuracy in bfloat16 and in float16 with loss scaling, that variables stay float32,
 * and that loss scaling skips a step whose gradients overflow and raises its scale after a run of good steps.
 */
class MixedPrecisionTest {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MixedPrecisionTest.class);
    private static final int FEATURES = 16;
    private static final int HIDDEN = 32;
    private static final int CLASSES = 3;
    private static final int BATCH = 96;

    /** A two-layer classifier of three overlapping Gaussian blobs, with fixed initial weights. */
    private static final class Model {
        final Graph g = new Graph();
        final Tf tf = Tf.of(g);
        final Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, FEATURES), "x");
        final Output y = tf.placeholder(DType.INT32, Shape.of(-1), "y");
        final Variable w1 = tf.variable(tf.constant(randomMatrix(1, FEATURES, HIDDEN)), "w1");
        final Variable b1 = tf.variable(tf.zeros(Shape.of(HIDDEN), DType.FLOAT32), "b1");
        final Variable w2 = tf.variable(tf.constant(randomMatrix(2, HIDDEN, CLASSES)), "w2");
        final Variable b2 = tf.variable(tf.zeros(Shape.of(CLASSES), DType.FLOAT32), "b2");
        final Output hidden = tf.nn.relu(tf.nn.biasAdd(tf.matmul(x, w1), b1));
        final Output logits = tf.nn.biasAdd(tf.matmul(hidden, w2), b2);
        final Output loss = tf.losses.sparseSoftmaxCrossEntropy(y, logits);
        final Output correct = tf.reduceSum(tf.cast(tf.equal(tf.argmax(logits, 1, DType.INT32), y), DType.FLOAT32));
    }

    private static Tensor randomMatrix(long seed, int rows, int cols) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[rows * cols];
        double limit = Math.sqrt(6.0 / (rows + cols));
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((r.nextDouble() * 2 - 1) * limit);
        }
        return Tensor.of(DType.FLOAT32, Shape.of(rows, cols), v);
    }

    /** Batch {@code i}: BATCH points of the three blobs, centres 1.2 apart per feature, unit noise. */
    private static Map<String, Tensor> batch(long i) {
        SplittableRandom r = new SplittableRandom(1000 + i);
        float[] xs = new float[BATCH * FEATURES];
        int[] ys = new int[BATCH];
        for (int n = 0; n < BATCH; n++) {
            ys[n] = r.nextInt(CLASSES);
            for (int f = 0; f < FEATURES; f++) {
                double centre = ((f + ys[n]) % CLASSES == 0) ? 0.6 : -0.3;
                xs[n * FEATURES + f] = (float) (centre + r.nextGaussian());
            }
        }
        return Map.of("x", Tensor.of(DType.FLOAT32, Shape.of(BATCH, FEATURES), xs), "y", Tensor.of(DType.INT32, Shape.of(BATCH), ys));
    }

    @Test
    void paintsProductsAndTheLayersBetweenThemButNotLossOrUpdates() {
        Model m = new Model();
        Operation train = new MomentumOptimizer(0.1, 0.9).minimize(m.loss);
        Set<String> painted = MixedPrecisionRewrite.paint(m.g, Set.of(m.loss.op().name())).stream()
                .map(Operation::name).collect(Collectors.toSet());
        Set<String> types = MixedPrecisionRewrite.paint(m.g, Set.of()).stream().map(Operation::type)
                .collect(Collectors.toSet());
        // Both forward products and the four gradient products (two per MatMul, the one for x unused) run in 16
        // bits, with the hidden layer's BiasAdd, Relu and ReluGrad between them.
        assertTrue(painted.containsAll(Set.of(m.hidden.op().name(), m.hidden.op().input(0).op().name(),
                m.hidden.op().input(0).op().input(0).op().name(), m.logits.op().input(0).op().name())), painted.toString());
        assertEquals(6, MixedPrecisionRewrite.paint(m.g, Set.of()).stream().filter(o -> o.type().equals("MatMul")).count(),
                "every MatMul of the graph");
        assertEquals(6, m.g.operations().stream().filter(o -> o.type().equals("MatMul")).count());
        assertTrue(types.contains("ReluGrad"), types.toString());
        // The last BiasAdd feeds only the loss: float32, as are the loss, the updates and the variables.
        assertFalse(painted.contains(m.logits.op().name()));
        assertFalse(types.contains("SparseSoftmaxCrossEntropyWithLogits"));
        assertFalse(types.contains("ApplyMomentum"));
        assertFalse(types.contains("VariableV2"));
        assertFalse(painted.contains(train.name()));

        Graph rewritten = MixedPrecisionRewrite.rewrite(m.g, MixedPrecision.BF16, Set.of(m.loss.op().name()));
        Operation firstProduct = rewritten.operation(m.hidden.op().input(0).op().input(0).op().name());
        assertEquals(DType.BFLOAT16, firstProduct.attrType("T"));
        assertEquals("Cast", firstProduct.input(1).op().type());
        assertEquals("w1-0-CastToBf16-AutoMixedPrecision", firstProduct.input(1).op().name());
        assertEquals(DType.FLOAT32, rewritten.output(m.loss.name()).dtype());
        assertEquals(DType.FLOAT32, rewritten.output(m.logits.name()).dtype());
    }

    /** Test accuracy (fraction) after 60 momentum steps in the given mode (null: float32). */
    private static double train(MixedPrecision mode, boolean lossScaling) {
        Model m = new Model();
        Optimizer momentum = new MomentumOptimizer(0.05, 0.9);
        Operation train = lossScaling ? new LossScaleOptimizer(momentum).minimize(m.loss) : momentum.minimize(m.loss);
        SessionOptions options = SessionOptions.cpuOnly().mixedPrecision(mode);
        try (Session s = new Session(m.g, options)) {
            s.run(m.tf.globalVariablesInitializer());
            for (int step = 0; step < 60; step++) {
                Map<String, Tensor> b = batch(step);
                s.runner().feed(m.x, b.get("x")).feed(m.y, b.get("y")).target(train).run();
            }
            assertEquals(DType.FLOAT32, s.variableValue(m.w1).dtype());
            if (mode != null) {
                String plan = String.join("\n", s.describePlan(List.of(), Set.of(m.x, m.y), List.of(train)));
                assertTrue(plan.contains("CastTo" + (mode == MixedPrecision.BF16 ? "Bf16" : "Fp16")), plan);
            }
            double correct = 0;
            for (int t = 0; t < 5; t++) {
                Map<String, Tensor> b = batch(10_000 + t);
                correct += s.runner().feed(m.x, b.get("x")).feed(m.y, b.get("y")).fetch(m.correct).run().get(0).floatValue();
            }
            return correct / (5.0 * BATCH);
        }
    }

    @ParameterizedTest
    @EnumSource(MixedPrecision.class)
    void trainsToFloat32Accuracy(MixedPrecision mode) {
        double float32 = train(null, false);
        double mixed = train(mode, mode == MixedPrecision.FP16);
        assertTrue(float32 > 0.8, "float32 accuracy " + float32);
        LOG.info("accuracy after 60 steps: float32 {}, {} {}", float32, mode, mixed);
        assertTrue(Math.abs(mixed - float32) <= 0.02, mode + " accuracy " + mixed + " vs float32 " + float32);
    }

    @Test
    void overflowSkipsTheStepAndLowersTheScaleGoodStepsRaiseIt() {
        Model m = new Model();
        // 1e30 times the loss overflows float16 in the first 16-bit gradient product.
        LossScaleOptimizer opt = new LossScaleOptimizer(new MomentumOptimizer(0.05, 0.9), 1e30, 2, 2);
        Operation train = opt.minimize(m.loss);
        try (Session s = new Session(m.g, SessionOptions.cpuOnly().mixedPrecision(MixedPrecision.FP16))) {
            s.run(m.tf.globalVariablesInitializer());
            float[] before = s.variableValue(m.w1).floats();
            Map<String, Tensor> b = batch(0);
            s.runner().feed(m.x, b.get("x")).feed(m.y, b.get("y")).target(train).run();
            assertArrayEquals(before, s.variableValue(m.w1).floats(), 0f, "an overflowing step changes nothing");
            assertEquals(5e29f, s.variableValue(opt.lossScale()).floatValue(), 1e23f);
            assertEquals(0L, s.variableValue(opt.goodSteps()).longValue());
            Variable momentumSlot = null;
            for (Variable v : m.g.collection(GraphKeys.GLOBAL_VARIABLES, Variable.class)) {
                if (v.opName().startsWith("w1/Momentum")) {
                    momentumSlot = v;
                }
            }
            assertNotNull(momentumSlot);
            assertArrayEquals(new float[FEATURES * HIDDEN], s.variableValue(momentumSlot).floats(), 0f);

            s.setVariableValue(opt.lossScale(), Tensor.of(128f));
            s.runner().feed(m.x, b.get("x")).feed(m.y, b.get("y")).target(train).run();
            assertFalse(java.util.Arrays.equals(before, s.variableValue(m.w1).floats()), "a finite step applies");
            assertEquals(128f, s.variableValue(opt.lossScale()).floatValue());
            assertEquals(1L, s.variableValue(opt.goodSteps()).longValue());
            s.runner().feed(m.x, b.get("x")).feed(m.y, b.get("y")).target(train).run();
            assertEquals(256f, s.variableValue(opt.lossScale()).floatValue(), "raised after 2 good steps");
            assertEquals(0L, s.variableValue(opt.goodSteps()).longValue());
        }
    }

    /** Losses of 6 Adam steps of a small CNN (conv 8@3x3 + ReLU, max-pool 2x2, dense 3) on fixed data. */
    private static float[] cnnLosses(MixedPrecision mode, Set<String> paintedTypes) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 10, 10, 2), "images");
        Output y = tf.placeholder(DType.INT32, Shape.of(-1), "labels");
        Variable k = tf.variable(tf.constant(randomMatrix(3, 3 * 3 * 2, 8).reshaped(Shape.of(3, 3, 2, 8))), "kernel");
        Variable bias = tf.variable(tf.zeros(Shape.of(8), DType.FLOAT32), "bias");
        Variable w = tf.variable(tf.constant(randomMatrix(4, 5 * 5 * 8, CLASSES)), "dense");
        Output conv = tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(x, k, new int[] {1, 1, 1, 1}, "SAME"), bias));
        Output pooled = tf.nn.maxPool(conv, new int[] {1, 2, 2, 1}, new int[] {1, 2, 2, 1}, "VALID");
        Output logits = tf.matmul(tf.reshape(pooled, new int[] {-1, 5 * 5 * 8}), w);
        Output loss = tf.losses.sparseSoftmaxCrossEntropy(y, logits);
        Operation train = new dev.tensorgraph.ops.train.AdamOptimizer(1e-2).minimize(loss);
        MixedPrecisionRewrite.paint(g, Set.of(loss.op().name())).forEach(o -> paintedTypes.add(o.type()));
        SplittableRandom r = new SplittableRandom(77);
        float[] images = new float[32 * 10 * 10 * 2];
        int[] labels = new int[32];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = r.nextInt(CLASSES);
        }
        float[] losses = new float[6];
        try (Session s = new Session(g, SessionOptions.cpuOnly().mixedPrecision(mode))) {
            s.run(tf.globalVariablesInitializer());
            for (int step = 0; step < losses.length; step++) {
                losses[step] = s.runner().feed(x, Tensor.of(DType.FLOAT32, Shape.of(32, 10, 10, 2), images))
                        .feed(y, Tensor.of(DType.INT32, Shape.of(32), labels)).fetch(loss).target(train).run()
                        .get(0).floatValue();
            }
        }
        return losses;
    }

    @Test
    void convolutionalModelWithPoolingFollowsFloat32InBf16() {
        Set<String> types = new java.util.HashSet<>();
        float[] float32 = cnnLosses(null, new java.util.HashSet<>());
        float[] bf16 = cnnLosses(MixedPrecision.BF16, types);
        assertTrue(types.containsAll(Set.of("Conv2D", "Conv2DBackpropFilter", "BiasAdd", "Relu", "MaxPool",
                "MaxPoolGrad", "ReluGrad", "Reshape", "MatMul")), types.toString());
        assertFalse(types.contains("BiasAddGrad"), "the conv bias gradient feeds only the optimizer: float32");
        for (int i = 0; i < float32.length; i++) {
            assertEquals(float32[i], bf16[i], 0.03 * float32[i], "loss at step " + i);
        }
        assertTrue(bf16[5] < bf16[0], java.util.Arrays.toString(bf16));
    }

    /**
     * TensorFlow's allow list (cuDNN 8 and later) has the depthwise convolution and both its backprops: a
     * MobileNet-style block runs them in 16 bits, with casts of the placeholder and the variable in and of the
     * results out, and gives float32's loss and gradients within bfloat16's rounding.
     */
    @Test
    void depthwiseConvolutionAndItsBackpropsRunIn16BitsWithCastsAroundThem() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2, 6, 6, 3), "images");
        Variable w = tf.variable(tf.constant(randomMatrix(5, 3 * 3 * 3, 2).reshaped(Shape.of(3, 3, 3, 2))), "depthwise");
        Output dw = tf.nn.depthwiseConv2dNative(x, w, new int[] {1, 1, 1, 1}, "SAME");
        Output loss = tf.reduceSum(tf.multiply(tf.nn.relu6(dw), tf.nn.relu6(dw)));
        List<Output> grads = tf.gradients(loss, List.of(x, w));
        Output dx = tf.identity(grads.get(0));
        Output dwGrad = tf.identity(grads.get(1));
        Set<String> preserved = Set.of(loss.op().name(), dx.op().name(), dwGrad.op().name());
        Set<String> types = MixedPrecisionRewrite.paint(g, preserved).stream().map(Operation::type)
                .collect(Collectors.toSet());
        assertTrue(types.containsAll(Set.of("DepthwiseConv2dNative", "DepthwiseConv2dNativeBackpropInput",
                "DepthwiseConv2dNativeBackpropFilter")), types.toString());

        Graph rewritten = MixedPrecisionRewrite.rewrite(g, MixedPrecision.BF16, preserved);
        Operation forward = rewritten.operation(dw.op().name());
        assertEquals(DType.BFLOAT16, forward.attrType("T"));
        assertEquals("images-0-CastToBf16-AutoMixedPrecision", forward.input(0).op().name());
        assertEquals("depthwise-0-CastToBf16-AutoMixedPrecision", forward.input(1).op().name());
        List<Output> fetchedGrads = List.of(dx, dwGrad);
        for (int k = 0; k < 2; k++) {
            Operation backprop = rewritten.operation(grads.get(k).op().name());
            assertEquals(DType.BFLOAT16, backprop.attrType("T"), backprop.name());
            Operation fetched = rewritten.operation(fetchedGrads.get(k).op().name());
            assertEquals(backprop.name() + "-0-CastToFp32-AutoMixedPrecision", fetched.input(0).op().name());
            assertEquals(DType.FLOAT32, fetched.output(0).dtype());
        }

        SplittableRandom r = new SplittableRandom(91);
        float[] images = new float[2 * 6 * 6 * 3];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) r.nextGaussian();
        }
        Tensor feed = Tensor.of(DType.FLOAT32, Shape.of(2, 6, 6, 3), images);
        List<Tensor> float32;
        List<Tensor> bf16;
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            float32 = s.runner().feed(x, feed).fetch(loss).fetch(dx).fetch(dwGrad).run();
        }
        try (Session s = new Session(g, SessionOptions.cpuOnly().mixedPrecision(MixedPrecision.BF16))) {
            s.run(tf.globalVariablesInitializer());
            bf16 = s.runner().feed(x, feed).fetch(loss).fetch(dx).fetch(dwGrad).run();
        }
        for (int k = 0; k < 3; k++) {
            float[] want = float32.get(k).floats();
            float[] got = bf16.get(k).floats();
            double scale = 0;
            for (float v : want) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < want.length; i++) {
                // a few bfloat16 roundings (2^-8 each) of terms of the size of the largest value
                assertEquals(want[i], got[i], 0.05 * scale, "fetch " + k + " element " + i);
            }
        }
    }
}
