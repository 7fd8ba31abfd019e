package dev.tensorgraph.ops.slim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.AlreadyExistsException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.state.Reuse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The names TF-Slim gives (read from tf-slim's {@code layers.py} and the names its {@code layers_test.py}
 * asserts): scopes, variables, ops, update ops, regularization losses and collections.
 */
class SlimNamingTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);
    private final TfSlim slim = tf.slim;
    private final Output images = tf.placeholder(DType.FLOAT32, Shape.of(5, 7, 9, 3), "images");

    private List<String> globalNames() {
        return tf.globalVariables().stream().map(Variable::opName).toList();
    }

    private List<String> collectionNames(String key) {
        return g.collection(key).stream()
                .map(o -> o instanceof Variable v ? v.opName() : o instanceof Output t ? t.op().name()
                        : ((Operation) o).name())
                .toList();
    }

    private void assertOps(String... names) {
        for (String n : names) {
            assertNotNull(g.operation(n), "no op " + n);
        }
    }

    @Test
    void conv2dDefaultScopesVariablesAndOps() {
        Output a = slim.conv2d(images, 32, new int[] {3, 3});
        Output b = slim.conv2d(a, 16, 3, SlimArgs.create().activationFn(null));
        Output c = slim.conv2d(b, 8, 3, SlimArgs.create().scope("conv1"));
        assertEquals(List.of("Conv/weights", "Conv/biases", "Conv_1/weights", "Conv_1/biases", "conv1/weights",
                "conv1/biases"), globalNames());
        assertEquals("Conv/Relu:0", a.name());
        assertEquals("Conv_1/BiasAdd:0", b.name());
        assertEquals("conv1/Relu:0", c.name());
        assertOps("Conv/Conv2D", "Conv/BiasAdd", "Conv/weights/Initializer/random_uniform", "Conv/biases/Initializer/zeros");
        assertEquals(Shape.of(3, 3, 3, 32), tf.globalVariables().get(0).shape());
        assertEquals(Shape.of(5, 7, 9, 32), a.shape());
        assertEquals(globalNames(), collectionNames(GraphKeys.MODEL_VARIABLES));
        assertEquals(globalNames(), collectionNames(GraphKeys.TRAINABLE_VARIABLES));
        assertEquals(List.of(), g.collection(GraphKeys.REGULARIZATION_LOSSES));
    }

    @Test
    void conv2dWithBatchNormHasNoBiasesAndPutsItsUpdatesInUpdateOps() {
        try (var sc = slim.argScope(List.of(SlimLayer.CONV2D), SlimArgs.create().normalizerFn(slim::batchNorm)
                .normalizerParams(SlimArgs.create().decay(0.9)))) {
            Output net = slim.conv2d(images, 4, 3);
            net = slim.conv2d(net, 4, 3, SlimArgs.create().normalizerParams(SlimArgs.create().scale(true)));
            assertEquals("Conv_1/Relu:0", net.name());
        }
        assertEquals(List.of("Conv/weights", "Conv/BatchNorm/beta", "Conv/BatchNorm/moving_mean",
                "Conv/BatchNorm/moving_variance", "Conv_1/weights", "Conv_1/BatchNorm/gamma", "Conv_1/BatchNorm/beta",
                "Conv_1/BatchNorm/moving_mean", "Conv_1/BatchNorm/moving_variance"), globalNames());
        assertEquals(List.of("Conv/weights", "Conv/BatchNorm/beta", "Conv_1/weights", "Conv_1/BatchNorm/gamma",
                "Conv_1/BatchNorm/beta"), collectionNames(GraphKeys.TRAINABLE_VARIABLES));
        assertEquals(globalNames(), collectionNames(GraphKeys.MODEL_VARIABLES));
        assertEquals(List.of("Conv/BatchNorm/AssignMovingAvg", "Conv/BatchNorm/AssignMovingAvg_1",
                "Conv_1/BatchNorm/AssignMovingAvg", "Conv_1/BatchNorm/AssignMovingAvg_1"),
                collectionNames(GraphKeys.UPDATE_OPS));
        assertOps("Conv/Conv2D", "Conv/BatchNorm/FusedBatchNormV3", "Conv/Relu");
        assertEquals(null, g.operation("Conv/BiasAdd"));
    }

    @Test
    void batchNormAloneAndItsForms() {
        Output x2 = tf.placeholder(DType.FLOAT32, Shape.of(-1, 6), "x2");
        slim.batchNorm(images);
        slim.batchNorm(x2, SlimArgs.create().scale(true));
        slim.batchNorm(images, SlimArgs.create().updatesCollections((String[]) null).scope("inplace"));
        slim.batchNorm(images, SlimArgs.create().fused(false).isTraining(false));
        assertEquals(List.of("BatchNorm/beta", "BatchNorm/moving_mean", "BatchNorm/moving_variance",
                "BatchNorm_1/beta", "BatchNorm_1/gamma", "BatchNorm_1/moving_mean", "BatchNorm_1/moving_variance",
                "inplace/beta", "inplace/moving_mean", "inplace/moving_variance", "BatchNorm_2/beta",
                "BatchNorm_2/moving_mean", "BatchNorm_2/moving_variance"), globalNames());
        // TF-Slim's own fused form for a 2-D input: reshaped to [-1, 1, 1, C] around the fused op
        assertOps("BatchNorm/FusedBatchNormV3", "BatchNorm_1/Reshape", "BatchNorm_1/FusedBatchNormV3",
                "BatchNorm_1/Reshape_1", "inplace/FusedBatchNormV3", "inplace/Identity", "BatchNorm_2/batchnorm/add");
        assertEquals(List.of("BatchNorm/AssignMovingAvg", "BatchNorm/AssignMovingAvg_1", "BatchNorm_1/AssignMovingAvg",
                "BatchNorm_1/AssignMovingAvg_1"), collectionNames(GraphKeys.UPDATE_OPS));
        Operation inPlace = g.operation("inplace/Identity");
        assertEquals(List.of("inplace/AssignMovingAvg", "inplace/AssignMovingAvg_1"),
                inPlace.controlInputs().stream().map(Operation::name).toList());
    }

    @Test
    void fullyConnectedNames() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 27), "x");
        Output a = slim.fullyConnected(x, 32);
        Output b = slim.fullyConnected(a, 10, SlimArgs.create().activationFn(null));
        Output c = slim.fullyConnected(b, 3, SlimArgs.create().scope("fc1"));
        assertEquals(List.of("fully_connected/weights", "fully_connected/biases", "fully_connected_1/weights",
                "fully_connected_1/biases", "fc1/weights", "fc1/biases"), globalNames());
        assertEquals("fully_connected/Relu:0", a.name());
        assertEquals("fully_connected_1/BiasAdd:0", b.name());
        assertEquals("fc1/Relu:0", c.name());
        assertOps("fully_connected/MatMul", "fully_connected/BiasAdd");
        assertEquals(Shape.of(27, 32), tf.globalVariables().get(0).shape());
    }

    @Test
    void poolsFlattenAndDropoutNameScopes() {
        Output m = slim.maxPool2d(images, new int[] {2, 2});
        Output m1 = slim.maxPool2d(images, 3, SlimArgs.create().stride(1).padding("SAME"));
        Output p = slim.avgPool2d(images, 3, SlimArgs.create().scope("pool1"));
        Output av = slim.avgPool2d(images, new int[] {3, 3});
        Output f = slim.flatten(m);
        Output f1 = slim.flatten(m1);
        Output d = slim.dropout(f);
        Output d1 = slim.dropout(f, SlimArgs.create().isTraining(false));
        Output training = tf.placeholder(DType.BOOL, Shape.scalar(), "is_training");
        Output d2 = slim.dropout(f, SlimArgs.create().isTraining(training));
        assertEquals("MaxPool2D/MaxPool:0", m.name());
        assertEquals("MaxPool2D_1/MaxPool:0", m1.name());
        assertEquals("pool1/AvgPool:0", p.name());
        assertEquals("AvgPool2D/AvgPool:0", av.name());
        assertEquals(Shape.of(5, 3, 4, 3), m.shape());
        assertEquals(Shape.of(5, 7, 9, 3), m1.shape());
        assertEquals(Shape.of(5, 3, 4, 3), p.shape());
        assertEquals("Flatten/flatten/Reshape:0", f.name());
        assertEquals("Flatten_1/flatten/Reshape:0", f1.name());
        assertEquals(Shape.of(5, 36), f.shape());
        assertTrue(d.op().name().startsWith("Dropout/dropout/"), d.op().name());
        assertEquals("Dropout_1/Identity:0", d1.name());
        assertEquals("Dropout_2/cond/Merge:0", d2.name());
        assertEquals(List.of(), tf.globalVariables());
    }

    @Test
    void repeatAndStackScopes() {
        Output net = slim.repeat(images, 2, SlimLayer.CONV2D, SlimArgs.of(4, 3, 3).scope("conv1"));
        net = slim.repeat(net, 2, SlimLayer.CONV2D, SlimArgs.of(4, 3));
        net = slim.flatten(net);
        net = slim.stack(net, SlimLayer.FULLY_CONNECTED, List.of(SlimArgs.of(8), SlimArgs.of(6)),
                SlimArgs.create().scope("fc"));
        Output last = slim.stack(net, SlimLayer.FULLY_CONNECTED, List.of(SlimArgs.of(5)), null);
        assertEquals(List.of("conv1/conv1_1/weights", "conv1/conv1_1/biases", "conv1/conv1_2/weights",
                "conv1/conv1_2/biases", "Repeat/convolution2d_1/weights", "Repeat/convolution2d_1/biases",
                "Repeat/convolution2d_2/weights", "Repeat/convolution2d_2/biases", "fc/fc_1/weights", "fc/fc_1/biases",
                "fc/fc_2/weights", "fc/fc_2/biases", "Stack/fully_connected_1/weights",
                "Stack/fully_connected_1/biases"), globalNames());
        assertEquals("Stack/fully_connected_1/Relu:0", last.name());
        assertEquals(Shape.of(8, 6), tf.globalVariables().get(10).shape());
    }

    @Test
    void regularizationLossesAreNamedAfterTheUnderlyingLayersWeights() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 27), "x");
        slim.conv2d(images, 4, 3, SlimArgs.create().weightsRegularizer(slim.l2Regularizer(0.01)));
        slim.fullyConnected(x, 4, SlimArgs.create().biasesRegularizer(slim.l1Regularizer(0.01)));
        slim.batchNorm(images, SlimArgs.create().scale(true)
                .paramRegularizers(Map.of("gamma", slim.l2Regularizer(0.1))));
        Output x2 = tf.placeholder(DType.FLOAT32, Shape.of(-1, 6), "x2");
        slim.batchNorm(x2, SlimArgs.create().paramRegularizers(Map.of("beta", slim.l2Regularizer(0.1))));
        slim.fullyConnected(x, 4, SlimArgs.create().weightsRegularizer(slim.l2Regularizer(0.0)));
        assertEquals(List.of("Conv/kernel/Regularizer/l2_regularizer", "fully_connected/bias/Regularizer/l1_regularizer",
                "BatchNorm/gamma/Regularizer/l2_regularizer", "BatchNorm_1/beta/Regularizer/l2_regularizer"),
                collectionNames(GraphKeys.REGULARIZATION_LOSSES));
        assertOps("Conv/kernel/Regularizer/l2_regularizer/scale", "Conv/kernel/Regularizer/l2_regularizer/L2Loss",
                "fully_connected/bias/Regularizer/l1_regularizer/Abs");
    }

    @Test
    void reuseSharesVariablesAndAddsNoSecondLoss() {
        SlimArgs args = SlimArgs.create().weightsRegularizer(slim.l2Regularizer(0.01)).scope("conv1");
        slim.conv2d(images, 4, 3, args);
        Output again = slim.conv2d(images, 4, 3, args.copy().reuse(true));
        assertEquals(2, tf.globalVariables().size());
        assertEquals(1, g.collection(GraphKeys.REGULARIZATION_LOSSES).size());
        assertEquals("conv1_1/Relu:0", again.name());
        assertThrows(AlreadyExistsException.class, () -> slim.conv2d(images, 4, 3, SlimArgs.create().scope("conv1")));
        assertThrows(InvalidArgumentException.class, () -> slim.conv2d(images, 4, 3, SlimArgs.create().reuse(true)));
    }

    @Test
    void aReusedConvolutionReusesItsBatchNorm() {
        SlimArgs args = SlimArgs.create().normalizerFn(slim::batchNorm).normalizerParams(SlimArgs.create().decay(0.9))
                .scope("Conv");
        assertEquals("Conv/Relu:0", slim.conv2d(images, 4, 3, args).name());
        Output b = slim.conv2d(images, 4, 3, args.copy().reuse(Reuse.TRUE));
        assertEquals(List.of("Conv/weights", "Conv/BatchNorm/beta", "Conv/BatchNorm/moving_mean",
                "Conv/BatchNorm/moving_variance"), globalNames());
        assertEquals("Conv_1/Relu:0", b.name());
        assertNotNull(g.operation("Conv_1/BatchNorm/FusedBatchNormV3"));
    }

    @Test
    void defaultNamesStartAgainInAReopenedScopeSoAModelCanBeBuiltTwice() {
        try (var s = tf.variableScope("net")) {
            slim.conv2d(slim.conv2d(images, 4, 3), 4, 3);
        }
        try (var s = tf.variableScope("net", Reuse.TRUE)) {
            Output y = slim.conv2d(slim.conv2d(images, 4, 3), 4, 3);
            assertEquals("net_1/Conv_1/Relu:0", y.name());
        }
        assertEquals(List.of("net/Conv/weights", "net/Conv/biases", "net/Conv_1/weights", "net/Conv_1/biases"),
                globalNames());
    }

    @Test
    void variablesAndOutputsCollections() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 27), "x");
        Output a = slim.fullyConnected(x, 4, SlimArgs.create().variablesCollections("mine")
                .outputsCollections("outs"));
        slim.conv2d(images, 4, 3, SlimArgs.create().normalizerFn(slim::batchNorm)
                .variablesCollections(Map.of("weights", List.of("w")))
                .normalizerParams(SlimArgs.create().variablesCollections(Map.of("moving_mean", List.of("mm")))));
        assertEquals(List.of("fully_connected/weights", "fully_connected/biases"), collectionNames("mine"));
        assertEquals(List.of(a), g.collection("outs"));
        assertEquals(List.of("Conv/weights"), collectionNames("w"));
        assertEquals(List.of("Conv/BatchNorm/moving_mean"), collectionNames("mm"));
    }

    @Test
    void badArgumentsAreTypedErrorsNamingThem() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> slim.conv2d(images, 4, 3, SlimArgs.create().keepProb(0.5)));
        assertTrue(e.getMessage().contains("convolution2d() got an unexpected keyword argument 'keep_prob'"),
                e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> slim.conv2d(images, 4, 3, SlimArgs.create().padding("full")));
        assertThrows(InvalidArgumentException.class, () -> slim.conv2d(images, 0, 3));
        assertThrows(InvalidArgumentException.class,
                () -> slim.conv2d(images, 4, 3, SlimArgs.create().rate(2).stride(2)));
        assertThrows(InvalidArgumentException.class, () -> SlimArgs.create().kernelSize(0));
        assertThrows(InvalidArgumentException.class, () -> slim.layer(SlimLayer.CONV2D, images, SlimArgs.of(4)));
        assertThrows(InvalidArgumentException.class,
                () -> slim.conv2d(tf.placeholder(DType.FLOAT32, Shape.of(2, 3)), 4, 3));
        assertThrows(InvalidArgumentException.class, () -> slim.dropout(images, 1.5));
        assertThrows(InvalidArgumentException.class, () -> SlimArgs.create().variablesCollections("a", null));
        Graph other = new Graph();
        Output foreign = Tf.of(other).placeholder(DType.FLOAT32, Shape.of(1, 2), "foreign");
        assertThrows(InvalidArgumentException.class, () -> slim.fullyConnected(foreign, 2));
        assertFalse(g.operations().stream().anyMatch(op -> op.name().startsWith("fully_connected")));
    }

    @Test
    void contribNamespacesAreSlim() {
        assertTrue(tf.contrib.layers == slim && tf.contrib.slim == slim && tf.contrib.framework == slim);
        Output y = tf.contrib.layers.fullyConnected(tf.placeholder(DType.FLOAT32, Shape.of(1, 2)), 3);
        assertEquals("fully_connected/Relu:0", y.name());
    }
}
