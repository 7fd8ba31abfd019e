package dev.tensorgraph.spark;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.Saver;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.layers.Conv2dOptions;
import dev.tensorgraph.ops.layers.DenseOptions;
import java.nio.file.Path;
import java.util.Random;

/**
 * A small CNN in the main job's shape (conv 4@3x3 + ReLU, max-pool 2x2, dense 16 + ReLU, dense 10 "logits") on
 * 8x8x1 images, saved as a MetaGraph and checkpoint, with the logits a plain session computes for given images.
 */
final class TestCnn {
    static final int SIDE = 8;
    static final int PIXELS = SIDE * SIDE;
    static final String INPUT = "images";
    static final String LOGITS = "logits/BiasAdd:0";

    private TestCnn() {}

    static Graph build() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        tf.random.setRandomSeed(7);
        Output images = tf.placeholder(DType.FLOAT32, Shape.of(-1, SIDE, SIDE, 1), INPUT);
        Output h = tf.layers.conv2d(images, 4, new int[] {3, 3},
                Conv2dOptions.create().padding("valid").activation(tf.nn::relu));
        h = tf.layers.flatten(tf.layers.maxPooling2d(h, new int[] {2, 2}, new int[] {2, 2}));
        h = tf.layers.dense(h, 16, DenseOptions.create().activation(tf.nn::relu));
        tf.layers.dense(h, 10, DenseOptions.create().name("logits"));
        return g;
    }

    static final String LABELS = "labels";
    static final String LOSS = "sparse_softmax_cross_entropy_loss/value:0";

    /** The CNN with int32 "labels" and the batch's mean softmax cross-entropy, {@link #LOSS}. */
    static Graph buildWithLoss() {
        Graph g = build();
        Tf tf = Tf.of(g);
        Output labels = tf.placeholder(DType.INT32, Shape.of(-1), LABELS);
        tf.losses.sparseSoftmaxCrossEntropy(labels, g.output(LOGITS));
        return g;
    }

    static int[] labels(int n, long seed) {
        Random r = new Random(seed);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(10);
        }
        return y;
    }

    /** Builds, initializes and saves the CNN as {@code dir/model} (.meta, .index, .data); returns the prefix. */
    static Path save(Path dir) {
        Graph g = build();
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(Tf.of(g).globalVariablesInitializer());
            return new Saver(g).save(s, dir.resolve("model"));
        }
    }

    /** The logits of the saved model at {@code prefix} for {@code images} ([n, 64] row-major), one plain run. */
    static float[][] logits(Path prefix, float[][] images) {
        Graph g = dev.tensorgraph.ops.MetaGraph.importMetaGraph(Path.of(prefix + ".meta"));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            new Saver(g).restore(s, prefix);
            float[] flat = new float[images.length * PIXELS];
            for (int i = 0; i < images.length; i++) {
                System.arraycopy(images[i], 0, flat, i * PIXELS, PIXELS);
            }
            Tensor out = s.run(g.output(LOGITS),
                    java.util.Map.of(g.output(INPUT), Tensor.of(DType.FLOAT32, Shape.of(images.length, SIDE, SIDE, 1), flat)));
            float[] v = out.floats();
            float[][] rows = new float[images.length][10];
            for (int i = 0; i < images.length; i++) {
                System.arraycopy(v, i * 10, rows[i], 0, 10);
            }
            return rows;
        }
    }

    static float[][] images(int n, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[n][PIXELS];
        for (float[] row : x) {
            for (int k = 0; k < PIXELS; k++) {
                row[k] = r.nextFloat();
            }
        }
        return x;
    }
}
