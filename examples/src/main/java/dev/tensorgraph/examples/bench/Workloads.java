package dev.tensorgraph.examples.bench;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.examples.AlexNet;
import dev.tensorgraph.examples.CnnModel;
import dev.tensorgraph.examples.Model;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.layers.DenseOptions;
import dev.tensorgraph.ops.rnn.DynamicRnn;
import dev.tensorgraph.ops.rnn.LSTMCell;
import dev.tensorgraph.ops.train.AdamOptimizer;
import dev.tensorgraph.ops.train.GradientDescentOptimizer;
import java.util.Random;

/**
 * The graphs of the workloads W1-W6 and W9 of docs/benchmarks.md (W7 trains W4's model), built as their peers
 * build them. Every graph gets the graph-level seed {@link #GRAPH_SEED}, so the Glorot-uniform initial
 * weights (the default initializer of the layers) and the random variables of W2 are the same from run to run;
 * fed inputs come from {@link #randn}.
 */
public final class Workloads {
    /** Graph-level random seed of every workload graph. */
    public static final long GRAPH_SEED = 42;

    private Workloads() {}

    /** W1: {@code y = reduce_sum((x*2+1)*x - x/3)} with {@code x} a fed float vector of 4. */
    public record Tiny(Graph graph, Output x, Output y) {}

    /** W2: {@code sum(A·B)} with A and B {@code n×n} variables initialized by {@code init}. */
    public record MatMul(Graph graph, Output sumC, Operation init, int n) {}

    /** W3: the 784-512-256-10 MLP with one-hot {@code labels}, mean softmax cross-entropy and SGD. */
    public record Mlp(Graph graph, Output x, Output labels, Output loss, Operation train, Operation init) {}

    /** A {@link Model} with its variable initializer. */
    public record Trainable(Model model, Operation init) {}

    public static Tiny w1() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(4), "x");
        Output a = tf.add(tf.multiply(x, 2.0), 1.0);
        Output b = tf.subtract(tf.multiply(a, x), tf.divide(x, 3.0));
        Output y = tf.reduceSum(b, 0);
        return new Tiny(g, x, y);
    }

    public static MatMul w2(int n) {
        Graph g = new Graph();
        g.setSeed(GRAPH_SEED);
        Tf tf = Tf.of(g);
        Output a = tf.variable(tf.random.normal(Shape.of(n, n)), "A");
        Output b = tf.variable(tf.random.normal(Shape.of(n, n)), "B");
        Output c = tf.matmul(a, b);
        Output sum = tf.reduceSum(c, new int[] {0, 1});
        return new MatMul(g, sum, tf.globalVariablesInitializer(), n);
    }

    public static Mlp w3() {
        Graph g = new Graph();
        g.setSeed(GRAPH_SEED);
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 784), "x");
        Output labels = tf.placeholder(DType.FLOAT32, Shape.of(-1, 10), "labels");
        Output h = tf.layers.dense(x, 512, DenseOptions.create().activation(tf.nn::relu));
        h = tf.layers.dense(h, 256, DenseOptions.create().activation(tf.nn::relu));
        Output logits = tf.layers.dense(h, 10);
        Output loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits(labels, logits));
        Operation train = new GradientDescentOptimizer(0.01).minimize(loss);
        return new Mlp(g, x, labels, loss, train, tf.globalVariablesInitializer());
    }

    /** W4 ({@code batchNorm} false) or W6 (true): the tutorials' CNN with Adam 1e-3, int32 class-id labels. */
    public static Trainable cnn(boolean batchNorm) {
        Graph g = new Graph();
        g.setSeed(GRAPH_SEED);
        Model m = CnnModel.build(g, batchNorm, 1e-3f);
        return new Trainable(m, Tf.of(g).globalVariablesInitializer());
    }

    /** W5: AlexNet, 2 classes, SGD lr 0.01 momentum 0.9, int32 class-id labels. */
    public static Trainable alexNet() {
        Graph g = new Graph();
        g.setSeed(GRAPH_SEED);
        Model m = AlexNet.build(g, 2, 0.01f);
        return new Trainable(m, Tf.of(g).globalVariablesInitializer());
    }

    /**
     * W5 training on one fixed batch held in a device variable (initialized by feeding {@code batchSource}
     * once), as the PyTorch peer keeps its input tensor on the GPU: no host-to-device copy per step.
     */
    public record ResidentAlexNet(Model model, Operation init, Output batchSource) {}

    public static ResidentAlexNet alexNetOnResidentBatch(int batch) {
        Graph g = new Graph();
        g.setSeed(GRAPH_SEED);
        Tf tf = Tf.of(g);
        Output source = tf.placeholder(DType.FLOAT32, Shape.of(batch, 224, 224, 3), "batch_source");
        dev.tensorgraph.Variable resident = tf.variable(source, false, "resident_images");
        Model m = AlexNet.build(g, 2, 0.01f, resident.value());
        return new ResidentAlexNet(m, tf.globalVariablesInitializer(), source);
    }

    /** W9: an LSTM {@code dynamic_rnn} with its loss and Adam update; {@code x} is {@code [batch, time, depth]}. */
    public record Lstm(Graph graph, Output x, Output y, Output loss, Operation train, Operation init) {}

    /**
     * W9, as {@code time_lstm_step.py} builds it for TensorFlow: {@code dynamic_rnn} over an {@code LSTMCell} of
     * {@code units} under variable scope {@code lstm_model}, loss {@code mean((h - y)^2) + 0.5 mean(outputs^2)}
     * with {@code h} the last step's output, Adam 1e-3.
     */
    public static Lstm lstm(int batch, int time, int depth, int units) {
        Graph g = new Graph();
        g.setSeed(GRAPH_SEED);
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(batch, time, depth), "x");
        Output y = tf.placeholder(DType.FLOAT32, Shape.of(batch, units), "y");
        DynamicRnn.Result r;
        try (Graph.Scope scope = tf.variableScope("lstm_model")) {
            r = tf.nn.dynamicRnn(LSTMCell.create(units), x, DynamicRnn.Options.create().dtype(DType.FLOAT32));
        }
        Output h = r.state().get(1);
        Output loss;
        try (Graph.Scope scope = g.nameScope("loss")) {
            loss = tf.add(tf.reduceMean(tf.square(tf.subtract(h, y))),
                    tf.multiply(tf.reduceMean(tf.square(r.outputs())), 0.5), "value");
        }
        Operation train = new AdamOptimizer(1e-3).minimize(loss);
        return new Lstm(g, x, y, loss, train, tf.globalVariablesInitializer());
    }

    /** Standard normal float32 values of the given shape. */
    public static Tensor randn(Random r, long... shape) {
        Shape s = Shape.of(shape);
        float[] a = new float[Math.toIntExact(s.numElements())];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return Tensor.wrap(DType.FLOAT32, s, a);
    }

    /** {@code [batch, classes]} float32 one-hot rows with uniformly drawn classes. */
    public static Tensor oneHot(Random r, int batch, int classes) {
        float[] a = new float[batch * classes];
        for (int i = 0; i < batch; i++) {
            a[i * classes + r.nextInt(classes)] = 1f;
        }
        return Tensor.wrap(DType.FLOAT32, Shape.of(batch, classes), a);
    }

    /** {@code [batch]} int32 class ids drawn uniformly from {@code [0, classes)}. */
    public static Tensor classIds(Random r, int batch, int classes) {
        int[] a = new int[batch];
        for (int i = 0; i < batch; i++) {
            a[i] = r.nextInt(classes);
        }
        return Tensor.wrap(DType.INT32, Shape.of(batch), a);
    }
}
