package dev.tensorgraph.ops.slim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.layers.Activations;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code arg_scope}: defaults per layer, nested scopes merged, the innermost and explicit arguments winning. */
class ArgScopeTest {
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);
    private final TfSlim slim = tf.slim;
    private final Output images = tf.placeholder(DType.FLOAT32, Shape.of(2, 8, 8, 3), "images");

    private String type(Output y) {
        return y.op().type();
    }

    private String padding(Output conv) {
        return g.operation(conv.op().name().replaceAll("/[^/]*$", "/Conv2D")).attrString("padding");
    }

    @Test
    void defaultsApplyToTheListedLayersOnly() {
        Output conv;
        Output pool;
        Output fc;
        try (var sc = slim.argScope(List.of(SlimLayer.CONV2D, SlimLayer.MAX_POOL2D), SlimArgs.create()
                .padding("VALID"))) {
            conv = slim.conv2d(images, 4, 3);
            pool = slim.maxPool2d(conv, 2);
            fc = slim.fullyConnected(slim.flatten(pool), 3);
        }
        Output after = slim.conv2d(images, 4, 3);
        assertEquals(Shape.of(2, 6, 6, 4), conv.shape());
        assertEquals("VALID", padding(conv));
        assertEquals("Relu", type(fc));
        assertEquals("SAME", padding(after));
        assertEquals(Shape.of(2, 8, 8, 4), after.shape());
    }

    @Test
    void nestedScopesMergeAndTheInnerValueAndExplicitArgumentsWin() {
        try (var outer = slim.argScope(List.of(SlimLayer.CONV2D, SlimLayer.FULLY_CONNECTED), SlimArgs.create()
                .activationFn(Activations.tanh()).weightsRegularizer(slim.l2Regularizer(0.1)));
             var convs = slim.argScope(List.of(SlimLayer.CONV2D), SlimArgs.create().padding("VALID"))) {
            try (var inner = slim.argScope(List.of(SlimLayer.CONV2D), SlimArgs.create().activationFn(null))) {
                Output a = slim.conv2d(images, 4, 3);
                assertEquals("BiasAdd", type(a));
                assertEquals("VALID", padding(a));
                Output b = slim.conv2d(images, 4, 3, SlimArgs.create().activationFn(Activations.sigmoid())
                        .padding("SAME"));
                assertEquals("Sigmoid", type(b));
                assertEquals("SAME", padding(b));
                Output c = slim.fullyConnected(tf.placeholder(DType.FLOAT32, Shape.of(2, 5)), 3);
                assertEquals("Tanh", type(c));
                assertEquals(Set.of(SlimLayer.CONV2D, SlimLayer.FULLY_CONNECTED), inner.layers());
                assertNotNull(inner.defaults(SlimLayer.FULLY_CONNECTED).get(Kwarg.ACTIVATION_FN, null));
                assertNull(inner.defaults(SlimLayer.CONV2D).get(Kwarg.ACTIVATION_FN, Activations.relu()));
                assertEquals("VALID", inner.defaults(SlimLayer.CONV2D).get(Kwarg.PADDING, null));
            }
            Output d = slim.conv2d(images, 4, 3);
            assertEquals("Tanh", type(d));
        }
        assertEquals(4, g.collection(GraphKeys.REGULARIZATION_LOSSES).size());
        assertEquals("Relu", type(slim.conv2d(images, 4, 3)));
    }

    @Test
    void aSavedScopeReopensExactlyItsDefaults() {
        ArgScope saved;
        try (var a = slim.argScope(List.of(SlimLayer.CONV2D), SlimArgs.create().padding("VALID"))) {
            try (var b = slim.argScope(List.of(SlimLayer.FULLY_CONNECTED), SlimArgs.create().activationFn(null))) {
                saved = b;
            }
        }
        assertEquals("SAME", padding(slim.conv2d(images, 4, 3)));
        try (var other = slim.argScope(List.of(SlimLayer.CONV2D), SlimArgs.create().activationFn(null))) {
            try (var again = slim.argScope(saved)) {
                Output conv = slim.conv2d(images, 4, 3);
                assertEquals("VALID", padding(conv));
                assertEquals("Relu", type(conv)); // the enclosing scope's activation is not part of the saved one
                assertEquals("BiasAdd", type(slim.fullyConnected(tf.placeholder(DType.FLOAT32, Shape.of(2, 5)), 3)));
            }
            assertEquals("BiasAdd", type(slim.conv2d(images, 4, 3)));
        }
    }

    @Test
    void theCurrentScopeCanBeSavedLikeTfSlimsModelArgScopes() {
        ArgScope modelScope;
        try (var a = slim.argScope(List.of(SlimLayer.CONV2D, SlimLayer.FULLY_CONNECTED), SlimArgs.create()
                .weightsRegularizer(slim.l2Regularizer(4e-5)));
             var b = slim.argScope(List.of(SlimLayer.CONV2D), SlimArgs.create().normalizerFn(slim::batchNorm))) {
            modelScope = slim.currentArgScope();
        }
        modelScope.close(); // a snapshot is not open: closing it changes nothing
        try (var sc = slim.argScope(modelScope)) {
            slim.conv2d(images, 4, 3);
        }
        assertEquals(List.of("Conv/weights", "Conv/BatchNorm/beta", "Conv/BatchNorm/moving_mean",
                "Conv/BatchNorm/moving_variance"), tf.globalVariables().stream().map(Variable::opName).toList());
        assertEquals(1, g.collection(GraphKeys.REGULARIZATION_LOSSES).size());
    }

    @Test
    void aBatchNormScopeReachesTheBatchNormOfAConvolution() {
        Output training = tf.placeholder(DType.BOOL, Shape.scalar(), "is_training");
        try (var a = slim.argScope(List.of(SlimLayer.CONV2D), SlimArgs.create().normalizerFn(slim::batchNorm));
             var b = slim.argScope(List.of(SlimLayer.BATCH_NORM), SlimArgs.create().isTraining(training)
                     .scale(true).decay(0.9))) {
            slim.conv2d(images, 4, 3);
            slim.conv2d(images, 4, 3, SlimArgs.create().normalizerParams(SlimArgs.create().isTraining(false)));
        }
        assertNotNull(g.operation("Conv/BatchNorm/gamma"));
        assertNotNull(g.operation("Conv/BatchNorm/cond/Merge"));
        assertNull(g.operation("Conv_1/BatchNorm/cond/Merge"));
        assertEquals(2, g.collection(GraphKeys.UPDATE_OPS).size()); // none for the layer in inference
    }

    @Test
    void argumentsALayerDoesNotTakeFailWhenTheScopeOpens() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> slim.argScope(List.of(SlimLayer.CONV2D, SlimLayer.MAX_POOL2D), SlimArgs.create().stride(1)
                        .weightsRegularizer(slim.l2Regularizer(0.1))));
        assertTrue(e.getMessage().contains("max_pool2d() got an unexpected keyword argument 'weights_regularizer'"),
                e.getMessage());
        assertEquals("SAME", padding(slim.conv2d(images, 4, 3)));
        assertThrows(InvalidArgumentException.class, () -> slim.argScope(null, SlimArgs.create()));
        assertThrows(InvalidArgumentException.class, () -> slim.argScope((ArgScope) null));
    }

    @Test
    void eachGraphHasItsOwnScopes() {
        Graph other = new Graph();
        Tf otherTf = Tf.of(other);
        try (var sc = slim.argScope(List.of(SlimLayer.CONV2D), SlimArgs.create().activationFn(null))) {
            Output there = otherTf.slim.conv2d(otherTf.placeholder(DType.FLOAT32, Shape.of(1, 4, 4, 1)), 2, 3);
            assertEquals("Relu", type(there));
            assertEquals("BiasAdd", type(new TfSlim(g).conv2d(images, 2, 3)));
        }
    }

    @Test
    void closingTwiceOrOutOfOrderKeepsTheOthers() {
        var outer = slim.argScope(List.of(SlimLayer.CONV2D), SlimArgs.create().padding("VALID"));
        var inner = slim.argScope(List.of(SlimLayer.CONV2D), SlimArgs.create().activationFn(null));
        outer.close();
        outer.close();
        Output a = slim.conv2d(images, 4, 3);
        assertEquals("BiasAdd", type(a));
        assertEquals("VALID", padding(a)); // the inner scope holds the merged table
        inner.close();
        assertEquals("Relu", type(slim.conv2d(images, 4, 3)));
    }
}
