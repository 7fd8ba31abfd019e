package dev.tensorgraph.examples;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.layers.Conv2dOptions;
import dev.tensorgraph.ops.layers.DenseOptions;
import dev.tensorgraph.ops.train.AdamOptimizer;

/**
 * The tutorials' small CNN for 28x28x1 images (workload W4 of docs/benchmarks.md): conv 16@3x3 valid + ReLU,
 * max-pool 2x2, flatten, dense 128 + ReLU, dense 10, softmax cross-entropy, Adam. With {@code batchNorm} a batch
 * normalization layer follows the conv (W6), its moving averages updated through UPDATE_OPS. With
 * {@code globalStep} the train op also increments the graph's {@code global_step} (created after the layers, so
 * the initial weights are those of the benchmark's graph, which has none).
 */
public final class CnnModel {
    private CnnModel() {}

    /** The benchmarks' W4/W6 graph: no global step, as the peers build it. */
    public static Model build(Graph g, boolean batchNorm, float learningRate) {
        return build(g, batchNorm, learningRate, false);
    }

    public static Model build(Graph g, boolean batchNorm, float learningRate, boolean globalStep) {
        return build(g, batchNorm, learningRate, globalStep, 28, 28, 1, 10);
    }

    public static Model build(Graph g, boolean batchNorm, float learningRate, boolean globalStep, int height,
                              int width, int channels, int classes) {
        Tf tf = Tf.of(g);
        Output images = tf.placeholder(DType.FLOAT32, Shape.of(-1, height, width, channels), "images");
        Output labels = tf.placeholder(DType.INT32, Shape.of(-1), "labels");
        return build(g, batchNorm, learningRate, globalStep, images, labels, classes);
    }

    /**
     * The model on inputs the caller made: float32 {@code images} [batch, height, width, channels] and int32
     * {@code labels} [batch], placeholders or tensors computed in the graph (data kept on the device).
     */
    public static Model build(Graph g, boolean batchNorm, float learningRate, boolean globalStep, Output images,
                              Output labels, int classes) {
        Tf tf = Tf.of(g);
        Output training = tf.placeholderWithDefault(tf.constant(false), Shape.scalar(), "training");
        Output logits = logits(tf, images, training, batchNorm, classes);
        Output loss = tf.losses.sparseSoftmaxCrossEntropy(labels, logits);
        Output accuracy;
        try (var scope = tf.nameScope("accuracy")) {
            Output predicted = tf.argmax(logits, 1, DType.INT32);
            accuracy = tf.reduceMean(tf.cast(tf.equal(predicted, labels), DType.FLOAT32), "accuracy");
        }
        Variable step = globalStep ? tf.train.getOrCreateGlobalStep() : null;
        Operation train;
        try (var deps = tf.controlDependencies(g.collection(GraphKeys.UPDATE_OPS))) {
            // The optimizer adds its op to the TRAIN_OP collection itself.
            train = new AdamOptimizer(learningRate).minimize(loss, step);
        }
        return new Model(g, images, labels, training, logits, loss, accuracy, train);
    }

    /**
     * The forward pass alone, conv 16@3x3, max-pool 2x2, dense 128, dense {@code classes} named "logits", for
     * trainers that add their own backward pass (data-parallel training on Spark).
     */
    public static Output logits(Tf tf, Output images, Output training, boolean batchNorm, int classes) {
        Output h = tf.layers.conv2d(images, 16, new int[] {3, 3},
                Conv2dOptions.create().padding("valid").activation(batchNorm ? null : tf.nn::relu));
        if (batchNorm) {
            h = tf.nn.relu(tf.layers.batchNormalization(h, training));
        }
        h = tf.layers.maxPooling2d(h, new int[] {2, 2}, new int[] {2, 2});
        h = tf.layers.flatten(h);
        h = tf.layers.dense(h, 128, DenseOptions.create().activation(tf.nn::relu));
        return tf.layers.dense(h, classes, DenseOptions.create().name("logits"));
    }
}
