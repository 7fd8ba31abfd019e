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

/**
 * A small image classifier for {@code train-folder --model small}, quick enough to train on two cores in
 * minutes: conv 16@3x3 + ReLU, max-pool 2x2, conv 32@3x3 + ReLU, max-pool 2x2, dropout 0.25, dense 64 + ReLU,
 * dense {@code classes}; softmax cross-entropy; SGD with momentum 0.9 on a scheduled learning rate.
 */
public final class SmallCnn {
    private SmallCnn() {}

    public static Model build(Graph g, int side, int channels, int classes, Output learningRate, Variable globalStep) {
        Tf tf = Tf.of(g);
        Output images = tf.placeholder(DType.FLOAT32, Shape.of(-1, side, side, channels), "images");
        Output labels = tf.placeholder(DType.INT32, Shape.of(-1), "labels");
        Output training = tf.placeholderWithDefault(tf.constant(false), Shape.scalar(), "training");
        Output h = tf.layers.conv2d(images, 16, new int[] {3, 3},
                Conv2dOptions.create().padding("same").activation(tf.nn::relu));
        h = tf.layers.maxPooling2d(h, new int[] {2, 2}, new int[] {2, 2});
        h = tf.layers.conv2d(h, 32, new int[] {3, 3}, Conv2dOptions.create().padding("same").activation(tf.nn::relu));
        h = tf.layers.maxPooling2d(h, new int[] {2, 2}, new int[] {2, 2});
        h = tf.layers.dropout(tf.layers.flatten(h), 0.25, training);
        h = tf.layers.dense(h, 64, DenseOptions.create().activation(tf.nn::relu));
        Output logits = tf.layers.dense(h, classes, DenseOptions.create().name("logits"));
        Output loss = tf.losses.sparseSoftmaxCrossEntropy(labels, logits);
        Output accuracy;
        try (var scope = tf.nameScope("accuracy")) {
            accuracy = tf.reduceMean(tf.cast(tf.equal(tf.argMax(logits, 1, DType.INT32), labels), DType.FLOAT32));
        }
        Operation train = new MomentumOptimizer(learningRate, 0.9).minimize(tf, loss, globalStep);
        return new Model(g, images, labels, training, logits, loss, accuracy, train);
    }
}
