package dev.tensorgraph.ops.slim;

import static dev.tensorgraph.ops.slim.SlimTesting.assertClose;
import static dev.tensorgraph.ops.slim.SlimTesting.checkGradients;
import static dev.tensorgraph.ops.slim.SlimTesting.fixed;
import static dev.tensorgraph.ops.slim.SlimTesting.random;
import static dev.tensorgraph.ops.slim.SlimTesting.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.layers.Activations;
import dev.tensorgraph.ops.layers.Conv2dOptions;
import dev.tensorgraph.ops.layers.DenseOptions;
import dev.tensorgraph.ops.layers.DropoutOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Slim's conv2d, fully_connected, pools, flatten and dropout against the tf.layers and tf.nn ops that compute the
 * same thing, and their gradients against finite differences (float64).
 */
class SlimLayersTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);
    private final TfSlim slim = tf.slim;

    /** y and the gradients of sum(y * dy) for xs, in one run after the initializer. */
    private List<Tensor> valueAndGradients(Output y, List<Output> xs, Map<Output, Tensor> feeds) {
        Output dy = tf.constant(random(3, y.dtype(), SlimTesting.run(g, y, feeds).shape().dims()));
        List<Output> fetches = new ArrayList<>();
        fetches.add(y);
        fetches.addAll(tf.gradients(List.of(y), xs, List.of(dy), null));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            return s.run(fetches, feeds);
        }
    }

    private void assertAllClose(List<Tensor> want, List<Tensor> got, String what) {
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertClose(want.get(i), got.get(i), 1e-5, 1e-5, what + " [" + i + "]");
        }
    }

    @Test
    void conv2dIsTfLayersConv2dWithSlimsDefaults() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2, 6, 5, 3), "x");
        Tensor w = random(1, DType.FLOAT32, 3, 3, 3, 4);
        Tensor b = random(2, DType.FLOAT32, 4);
        Output ys = slim.conv2d(x, 4, 3, SlimArgs.create().stride(2).weightsInitializer(fixed(w))
                .biasesInitializer(fixed(b)));
        Output yl = tf.layers.conv2d(x, 4, new int[] {3, 3}, Conv2dOptions.create().strides(2).padding("same")
                .activation(Activations.relu()).kernelInitializer(fixed(w)).biasInitializer(fixed(b)));
        Map<Output, Tensor> feeds = Map.of(x, random(4, DType.FLOAT32, 2, 6, 5, 3));
        List<Variable> vars = tf.globalVariables();
        assertAllClose(valueAndGradients(yl, List.of(x, vars.get(2), vars.get(3)), feeds),
                valueAndGradients(ys, List.of(x, vars.get(0), vars.get(1)), feeds), "slim vs tf.layers conv2d");
        assertEquals(Shape.of(2, 3, 3, 4), ys.shape());
    }

    @Test
    void conv2dGradientsAreNumeric() {
        Output x = tf.placeholder(DType.FLOAT64, Shape.of(1, 4, 5, 2), "x");
        Output y = slim.conv2d(x, 3, new int[] {3, 2}, SlimArgs.create().activationFn(null));
        List<Variable> v = tf.globalVariables();
        checkGradients(g, y, Map.of(x, random(5, DType.FLOAT64, 1, 4, 5, 2), v.get(0).value(),
                random(6, DType.FLOAT64, 3, 2, 2, 3), v.get(1).value(), random(7, DType.FLOAT64, 3)),
                List.of(x, v.get(0).value(), v.get(1).value()), 1e-5, 1e-7);
    }

    @Test
    void atrousConv2dIsTheConvolutionWithADilatedKernel() {
        Tensor xv = random(8, DType.FLOAT64, 1, 7, 8, 2);
        Tensor wv = random(9, DType.FLOAT64, 3, 3, 2, 2);
        Output x = tf.placeholder(DType.FLOAT64, Shape.of(1, 7, 8, 2), "x");
        Output y = slim.conv2d(x, 2, 3, SlimArgs.create().rate(2).activationFn(null).biasesInitializer(null)
                .weightsInitializer(fixed(wv)).padding("VALID"));
        // the same kernel with a zero between neighbouring taps: 5x5
        double[] w = wv.toDoubles();
        double[] dilated = new double[5 * 5 * 2 * 2];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                System.arraycopy(w, (i * 3 + j) * 4, dilated, (2 * i * 5 + 2 * j) * 4, 4);
            }
        }
        Output want = tf.nn.conv2d(x, tf.constant(Tensor.of(DType.FLOAT64, Shape.of(5, 5, 2, 2), dilated)),
                new int[] {1, 1, 1, 1}, "VALID");
        assertEquals(Shape.of(1, 3, 4, 2), y.shape());
        // as tf.nn.convolution builds it: the Conv2D takes the scope's name, between the two reshuffles
        assertEquals("Conv/Conv2D/BatchToSpaceND", y.op().name());
        assertEquals("SpaceToBatchND", g.operation("Conv/Conv2D/SpaceToBatchND").type());
        assertArrayEquals(new int[] {1, 1, 1, 1}, g.operation("Conv/Conv2D").attrInts("dilations"));
        assertClose(run(g, want, Map.of(x, xv)), run(g, y, Map.of(x, xv)), 1e-12, 1e-12, "atrous conv2d");
        Output w0 = tf.globalVariables().get(0).value();
        checkGradients(g, y, Map.of(x, xv, w0, wv), List.of(x, w0), 1e-5, 1e-7);
        // an input of unknown size: one Conv2D with the dilations attribute, the same values
        Output free = tf.placeholder(DType.FLOAT64, Shape.of(-1, -1, -1, 2), "free");
        Output z = slim.conv2d(free, 2, 3, SlimArgs.create().rate(2).activationFn(null).biasesInitializer(null)
                .weightsInitializer(fixed(wv)).padding("VALID"));
        assertEquals("Conv_1/Conv2D", z.op().name());
        assertArrayEquals(new int[] {1, 2, 2, 1}, z.op().attrInts("dilations"));
        assertClose(run(g, want, Map.of(x, xv)), run(g, z, Map.of(free, xv)), 1e-12, 1e-12, "dilated Conv2D");
        for (String padding : List.of("SAME", "VALID")) {
            Output same = slim.conv2d(x, 2, 3, SlimArgs.create().rate(2, 3).weightsInitializer(fixed(wv))
                    .padding(padding));
            Output sameFree = slim.conv2d(free, 2, 3, SlimArgs.create().rate(2, 3).weightsInitializer(fixed(wv))
                    .padding(padding));
            assertClose(run(g, sameFree, Map.of(free, xv)), run(g, same, Map.of(x, xv)), 1e-12, 1e-12, padding);
        }
    }

    @Test
    void conv2dInNchwIsNhwcTransposed() {
        Tensor xv = random(10, DType.FLOAT32, 2, 5, 6, 3);
        Tensor w = random(11, DType.FLOAT32, 3, 3, 3, 4);
        Tensor b = random(12, DType.FLOAT32, 4);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(2, 5, 6, 3), "x");
        SlimArgs args = SlimArgs.create().weightsInitializer(fixed(w)).biasesInitializer(fixed(b));
        Output nhwc = slim.conv2d(x, 4, 3, args);
        Output nchw = slim.conv2d(tf.transpose(x, new int[] {0, 3, 1, 2}), 4, 3, args.copy().dataFormat("NCHW"));
        assertEquals(Shape.of(2, 4, 5, 6), nchw.shape());
        assertClose(run(g, nhwc, Map.of(x, xv)), run(g, tf.transpose(nchw, new int[] {0, 2, 3, 1}), Map.of(x, xv)),
                1e-5, 1e-5, "NCHW conv2d");
    }

    @Test
    void fullyConnectedIsDenseAndItsGradientsAreNumeric() {
        Output x = tf.placeholder(DType.FLOAT64, Shape.of(-1, 3, 4), "x");
        Tensor w = random(13, DType.FLOAT64, 4, 5);
        Tensor b = random(14, DType.FLOAT64, 5);
        Output ys = slim.fullyConnected(x, 5, SlimArgs.create().weightsInitializer(fixed(w)).biasesInitializer(fixed(b)));
        Output yl = tf.layers.dense(x, 5, DenseOptions.create().activation(Activations.relu())
                .kernelInitializer(fixed(w)).biasInitializer(fixed(b)));
        Tensor xv = random(15, DType.FLOAT64, 2, 3, 4);
        assertEquals(Shape.of(-1, 3, 5), ys.shape());
        assertClose(run(g, yl, Map.of(x, xv)), run(g, ys, Map.of(x, xv)), 1e-12, 1e-12, "slim vs dense");
        Output linear = slim.fullyConnected(x, 2, SlimArgs.create().activationFn(null));
        List<Variable> v = tf.globalVariables();
        Output w2 = v.get(4).value();
        Output b2 = v.get(5).value();
        checkGradients(g, linear, Map.of(x, xv, w2, random(16, DType.FLOAT64, 4, 2), b2, random(17, DType.FLOAT64, 2)),
                List.of(x, w2, b2), 1e-5, 1e-7);
    }

    @Test
    void poolsAreTfNnPoolsWithStride2AndValidPadding() {
        Output x = tf.placeholder(DType.FLOAT64, Shape.of(2, 7, 6, 3), "x");
        Tensor xv = random(18, DType.FLOAT64, 2, 7, 6, 3);
        Output max = slim.maxPool2d(x, 3);
        Output avg = slim.avgPool2d(x, new int[] {2, 3}, SlimArgs.create().stride(1).padding("SAME"));
        int[] k = {1, 3, 3, 1};
        assertClose(run(g, tf.nn.maxPool(x, k, new int[] {1, 2, 2, 1}, "VALID"), Map.of(x, xv)),
                run(g, max, Map.of(x, xv)), 0, 0, "max_pool2d");
        assertClose(run(g, tf.nn.avgPool(x, new int[] {1, 2, 3, 1}, new int[] {1, 1, 1, 1}, "SAME"), Map.of(x, xv)),
                run(g, avg, Map.of(x, xv)), 0, 0, "avg_pool2d");
        checkGradients(g, max, Map.of(x, xv), List.of(x), 1e-5, 1e-7);
        checkGradients(g, avg, Map.of(x, xv), List.of(x), 1e-5, 1e-7);
    }

    @Test
    void flattenKeepsTheBatchWhateverIsKnown() {
        Tensor xv = random(19, DType.FLOAT32, 2, 3, 4);
        for (Shape declared : List.of(Shape.of(2, 3, 4), Shape.of(-1, 3, 4), Shape.of(2, -1, 4), Shape.of(-1, -1, 4))) {
            Output x = tf.placeholder(DType.FLOAT32, declared);
            Output f = slim.flatten(x);
            Tensor r = run(g, f, Map.of(x, xv));
            assertEquals(Shape.of(2, 12), r.shape(), declared.toString());
            assertArrayEquals(xv.floats(), r.floats(), 0f);
        }
        Output v = tf.placeholder(DType.FLOAT32, Shape.of(3), "v");
        assertEquals(Shape.of(3, 1), slim.flatten(v).shape());
        assertTrue(g.operation("Flatten_3/flatten/strided_slice") != null);
    }

    @Test
    void dropoutIsTfLayersDropoutWithKeepProb() {
        Tensor xv = random(20, DType.FLOAT32, 4, 50);
        Graph a = new Graph();
        Graph b = new Graph();
        a.setSeed(5L);
        b.setSeed(5L);
        Output xa = Tf.of(a).placeholder(DType.FLOAT32, Shape.of(4, 50), "x");
        Output xb = Tf.of(b).placeholder(DType.FLOAT32, Shape.of(4, 50), "x");
        Output ya = Tf.of(a).slim.dropout(xa, 0.7, SlimArgs.create().seed(9L));
        Output yb = Tf.of(b).layers.dropout(xb, DropoutOptions.create().rate(0.3).training(true).seed(9L));
        Tensor ra = run(a, ya, Map.of(xa, xv));
        assertClose(run(b, yb, Map.of(xb, xv)), ra, 0, 0, "slim vs tf.layers dropout");
        float[] in = xv.floats();
        float[] out = ra.floats();
        int kept = 0;
        for (int i = 0; i < in.length; i++) {
            if (out[i] != 0) {
                kept++;
                assertEquals(in[i] / 0.7f, out[i], 1e-5f);
            }
        }
        assertTrue(kept > 100 && kept < 180, "kept " + kept + " of 200");
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(4, 50), "x");
        assertArrayEquals(in, run(g, slim.dropout(x, SlimArgs.create().isTraining(false)), Map.of(x, xv)).floats(), 0f);
        assertArrayEquals(in, run(g, slim.dropout(x, 1.0), Map.of(x, xv)).floats(), 0f);
    }

    @Test
    void dropoutsGradientIsItsMaskOverKeepProb() {
        Output x = tf.placeholder(DType.FLOAT64, Shape.of(3, 40), "x");
        Output keep = tf.placeholder(DType.FLOAT64, Shape.scalar(), "keep");
        Output y = slim.dropout(x, SlimArgs.create().keepProb(keep));
        Output dy = tf.constant(random(21, DType.FLOAT64, 3, 40));
        Output grad = tf.gradients(List.of(y), List.of(x), List.of(dy), null).get(0);
        Tensor xv = random(22, DType.FLOAT64, 3, 40);
        List<Tensor> r;
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            r = s.runner().feed(x, xv).feed(keep, Tensor.of(0.25)).fetch(y).fetch(grad).fetch(dy).run();
        }
        double[] out = r.get(0).doubles();
        double[] gr = r.get(1).doubles();
        double[] d = r.get(2).doubles();
        double[] in = xv.doubles();
        for (int i = 0; i < out.length; i++) {
            boolean keptHere = out[i] != 0;
            assertEquals(keptHere ? in[i] * 4 : 0, out[i], 1e-12);
            assertEquals(keptHere ? d[i] * 4 : 0, gr[i], 1e-12);
        }
    }

    @Test
    void regularizationLossesHaveTheirValues() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 3), "x");
        Tensor w = Tensor.of(DType.FLOAT32, Shape.of(3, 2), new float[] {1, -2, 3, -4, 5, -6});
        slim.fullyConnected(x, 2, SlimArgs.create().weightsInitializer(fixed(w))
                .weightsRegularizer(slim.l2Regularizer(0.5)).biasesRegularizer(slim.l1Regularizer(2.0))
                .biasesInitializer(fixed(Tensor.of(DType.FLOAT32, Shape.of(2), new float[] {-1, 3}))));
        slim.fullyConnected(x, 2, SlimArgs.create().weightsInitializer(fixed(w))
                .weightsRegularizer(slim.l1L2Regularizer(0.1, 0.01)));
        List<Output> losses = tf.losses.getRegularizationLosses();
        assertEquals(List.of("fully_connected/kernel/Regularizer/l2_regularizer:0",
                "fully_connected/bias/Regularizer/l1_regularizer:0",
                "fully_connected_1/kernel/Regularizer/l1_l2_regularizer:0"),
                losses.stream().map(Output::name).toList());
        // 0.5 * 91 / 2; 2 * (1 + 3); 0.1 * 21 + 0.01 * 91 / 2
        assertEquals(22.75f, run(g, losses.get(0), Map.of()).floatValue(), 1e-5f);
        assertEquals(8f, run(g, losses.get(1), Map.of()).floatValue(), 1e-5f);
        assertEquals(2.555f, run(g, losses.get(2), Map.of()).floatValue(), 1e-5f);
        assertEquals(33.305f, run(g, tf.losses.getRegularizationLoss(), Map.of()).floatValue(), 1e-4f);
    }

    @Test
    void initializersFollowTfSlimsFormulas() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(1, 8, 8, 40), "x");
        slim.conv2d(x, 60, 3);
        slim.conv2d(x, 60, 3, SlimArgs.create().weightsInitializer(slim.varianceScalingInitializer()));
        Tensor xavier;
        Tensor he;
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            xavier = s.run(tf.globalVariables().get(0).value(), Map.of());
            he = s.run(tf.globalVariables().get(2).value(), Map.of());
        }
        // xavier: uniform in +-sqrt(6 / (fan_in + fan_out)), fans 9*40 and 9*60
        double limit = Math.sqrt(6.0 / (360 + 540));
        double max = 0;
        for (float v : xavier.floats()) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max <= limit && max > 0.99 * limit, "max |w| " + max + ", limit " + limit);
        // he: normal of stddev sqrt(1.3 * 2 / 360) truncated at two stddevs, whose stddev is 0.8796 of that
        double sigma = Math.sqrt(1.3 * 2 / 360);
        double sum2 = 0;
        double peak = 0;
        for (float v : he.floats()) {
            sum2 += v * v;
            peak = Math.max(peak, Math.abs(v));
        }
        double sd = Math.sqrt(sum2 / he.numElements());
        assertEquals(0.8796 * sigma, sd, 0.02 * sigma);
        assertTrue(peak <= 2 * sigma + 1e-6, "peak " + peak);
        assertTrue(g.operation("Conv_1/weights/Initializer/truncated_normal/TruncatedNormal") != null);
    }

    @Test
    void fedAndDeclaredShapesOfAStackOfLayersAgree() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 12, 12, 1), "x");
        Output net = slim.repeat(x, 2, SlimLayer.CONV2D, SlimArgs.of(4, 3).scope("conv1"));
        net = slim.maxPool2d(net, 2);
        net = slim.flatten(net);
        net = slim.stack(net, SlimLayer.FULLY_CONNECTED, List.of(SlimArgs.of(8), SlimArgs.of(3)), null);
        assertEquals(Shape.of(-1, 3), net.shape());
        Map<Output, Tensor> feeds = new HashMap<>();
        feeds.put(x, random(23, DType.FLOAT32, 5, 12, 12, 1));
        assertEquals(Shape.of(5, 3), run(g, net, feeds).shape());
    }
}
