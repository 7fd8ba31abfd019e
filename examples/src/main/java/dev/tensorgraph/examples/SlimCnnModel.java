package dev.tensorgraph.examples;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.slim.SlimArgs;
import dev.tensorgraph.ops.slim.SlimLayer;
import dev.tensorgraph.ops.slim.TfSlim;
import dev.tensorgraph.ops.train.AdamOptimizer;
import java.util.List;

/**
 * The main job's CNN written with TF-Slim ({@code --model slim-cnn}): conv 16@3x3 valid with batch norm (no
 * biases) and ReLU, max-pool 2x2, flatten, fully connected 128 + ReLU, fully connected 10; weight decay 1e-4 on
 * every weights variable through an arg scope; Adam on the cross-entropy plus the regularization losses. Its
 * checkpoints carry TF-Slim's names ({@code conv1/weights}, {@code conv1/BatchNorm/moving_mean},
 * {@code fc1/biases}, {@code logits/weights}, ...), so a TF-Slim model of the same layers restores them.
 */
public final class SlimCnnModel {
    /** The L2 weight decay of every weights variable. */
    static final double WEIGHT_DECAY = 1e-4;

    private SlimCnnModel() {}

    public static Model build(Graph g, float learningRate, boolean globalStep, int height, int width, int channels,
                              int classes) {
        Tf tf = Tf.of(g);
        Output images = tf.placeholder(DType.FLOAT32, Shape.of(-1, height, width, channels), "images");
        Output labels = tf.placeholder(DType.INT32, Shape.of(-1), "labels");
        return build(g, learningRate, globalStep, images, labels, classes);
    }

    /** The model on inputs the caller made, as {@link CnnModel#build(Graph, boolean, float, boolean, Output, Output, int)}. */
    public static Model build(Graph g, float learningRate, boolean globalStep, Output images, Output labels,
                              int classes) {
        Tf tf = Tf.of(g);
        TfSlim slim = tf.slim;
        Output training = tf.placeholderWithDefault(tf.constant(false), Shape.scalar(), "training");
        Output logits;
        try (var layers = slim.argScope(List.of(SlimLayer.CONV2D, SlimLayer.FULLY_CONNECTED),
                SlimArgs.create().weightsRegularizer(slim.l2Regularizer(WEIGHT_DECAY)));
             var bn = slim.argScope(List.of(SlimLayer.BATCH_NORM), SlimArgs.create().isTraining(training).decay(0.99))) {
            Output net = slim.conv2d(images, 16, 3, SlimArgs.create().padding("VALID").normalizerFn(slim::batchNorm)
                    .scope("conv1"));
            net = slim.maxPool2d(net, 2, SlimArgs.create().scope("pool1"));
            net = slim.flatten(net);
            net = slim.fullyConnected(net, 128, SlimArgs.create().scope("fc1"));
            logits = slim.fullyConnected(net, classes, SlimArgs.create().activationFn(null).scope("logits"));
        }
        Output loss = tf.losses.sparseSoftmaxCrossEntropy(labels, logits);
        Output accuracy;
        try (var scope = tf.nameScope("accuracy")) {
            Output predicted = tf.argmax(logits, 1, DType.INT32);
            accuracy = tf.reduceMean(tf.cast(tf.equal(predicted, labels), DType.FLOAT32), "accuracy");
        }
        Output total = tf.add(loss, tf.losses.getRegularizationLoss(), "total_loss");
        Variable step = globalStep ? tf.train.getOrCreateGlobalStep() : null;
        Operation train;
        try (var deps = tf.controlDependencies(g.collection(GraphKeys.UPDATE_OPS))) {
            train = new AdamOptimizer(learningRate).minimize(total, step);
        }
        return new Model(g, images, labels, training, logits, loss, accuracy, train);
    }
}
