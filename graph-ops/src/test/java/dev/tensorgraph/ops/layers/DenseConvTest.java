package dev.tensorgraph.ops.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.AlreadyExistsException;
import dev.tensorgraph.ops.Initializers;
import dev.tensorgraph.ops.state.Reuse;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.losses.TfLosses;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** tf.layers dense, conv2d, pooling and flatten: TensorFlow 1.x names, shapes and hand-computed values. */
class DenseConvTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);
    private final TfLayers layers = new TfLayers(tf.graph());

    private List<String> globalNames() {
        return tf.globalVariables().stream().map(Variable::opName).toList();
    }

    private Tensor run(Output y, Map<Output, Tensor> feeds) {
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            return s.run(y, feeds);
        }
    }

    @Test
    void denseNamesVariablesAndOpsAsTensorFlow() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 3), "x");
        Output h = layers.dense(x, 4, DenseOptions.create().activation(Activations.relu())
                .kernelInitializer(Initializers.constant(1)));
        Output y = layers.dense(h, 2, DenseOptions.create().kernelInitializer(Initializers.constant(1)));
        Output z = layers.dense(y, 2, DenseOptions.create().useBias(false).name("logits")
                .kernelInitializer(Initializers.constant(1)));
        assertEquals(List.of("dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias", "logits/kernel"),
                globalNames());
        assertEquals(5, tf.trainableVariables().size());
        assertEquals(Shape.of(3, 4), tf.globalVariables().get(0).shape());
        assertEquals(Shape.of(4), tf.globalVariables().get(1).shape());
        assertEquals(Shape.of(4, 2), tf.globalVariables().get(2).shape());
        for (String n : List.of("dense/MatMul", "dense/BiasAdd", "dense/Relu", "dense_1/MatMul", "dense_1/BiasAdd",
                "logits/MatMul")) {
            assertNotNull(g.operation(n), n);
        }
        assertEquals("dense/Relu:0", h.name());
        assertEquals(Shape.of(-1, 4), h.shape());
        assertEquals(Shape.of(-1, 2), z.shape());
        assertThrows(AlreadyExistsException.class, () -> layers.dense(y, 2, DenseOptions.create().name("logits")));
        Output again = layers.dense(y, 2, DenseOptions.create().useBias(false).name("logits").reuse(Reuse.TRUE));
        assertEquals(5, tf.globalVariables().size());
        assertEquals("logits_2/MatMul", again.op().name()); // the failed call above took logits_1
    }

    @Test
    void denseComputesInputsTimesKernelPlusBias() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 2), "x");
        Output y = layers.dense(x, 3, DenseOptions.create().activation(Activations.relu())
                .kernelInitializer(Initializers.constant(0.5)).biasInitializer(Initializers.constant(-1)));
        // each unit: 0.5 * (x0 + x1) - 1, then relu
        Tensor r = run(y, Map.of(x, Tensor.of(new float[][] {{1, 3}, {1, -1}})));
        assertEquals(Shape.of(2, 3), r.shape());
        assertArrayEquals(new float[] {1, 1, 1, 0, 0, 0}, r.floats(), 1e-6f);
    }

    @Test
    void regularizerLossesGoToTheirCollection() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 3), "x");
        layers.dense(x, 4, DenseOptions.create().kernelInitializer(Initializers.constant(0.5))
                .kernelRegularizer(Regularizer.l2Regularizer(0.1)));
        List<Object> regs = g.collection(GraphKeys.REGULARIZATION_LOSSES);
        assertEquals(1, regs.size());
        Output reg = (Output) regs.get(0);
        assertEquals("dense/kernel/Regularizer/l2_regularizer:0", reg.name());
        Output total = new TfLosses(tf.graph()).getRegularizationLoss();
        assertEquals("total_regularization_loss:0", total.name());
        // 0.1 * l2_loss = 0.1 * sum(w^2) / 2 = 0.1 * 12 * 0.25 / 2
        assertEquals(0.15f, run(total, Map.of()).floatValue(), 1e-6f);
    }

    @Test
    void conv2dValidAndSame() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 3, 3, 1), "x");
        Output valid = layers.conv2d(x, 2, new int[] {2, 2}, Conv2dOptions.create()
                .kernelInitializer(Initializers.constant(1)).biasInitializer(Initializers.constant(0.5)));
        Output same = layers.conv2d(x, 1, new int[] {2, 2}, Conv2dOptions.create().strides(1).padding("same")
                .activation(Activations.relu()).kernelInitializer(Initializers.constant(-1)));
        assertEquals(List.of("conv2d/kernel", "conv2d/bias", "conv2d_1/kernel", "conv2d_1/bias"), globalNames());
        assertEquals(Shape.of(2, 2, 1, 2), tf.globalVariables().get(0).shape());
        assertEquals(Shape.of(2), tf.globalVariables().get(1).shape());
        assertNotNull(g.operation("conv2d/Conv2D"));
        assertEquals("conv2d/BiasAdd:0", valid.name());
        assertEquals("conv2d_1/Relu:0", same.name());
        assertEquals(Shape.of(-1, 2, 2, 2), valid.shape());
        assertEquals(Shape.of(-1, 3, 3, 1), same.shape());
        Tensor in = Tensor.of(DType.FLOAT32, Shape.of(1, 3, 3, 1), new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        // 2x2 windows of ones: 1+2+4+5, 2+3+5+6, 4+5+7+8, 5+6+8+9, plus 0.5, for both filters
        assertArrayEquals(new float[] {12.5f, 12.5f, 16.5f, 16.5f, 24.5f, 24.5f, 28.5f, 28.5f},
                run(valid, Map.of(x, in)).floats(), 1e-5f);
        // "same" pads bottom/right; a kernel of -1 makes every sum negative, and relu zeroes it
        assertArrayEquals(new float[9], run(same, Map.of(x, in)).floats(), 0f);
    }

    @Test
    void conv2dWithExplicitPaddingEqualsPadThenValid() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 5, 4, 2), "x");
        Output explicit = layers.conv2d(x, 3, new int[] {3, 2}, Conv2dOptions.create().strides(2, 1)
                .explicitPadding(new int[][] {{2, 1}, {0, 3}}).kernelInitializer(Initializers.constant(0.25)));
        Output padded = tf.pad(x, new int[][] {{0, 0}, {2, 1}, {0, 3}, {0, 0}});
        Output valid = layers.conv2d(padded, 3, new int[] {3, 2}, Conv2dOptions.create().strides(2, 1)
                .kernelInitializer(Initializers.constant(0.25)));
        assertEquals("EXPLICIT", g.operation("conv2d/Conv2D").attrString("padding"));
        // (5 + 2 + 1 - 3) / 2 + 1 = 3 rows, (4 + 0 + 3 - 2) / 1 + 1 = 6 columns
        assertEquals(Shape.of(-1, 3, 6, 3), explicit.shape());
        float[] values = new float[2 * 5 * 4 * 2];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i * 7 % 11) - 5;
        }
        Map<Output, Tensor> feed = Map.of(x, Tensor.of(DType.FLOAT32, Shape.of(2, 5, 4, 2), values));
        assertArrayEquals(run(valid, feed).floats(), run(explicit, feed).floats(), 1e-5f);
        Output dxExplicit = tf.gradients(explicit, List.of(x)).get(0);
        Output dxValid = tf.gradients(valid, List.of(x)).get(0);
        assertArrayEquals(run(dxValid, feed).floats(), run(dxExplicit, feed).floats(), 1e-5f);
        assertThrows(dev.tensorgraph.errors.InvalidArgumentException.class,
                () -> Conv2dOptions.create().explicitPadding(new int[][] {{1, -1}, {0, 0}}));
    }

    @Test
    void poolingAndFlatten() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(1, 3, 3, 1), "x");
        Output mx = layers.maxPooling2d(x, new int[] {2, 2}, new int[] {1, 1});
        Output av = layers.averagePooling2d(x, new int[] {2, 2}, new int[] {1, 1});
        Output mx2 = layers.maxPooling2d(x, new int[] {2, 2}, new int[] {2, 2}, "same");
        Output flat = layers.flatten(mx);
        assertEquals("max_pooling2d/MaxPool:0", mx.name());
        assertEquals("average_pooling2d/AvgPool:0", av.name());
        assertEquals("max_pooling2d_1/MaxPool:0", mx2.name());
        assertTrue(flat.name().startsWith("flatten/"), flat.name());
        assertEquals(Shape.of(1, 4), flat.shape());
        Tensor in = Tensor.of(DType.FLOAT32, Shape.of(1, 3, 3, 1), new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertArrayEquals(new float[] {5, 6, 8, 9}, run(mx, Map.of(x, in)).floats());
        assertArrayEquals(new float[] {3, 4, 6, 7}, run(av, Map.of(x, in)).floats(), 1e-6f);
        assertArrayEquals(new float[] {5, 6, 8, 9}, run(mx2, Map.of(x, in)).floats());
        assertArrayEquals(new float[] {5, 6, 8, 9}, run(flat, Map.of(x, in)).floats());
    }

    @Test
    void dropoutIsTheIdentityOutsideTrainingAndScalesKeptValuesInTraining() {
        Output x = tf.constant(new float[][] {{1, 2, 3, 4}, {5, 6, 7, 8}}, "x");
        Output off = layers.dropout(x, 0.5, false);
        assertEquals("dropout/Identity:0", off.name());
        Output on = layers.dropout(x, 0.5, true);
        Output training = tf.placeholder(DType.BOOL, Shape.scalar(), "training");
        Output chosen = layers.dropout(x, 0.5, training);
        assertTrue(chosen.name().startsWith("dropout_2/cond/"), chosen.name());
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, s.run(off).floats());
            float[] d = s.run(on).floats();
            for (int i = 0; i < d.length; i++) {
                assertTrue(d[i] == 0 || d[i] == 2 * (i + 1), "element " + i + " = " + d[i]);
            }
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8},
                    s.run(chosen, Map.of(training, Tensor.of(false))).floats());
            float[] t = s.run(chosen, Map.of(training, Tensor.of(true))).floats();
            for (int i = 0; i < t.length; i++) {
                assertTrue(t[i] == 0 || t[i] == 2 * (i + 1), "element " + i + " = " + t[i]);
            }
        }
    }
}
