package dev.tensorgraph.examples;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.layers.Conv2dOptions;
import dev.tensorgraph.ops.layers.DenseOptions;
import dev.tensorgraph.ops.train.MomentumOptimizer;
import dev.tensorgraph.ops.train.Optimizer;

/**
 * AlexNet in its original layout (workload W5 of docs/benchmarks.md): five convolutions with three 3/2 max-pools, two
 * dropout-regularised 4096-unit layers, a {@code classes}-way output, softmax cross-entropy and SGD with
 * momentum 0.9.
 */
public final class AlexNet {
    private AlexNet() {}

    public static Model build(Graph g, int classes, float learningRate) {
        return build(g, classes, learningRate, null);
    }

    /**
     * As {@link #build(Graph, int, float)}; with {@code defaultImages} the images input is a placeholder with
     * that default, so a batch already in device memory (a variable) is trained on without feeding it.
     */
    public static Model build(Graph g, int classes, float learningRate, Output defaultImages) {
        return build(g, classes, defaultImages, new MomentumOptimizer(learningRate, 0.9, false), null);
    }

    /**
     * As {@link #build(Graph, int, float)} with a learning rate computed in the graph (a schedule of the global
     * step, which each train step then increments).
     */
    public static Model build(Graph g, int classes, Output learningRate, Variable globalStep) {
        return build(g, classes, null, new MomentumOptimizer(learningRate, 0.9, false), globalStep);
    }

    private static Model build(Graph g, int classes, Output defaultImages, Optimizer optimizer, Variable globalStep) {
        Tf tf = Tf.of(g);
        Shape imageShape = Shape.of(-1, 224, 224, 3);
        Output images = defaultImages == null ? tf.placeholder(DType.FLOAT32, imageShape, "images")
                : tf.placeholderWithDefault(defaultImages, imageShape, "images");
        Output labels = tf.placeholder(DType.INT32, Shape.of(-1), "labels");
        Output training = tf.placeholderWithDefault(tf.constant(false), Shape.scalar(), "training");
        // The first convolution pads 2 on each side, which SAME does not express for 11x11 stride 4; explicit
        // padding in the Conv2D op itself spares a padded copy of the batch.
        Output h = tf.layers.conv2d(images, 96, new int[] {11, 11}, Conv2dOptions.create().strides(4, 4)
                .explicitPadding(new int[][] {{2, 2}, {2, 2}}).activation(tf.nn::relu));
        h = tf.layers.maxPooling2d(h, new int[] {3, 3}, new int[] {2, 2});
        h = conv(tf, h, 256, 5, 1, "same");
        h = tf.layers.maxPooling2d(h, new int[] {3, 3}, new int[] {2, 2});
        h = conv(tf, h, 384, 3, 1, "same");
        h = conv(tf, h, 384, 3, 1, "same");
        h = conv(tf, h, 256, 3, 1, "same");
        h = tf.layers.maxPooling2d(h, new int[] {3, 3}, new int[] {2, 2});
        h = tf.layers.flatten(h);
        h = tf.layers.dropout(h, 0.5, training);
        h = tf.layers.dense(h, 4096, DenseOptions.create().activation(tf.nn::relu));
        h = tf.layers.dropout(h, 0.5, training);
        h = tf.layers.dense(h, 4096, DenseOptions.create().activation(tf.nn::relu));
        Output logits = tf.layers.dense(h, classes, DenseOptions.create().name("logits"));
        Output loss = tf.losses.sparseSoftmaxCrossEntropy(labels, logits);
        Output accuracy;
        try (var scope = tf.nameScope("accuracy")) {
            accuracy = tf.reduceMean(tf.cast(tf.equal(tf.argmax(logits, 1, DType.INT32), labels), DType.FLOAT32));
        }
        Operation train = optimizer.minimize(loss, globalStep);
        return new Model(g, images, labels, training, logits, loss, accuracy, train);
    }

    private static Output conv(Tf tf, Output x, int filters, int kernel, int stride, String padding) {
        return tf.layers.conv2d(x, filters, new int[] {kernel, kernel},
                Conv2dOptions.create().strides(stride, stride).padding(padding).activation(tf.nn::relu));
    }
}
