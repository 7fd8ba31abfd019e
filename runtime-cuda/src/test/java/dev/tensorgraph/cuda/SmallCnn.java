package dev.tensorgraph.cuda;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.train.Optimizer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * A small CNN train step for the GPU tests, W4's shape in miniature: conv 3x3 VALID + bias + ReLU, max-pool
 * 2x2/2, flatten, dense to the classes, sparse softmax cross-entropy, and an optimizer's update. Initial
 * values are constants drawn from a seeded {@link Random}, so every session starts from identical weights
 * without relying on the random ops.
 */
final class SmallCnn {
    static final int SIZE = 12;
    static final int CHANNELS = 2;
    static final int FILTERS = 8;
    static final int CLASSES = 10;

    final Graph graph;
    final Output images;
    final Output labels;
    final Output loss;
    final Operation train;
    final Variable filter;
    final Operation init;

    private SmallCnn(Graph graph, Output images, Output labels, Output loss, Operation train, Variable filter,
                     Operation init) {
        this.graph = graph;
        this.images = images;
        this.labels = labels;
        this.loss = loss;
        this.train = train;
        this.filter = filter;
        this.init = init;
    }

    /** The model trained by the optimizer {@code optimizer} makes for the graph's facade. */
    static SmallCnn build(long seed, Function<Tf, Optimizer> optimizer) {
        Random r = new Random(seed);
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output images = tf.placeholder(DType.FLOAT32, Shape.of(-1, SIZE, SIZE, CHANNELS), "images");
        Output labels = tf.placeholder(DType.INT32, Shape.of(-1), "labels");
        Variable filter = tf.variable(tf.constant(GpuTestSupport.uniform(r, -0.4, 0.4, 3, 3, CHANNELS, FILTERS)), "filter");
        Variable convBias = tf.variable(tf.constant(GpuTestSupport.uniform(r, -0.1, 0.1, FILTERS)), "conv_bias");
        int pooled = (SIZE - 2) / 2;
        int flat = pooled * pooled * FILTERS;
        Variable weights = tf.variable(tf.constant(GpuTestSupport.uniform(r, -0.15, 0.15, flat, CLASSES)), "weights");
        Variable bias = tf.variable(tf.constant(GpuTestSupport.uniform(r, -0.1, 0.1, CLASSES)), "bias");
        Output h = tf.nn.conv2d(images, filter, new int[] {1, 1}, "VALID", "conv");
        h = tf.nn.relu(tf.nn.biasAdd(h, convBias), "conv_relu");
        h = tf.nn.maxPool(h, new int[] {2, 2}, new int[] {2, 2}, "VALID", "NHWC", "pool");
        h = tf.reshape(h, new int[] {-1, flat}, "flatten");
        Output logits = tf.nn.biasAdd(tf.matmul(h, weights), bias, "NHWC", "logits");
        Output loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits(labels, logits), "loss");
        Operation train = optimizer.apply(tf).minimize(loss);
        return new SmallCnn(g, images, labels, loss, train, filter, tf.globalVariablesInitializer());
    }

    /** One batch of images and labels; the same {@code seed} gives the same batch. */
    Map<Output, Tensor> batch(long seed, int size) {
        Random r = new Random(seed);
        return Map.of(images, GpuTestSupport.uniform(r, -1, 1, size, SIZE, SIZE, CHANNELS),
                labels, GpuTestSupport.ints(r, 0, CLASSES, DType.INT32, size));
    }

    /** Runs one train step, returning the loss before the update. */
    float step(Session s, Map<Output, Tensor> batch) {
        return s.run(List.of(loss), batch, List.of(train)).get(0).floatValue();
    }

    /** Every variable of the graph, optimizer slots included. */
    List<Variable> variables() {
        return Tf.of(graph).globalVariables();
    }
}
