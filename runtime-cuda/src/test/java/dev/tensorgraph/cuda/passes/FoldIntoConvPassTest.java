package dev.tensorgraph.cuda.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.nn.ConvAttrs;
import dev.tensorgraph.rewrite.PlanRewriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link FoldIntoConvPass} on the CPU (whose {@code _FusedConv2D} kernel runs what the pass makes): a Keras
 * inference layer ({@code Conv2D -> BiasAdd -> Mul s -> AddV2 t -> Relu}, with {@code s} and {@code t}
 * computed from the layer's weights as Keras does) becomes one fused step whose filter and bias are computed
 * by ops of the plan, with the unfolded graph's results within float32 rounding; a value fetched or read
 * elsewhere stops the chain before it; a training graph's ReluGrad reads the fused step's output.
 */
class FoldIntoConvPassTest {
    /** Output channels: a Conv2D's, or a depthwise convolution's 3 input channels times multiplier 2. */
    private static final int C = 6;

    private static Tensor random(long seed, long... dims) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[(int) Shape.of(dims).numElements()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return Tensor.of(DType.FLOAT32, Shape.of(dims), v);
    }

    /** A layer as an imported Keras graph has it: weights behind Identity reads, batch norm as x * s + t. */
    private static final class Layer {
        final Graph g = new Graph();
        final Tf tf = Tf.of(g);
        final Output x;
        final Output shortcut;
        final Output conv;
        final Output biased;
        final Output scaled;
        final Output shifted;
        final Output y;

        Layer(String activation) {
            this(activation, false, false, false);
        }

        Layer(String activation, boolean depthwise, boolean residual) {
            this(activation, depthwise, residual, false);
        }

        /**
         * {@code depthwise}: a depthwise convolution (multiplier 2) without bias; {@code residual}: a shortcut added;
         * {@code unknownSizes}: as W10's graph has it, batch and image sizes unknown and the batch norm's scale
         * and shift of shape [1, 1, 1, C].
         */
        Layer(String activation, boolean depthwise, boolean residual, boolean unknownSizes) {
            this(activation, depthwise, residual, unknownSizes, DType.FLOAT32);
        }

        /**
         * {@code dtype}: a 16-bit type makes the layer as a mixed-precision rewrite leaves it: the input, the
         * shortcut, the weights and the batch norm's factors cast from float32, every op of the layer in 16 bits.
         */
        Layer(String activation, boolean depthwise, boolean residual, boolean unknownSizes, DType dtype) {
            x = tf.placeholder(DType.FLOAT32, unknownSizes ? Shape.of(-1, -1, -1, 3) : Shape.of(2, 7, 7, 3), "x");
            shortcut = tf.placeholder(DType.FLOAT32, unknownSizes ? Shape.of(-1, -1, -1, C) : Shape.of(2, 4, 7, C),
                    "shortcut");
            UnaryOperator<Output> narrow = v -> dtype == DType.FLOAT32 ? v : tf.cast(v, dtype);
            Output w = tf.identity(tf.constant(depthwise ? random(1, 3, 3, 3, C / 3) : random(1, 3, 3, 3, C)));
            Output b = tf.identity(tf.constant(random(2, C)));
            Output gamma = tf.identity(tf.constant(random(3, C)));
            Output beta = tf.identity(tf.constant(random(4, C)));
            Output mean = tf.identity(tf.constant(random(5, C)));
            Output variance = tf.add(tf.abs(tf.identity(tf.constant(random(6, C)))), tf.constant(0.5f));
            Output s = tf.multiply(gamma, tf.rsqrt(tf.add(variance, tf.constant(1e-3f))));
            Output t = tf.subtract(beta, tf.multiply(mean, s));
            if (unknownSizes) {
                s = tf.reshape(s, new int[] {1, 1, 1, C});
                t = tf.reshape(t, new int[] {1, 1, 1, C});
            }
            Output input = narrow.apply(x);
            w = narrow.apply(w);
            conv = depthwise ? tf.nn.depthwiseConv2dNative(input, w, new int[] {1, 2, 1, 1}, "SAME")
                    : tf.nn.conv2d(input, w, new int[] {1, 2, 1, 1}, "SAME");
            biased = depthwise ? conv : tf.nn.biasAdd(conv, narrow.apply(b));
            scaled = tf.multiply(biased, narrow.apply(s));
            shifted = tf.add(scaled, narrow.apply(t));
            Output last = residual ? tf.add(shifted, narrow.apply(shortcut)) : shifted;
            y = activation == null ? last : activation.equals("Relu") ? tf.nn.relu(last) : tf.nn.relu6(last);
        }
    }

    private static PlanRewriter.Rewritten rewrite(Graph g, Output x, List<Output> fetches) {
        List<Operation> needed = new ArrayList<>(g.operations());
        needed.remove(x.op());
        needed.removeIf(op -> !reaches(op, fetches));
        return PlanRewriter.rewrite(List.of(x), fetches, List.of(), needed, List.of(new FoldIntoConvPass()), op -> PlanRewriter.Rewritable.PLAIN);
    }

    private static boolean reaches(Operation op, List<Output> fetches) {
        for (Output f : fetches) {
            if (ancestor(op, f.op())) {
                return true;
            }
        }
        return false;
    }

    private static boolean ancestor(Operation a, Operation b) {
        if (a == b) {
            return true;
        }
        for (Output in : b.inputs()) {
            if (ancestor(a, in.op())) {
                return true;
            }
        }
        return false;
    }

    private static List<Tensor> run(List<Output> fetches, Output x, Tensor feed) {
        try (Session s = new Session(fetches.get(0).graph(), SessionOptions.cpuOnly())) {
            var runner = s.runner().feed(x, feed);
            fetches.forEach(runner::fetch);
            return runner.run();
        }
    }

    private static long count(Graph g, String type) {
        return g.operations().stream().filter(o -> o.type().equals(type)).count();
    }

    private static void assertClose(Tensor want, Tensor got, String what) {
        float[] a = want.floats();
        float[] b = got.floats();
        assertEquals(a.length, b.length, what);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-5 * Math.max(1, Math.abs(a[i])), what + " element " + i + " of "
                    + want.shape() + ": unfolded " + a[i] + ", folded " + b[i]);
        }
    }

    @Test
    void kerasLayerBecomesOneFusedStepWithTheUnfoldedResults() {
        for (String activation : Arrays.asList("Relu", "Relu6", null)) {
            Layer l = new Layer(activation);
            PlanRewriter.Rewritten r = rewrite(l.g, l.x, List.of(l.y));
            assertNotNull(r, "activation " + activation);
            Graph out = r.fetches().get(0).graph();
            Operation fused = r.fetches().get(0).op();
            assertEquals("_FusedConv2D", fused.type(), "activation " + activation);
            List<String> want = activation == null ? List.of("BiasAdd") : List.of("BiasAdd", activation);
            assertEquals(want, List.of((String[]) fused.attr("fused_ops")));
            assertEquals(l.y.op().name(), fused.name(), "the fused step takes the last op's name");
            assertEquals(0, count(out, "Conv2D") + count(out, "BiasAdd") + count(out, "Relu") + count(out, "Relu6"));
            // the filter is the product of the weights' read and the scale, computed in the plan
            assertEquals("Mul", fused.input(1).op().type());
            assertEquals(r.feeds().get(0), fused.input(0));
            Tensor feed = random(9, 2, 7, 7, 3);
            assertClose(run(List.of(l.y), l.x, feed).get(0), run(r.fetches(), r.feeds().get(0), feed).get(0),
                    "activation " + activation);
        }
    }

    /**
     * A layer as a bfloat16 or float16 mixed-precision rewrite leaves it becomes one 16-bit fused step whose filter
     * and bias are folded in float32 from the values before their casts and rounded once; its results are the
     * unfolded layer's within a few 16-bit roundings (the unfolded one rounds after each of its four ops).
     */
    @Test
    void sixteenBitLayerFoldsInFloat32AndRoundsOnce() {
        for (DType dtype : List.of(DType.BFLOAT16, DType.HALF)) {
            for (boolean depthwise : new boolean[] {false, true}) {
                Layer l = new Layer("Relu", depthwise, false, false, dtype);
                PlanRewriter.Rewritten r = rewrite(l.g, l.x, List.of(l.y));
                String what = dtype + (depthwise ? " depthwise" : "");
                assertNotNull(r, what);
                Operation last = r.fetches().get(0).op();
                Operation convolution = last;
                assertEquals(depthwise ? "_FusedDepthwiseConv2dNative" : "_FusedConv2D", convolution.type(), what);
                assertEquals(dtype, convolution.output(0).dtype(), what);
                // the filter: float32 weights times the float32 scale, rounded once
                Operation filter = convolution.input(1).op();
                assertEquals("Cast", filter.type(), what);
                assertEquals("Mul", filter.input(0).op().type(), what);
                assertEquals(DType.FLOAT32, filter.input(0).dtype(), what);
                Tensor feed = random(9, 2, 7, 7, 3);
                float[] want = run(List.of(tf32(l.y)), l.x, feed).get(0).floats();
                float[] got = run(List.of(tf32(r.fetches().get(0))), r.feeds().get(0), feed).get(0).floats();
                double step = dtype == DType.BFLOAT16 ? Math.pow(2, -8) : Math.pow(2, -11);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 8 * step * Math.max(1, Math.abs(want[i])),
                            what + " element " + i + ": unfolded " + want[i] + ", folded " + got[i]);
                }
            }
        }
    }

    /** {@code v} widened to float32 in its own graph, for reading its values. */
    private static Output tf32(Output v) {
        return Tf.of(v.graph()).cast(v, DType.FLOAT32);
    }

    @Test
    void fetchedOrSharedValuesStopTheChainBeforeThem() {
        Layer fetchedBias = new Layer("Relu");
        PlanRewriter.Rewritten r = rewrite(fetchedBias.g, fetchedBias.x, List.of(fetchedBias.y, fetchedBias.biased));
        assertNotNull(r);
        Operation fused = r.fetches().get(1).op();
        assertEquals("_FusedConv2D", fused.type(), "conv and BiasAdd fuse; the BiasAdd output is fetched");
        assertEquals(List.of("BiasAdd"), List.of((String[]) fused.attr("fused_ops")));
        assertEquals("Relu", r.fetches().get(0).op().type());
        Tensor feed = random(10, 2, 7, 7, 3);
        List<Tensor> want = run(List.of(fetchedBias.y, fetchedBias.biased), fetchedBias.x, feed);
        List<Tensor> got = run(r.fetches(), r.feeds().get(0), feed);
        assertClose(want.get(0), got.get(0), "relu");
        assertClose(want.get(1), got.get(1), "bias add");

        Layer fetchedConv = new Layer("Relu");
        assertNull(rewrite(fetchedConv.g, fetchedConv.x, List.of(fetchedConv.y, fetchedConv.conv)),
                "a fetched convolution output keeps the graph as written");

        Layer sharedScaled = new Layer("Relu");
        Output other = sharedScaled.tf.reduceSum(sharedScaled.scaled);
        PlanRewriter.Rewritten s = rewrite(sharedScaled.g, sharedScaled.x, List.of(sharedScaled.y, other));
        assertNotNull(s);
        Operation relu = s.fetches().get(0).op();
        assertEquals("Relu", relu.type());
        assertEquals(sharedScaled.shifted.op().type(), relu.input(0).op().type(), "the shift stays: the scaled value has two readers");
        assertEquals("_FusedConv2D", relu.input(0).op().input(0).op().type());
    }

    @Test
    void trainingGraphsReluGradReadsTheFusedOutput() {
        Layer l = new Layer("Relu");
        Output target = l.tf.placeholder(DType.FLOAT32, l.y.shape(), "target");
        Output loss = l.tf.reduceSum(l.tf.square(l.tf.subtract(l.y, target)));
        Output dx = l.tf.gradients(loss, List.of(l.x)).get(0);
        List<Operation> needed = new ArrayList<>(l.g.operations());
        needed.removeIf(op -> op == l.x.op() || op == target.op() || !reaches(op, List.of(loss, dx)));
        PlanRewriter.Rewritten r = PlanRewriter.rewrite(List.of(l.x, target), List.of(loss, dx), List.of(), needed,
                List.of(new FoldIntoConvPass()), op -> PlanRewriter.Rewritable.PLAIN);
        assertNotNull(r);
        Graph out = r.fetches().get(0).graph();
        Operation reluGrad = out.operations().stream().filter(o -> o.type().equals("ReluGrad")).findFirst().orElseThrow();
        assertEquals("_FusedConv2D", reluGrad.input(1).op().type());
        Tensor feed = random(11, 2, 7, 7, 3);
        Tensor targetValue = random(12, l.y.shape().dims());
        List<Tensor> want;
        List<Tensor> got;
        try (Session s = new Session(l.g, SessionOptions.cpuOnly())) {
            want = s.runner().feed(l.x, feed).feed(target, targetValue).fetch(loss).fetch(dx).run();
        }
        try (Session s = new Session(out, SessionOptions.cpuOnly())) {
            got = s.runner().feed(r.feeds().get(0), feed).feed(r.feeds().get(1), targetValue).fetch(r.fetches().get(0))
                    .fetch(r.fetches().get(1)).run();
        }
        assertClose(want.get(0), got.get(0), "loss");
        assertClose(want.get(1), got.get(1), "input gradient");
        assertTrue(count(out, "_FusedConv2D") == 1, out.operations().toString());
    }

    /** The layer's plan from its input and shortcut to its output, rewritten by the pass alone. */
    private static PlanRewriter.Rewritten rewriteWithShortcut(Layer l) {
        List<Operation> needed = new ArrayList<>(l.g.operations());
        needed.removeIf(op -> op == l.x.op() || op == l.shortcut.op() || !reaches(op, List.of(l.y)));
        return PlanRewriter.rewrite(List.of(l.x, l.shortcut), List.of(l.y), List.of(), needed,
                List.of(new FoldIntoConvPass()), op -> PlanRewriter.Rewritable.PLAIN);
    }

    /** The rewritten plan {@code r} gives the layer's output on random input and shortcut (seeds from {@code seed}). */
    private static void assertShortcutLayerMatches(Layer l, PlanRewriter.Rewritten r, long seed, String what) {
        Tensor feed = random(seed, 2, 7, 7, 3);
        Tensor shortcut = random(seed + 1, 2, 4, 7, C);
        Tensor want;
        Tensor got;
        try (Session s = new Session(l.g, SessionOptions.cpuOnly())) {
            want = s.runner().feed(l.x, feed).feed(l.shortcut, shortcut).fetch(l.y).run().get(0);
        }
        try (Session s = new Session(r.fetches().get(0).graph(), SessionOptions.cpuOnly())) {
            got = s.runner().feed(r.feeds().get(0), feed).feed(r.feeds().get(1), shortcut).fetch(r.fetches().get(0))
                    .run().get(0);
        }
        assertClose(want, got, what);
    }

    @Test
    void residualShortcutAdditionJoinsTheFusedStep() {
        Layer l = new Layer("Relu", false, true);
        PlanRewriter.Rewritten r = rewriteWithShortcut(l);
        assertNotNull(r);
        Operation fused = r.fetches().get(0).op();
        assertEquals("_FusedConv2D", fused.type());
        assertEquals(List.of("BiasAdd", "Add", "Relu"), List.of((String[]) fused.attr("fused_ops")));
        assertEquals(r.feeds().get(1), fused.input(3), "the shortcut is the fused addition's argument");
        assertShortcutLayerMatches(l, r, 13, "residual layer");
    }

    @Test
    void depthwiseScaleAndShiftFoldIntoItsFilterAndBias() {
        for (String activation : Arrays.asList("Relu6", null)) {
            Layer l = new Layer(activation, true, false);
            PlanRewriter.Rewritten r = rewrite(l.g, l.x, List.of(l.y));
            assertNotNull(r, "activation " + activation);
            Graph out = r.fetches().get(0).graph();
            assertEquals(2, count(out, "Add") + count(out, "AddV2"), "only the two additions of the variance term "
                    + "are left (the shift is the bias); got " + out.operations());
            assertEquals(0, count(out, "DepthwiseConv2dNative") + count(out, "BiasAdd") + count(out, "Relu6"),
                    "one fused step is left; got " + out.operations());
            Operation depthwise = r.fetches().get(0).op();
            assertEquals("_FusedDepthwiseConv2dNative", depthwise.type());
            assertEquals(activation == null ? List.of("BiasAdd") : List.of("BiasAdd", activation),
                    List.of((String[]) depthwise.attr("fused_ops")));
            assertEquals(Shape.of(C), depthwise.input(2).shape(), "one bias of the output channels");
            assertEquals("Mul", depthwise.input(1).op().type(), "the filter times the reshaped scale");
            assertEquals(Shape.of(3, C / 3), depthwise.input(1).op().input(1).shape());
            Tensor feed = random(15, 2, 7, 7, 3);
            assertClose(run(List.of(l.y), l.x, feed).get(0), run(r.fetches(), r.feeds().get(0), feed).get(0),
                    "depthwise, activation " + activation);
        }
    }

    /**
     * A depthwise convolution with EXPLICIT padding, which TensorFlow's {@code _FusedDepthwiseConv2dNative} does not
     * take: the scale still folds into its filter and the shift into one BiasAdd, before the Relu6.
     */
    @Test
    void depthwiseWithExplicitPaddingFoldsIntoItsFilterAndOneBiasAdd() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2, 6, 6, 3), "x");
        Output conv = tf.nn.depthwiseConv2dNative(x, tf.identity(tf.constant(random(21, 3, 3, 3, 1))),
                ConvAttrs.create().explicitPaddings(new int[][] {{2, 0}, {1, 1}}), "depthwise");
        Output y = tf.nn.relu6(tf.add(tf.multiply(conv, tf.identity(tf.constant(random(22, 3)))),
                tf.identity(tf.constant(random(23, 3)))));
        PlanRewriter.Rewritten r = rewrite(g, x, List.of(y));
        assertNotNull(r);
        Graph out = r.fetches().get(0).graph();
        assertEquals(0, count(out, "_FusedDepthwiseConv2dNative"), "no fused op with EXPLICIT padding");
        Operation last = r.fetches().get(0).op();
        assertEquals("Relu6", last.type());
        assertEquals("BiasAdd", last.input(0).op().type());
        assertEquals("DepthwiseConv2dNative", last.input(0).op().input(0).op().type());
        assertEquals(1, count(out, "Mul"), "only the filter's scaling is left: " + out.operations());
        Tensor feed = random(24, 2, 6, 6, 3);
        assertClose(run(List.of(y), x, feed).get(0), run(r.fetches(), r.feeds().get(0), feed).get(0),
                "explicit padding");
    }

    /**
     * W10's form: scale and shift of shape [1, 1, 1, C] fold (reshaped to [C] for the bias), while a shortcut of
     * unknown size stays an op of its own (it could broadcast at run time).
     */
    @Test
    void fourDimensionalScaleFoldsAndAShortcutOfUnknownSizeStaysApart() {
        Layer l = new Layer("Relu", false, true, true);
        PlanRewriter.Rewritten r = rewriteWithShortcut(l);
        assertNotNull(r);
        Operation relu = r.fetches().get(0).op();
        assertEquals("Relu", relu.type());
        Operation add = relu.input(0).op();
        assertEquals(l.y.op().input(0).op().type(), add.type(), "the shortcut's addition stays");
        Operation fused = add.input(0).op().type().equals("_FusedConv2D") ? add.input(0).op() : add.input(1).op();
        assertEquals("_FusedConv2D", fused.type());
        assertEquals(List.of("BiasAdd"), List.of((String[]) fused.attr("fused_ops")));
        assertEquals(Shape.of(C), fused.input(2).shape());
        assertShortcutLayerMatches(l, r, 16, "W10-style layer");
    }

    @Test
    void aConvolutionPlacedOnTheCpuRunsAsWritten() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2, 7, 7, 3), "x");
        Output y;
        try (var scope = tf.device("/cpu:0")) {
            Output conv = tf.nn.conv2d(x, tf.constant(random(1, 3, 3, 3, C)), new int[] {1, 1, 1, 1}, "SAME");
            y = tf.nn.relu(tf.nn.biasAdd(conv, tf.constant(random(2, C))));
        }
        assertNull(rewrite(g, x, List.of(y)));
    }
}
