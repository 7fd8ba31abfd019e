package dev.tensorgraph.cuda.nccl;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A three-layer network (6 → 8 → 8 → 4, tanh, softmax cross-entropy) with fixed initial values, its loss and the
 * loss's gradients for every weight and bias, and a batch of {@value #ROWS} rows that ranks share out: row {@code i}
 * to rank {@code i mod ranks}.
 */
final class ReplicaModel {
    static final int ROWS = 10;
    private static final int[] WIDTHS = {6, 8, 8, 4};

    final Graph graph = new Graph();
    final Output input;
    final Output labels;
    final Output loss;
    final List<Variable> variables = new ArrayList<>();
    final List<Output> gradients;
    private final SessionOptions options;

    ReplicaModel() {
        this(SessionOptions.cpuOnly());
    }

    ReplicaModel(SessionOptions options) {
        this.options = options;
        Tf tf = Tf.of(graph);
        input = tf.placeholder(DType.FLOAT32, Shape.of(-1, WIDTHS[0]), "input");
        labels = tf.placeholder(DType.INT32, Shape.of(-1), "labels");
        Output h = input;
        for (int layer = 1; layer < WIDTHS.length; layer++) {
            int in = WIDTHS[layer - 1];
            int out = WIDTHS[layer];
            Variable w = tf.variable(tf.constant(Tensor.of(DType.FLOAT32, Shape.of(in, out),
                    wave(in * out, 0.4f, layer))), "w" + layer);
            Variable b = tf.variable(tf.constant(Tensor.of(DType.FLOAT32, Shape.of(out), wave(out, 0.1f, 10 + layer))),
                    "b" + layer);
            variables.add(w);
            variables.add(b);
            h = tf.add(tf.matmul(h, w), b);
            if (layer < WIDTHS.length - 1) {
                h = tf.tanh(h);
            }
        }
        loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits(labels, h), "loss");
        gradients = tf.gradients(loss, new ArrayList<>(variables));
    }

    private static float[] wave(int n, float scale, int phase) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * (float) Math.sin(0.7 * i + phase);
        }
        return v;
    }

    /** A session on this model's graph with its variables initialized. */
    Session newSession() {
        Session s = new Session(graph, options);
        s.run(Tf.of(graph).globalVariablesInitializer());
        return s;
    }

    int[] gradientSizes() {
        int[] sizes = new int[variables.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = (int) variables.get(i).shape().numElements();
        }
        return sizes;
    }

    int rowsOf(int rank, int ranks) {
        return (ROWS - rank + ranks - 1) / ranks;
    }

    /** Rank {@code rank}'s rows of the batch. */
    Map<Output, Tensor> feeds(int rank, int ranks) {
        int rows = rowsOf(rank, ranks);
        float[] x = new float[rows * WIDTHS[0]];
        int[] y = new int[rows];
        for (int k = 0; k < rows; k++) {
            int row = rank + k * ranks;
            for (int j = 0; j < WIDTHS[0]; j++) {
                x[k * WIDTHS[0] + j] = (float) Math.cos(1.3 * row + 0.5 * j);
            }
            y[k] = (row * 3) % WIDTHS[WIDTHS.length - 1];
        }
        return Map.of(input, Tensor.of(DType.FLOAT32, Shape.of(rows, WIDTHS[0]), x),
                labels, Tensor.of(DType.INT32, Shape.of(rows), y));
    }

    /** Feeds whose input has a column too few: the run rejects them. */
    Map<Output, Tensor> badFeeds() {
        return Map.of(input, Tensor.of(DType.FLOAT32, Shape.of(1, WIDTHS[0] - 1), new float[WIDTHS[0] - 1]),
                labels, Tensor.of(DType.INT32, Shape.of(1), new int[1]));
    }
}
