package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static dev.tensorgraph.cuda.GpuTestSupport.compare;
import static dev.tensorgraph.cuda.GpuTestSupport.feeds;
import static dev.tensorgraph.cuda.GpuTestSupport.ints;
import static dev.tensorgraph.cuda.GpuTestSupport.uniform;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.cuda.GpuTestSupport.Tolerance;
import dev.tensorgraph.ops.Tf;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Softmax, LogSoftmax, both softmax cross-entropies (loss and backprop outputs, int32 and int64 labels),
 * BiasAdd and BiasAddGrad (NHWC, NCHW, rank 2) on the GPU against the CPU, forward and gradient.
 * Tolerances: softmax probabilities 1e-5 relative + 1e-7 absolute; log-probabilities and losses 1e-5 relative
 * + 1e-6 absolute (the CPU sums in double, the GPU in float with expf); gradients 1e-5 relative + 1e-6
 * absolute; BiasAdd exactly; BiasAddGrad within 1e-5 of the sum of |terms|.
 */
class NnGpuTest {
    private static final Tolerance PROBABILITIES = Tolerance.relative(1e-5, 1e-7);
    private static final Tolerance LOGS = Tolerance.relative(1e-5, 1e-6);
    private static final Tolerance GRADIENT = Tolerance.relative(1e-5, 1e-6);

    private static final long[][] LOGIT_SHAPES = {{64, 10}, {3, 1000}, {1, 100_003}, {257, 2}, {1, 1}};

    private final Random random = new Random(4242);

    @Test
    void softmaxAndLogSoftmaxOverTheLastAxis() {
        assumeGpu();
        for (long[] shape : LOGIT_SHAPES) {
            for (double scale : new double[] {1, 50}) {
                Graph g = new Graph();
                Tf tf = Tf.of(g);
                Output x = tf.placeholder(DType.FLOAT32, Shape.of(shape), "logits");
                Output sm = tf.nn.softmax(x, -1, "softmax");
                Output lsm = tf.nn.logSoftmax(x, -1, "log_softmax");
                var f = feeds(x, uniform(random, -scale, scale, shape));
                compare(g, f, PROBABILITIES, sm);
                compare(g, f, LOGS, lsm);
            }
        }
    }

    @Test
    void softmaxOfRank3AndItsGradient() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(5, 7, 11), "logits");
        Output sm = tf.nn.softmax(x, -1, "softmax");
        Output lsm = tf.nn.logSoftmax(x, -1, "log_softmax");
        Output r1 = tf.placeholder(DType.FLOAT32, Shape.of(5, 7, 11), "r1");
        Output r2 = tf.placeholder(DType.FLOAT32, Shape.of(5, 7, 11), "r2");
        Output loss = tf.add(tf.reduceSum(tf.multiply(sm, r1)), tf.reduceSum(tf.multiply(lsm, r2)));
        Output dx = tf.gradients(loss, List.of(x)).get(0);
        var f = feeds(x, uniform(random, -3, 3, 5, 7, 11), r1, uniform(random, -1, 1, 5, 7, 11),
                r2, uniform(random, -1, 1, 5, 7, 11));
        compare(g, f, PROBABILITIES, sm);
        compare(g, f, GRADIENT, dx);
    }

    @Test
    void softmaxCrossEntropyLossBackpropAndGradient() {
        assumeGpu();
        for (long[] shape : LOGIT_SHAPES) {
            Graph g = new Graph();
            Tf tf = Tf.of(g);
            Output logits = tf.placeholder(DType.FLOAT32, Shape.of(shape), "logits");
            Output labels = tf.placeholder(DType.FLOAT32, Shape.of(shape), "labels");
            Output loss = tf.nn.softmaxCrossEntropyWithLogits(labels, logits, "xent");
            Output backprop = loss.op().output(1);
            Output r = tf.placeholder(DType.FLOAT32, Shape.of(shape[0]), "r");
            Output dLogits = tf.gradients(tf.reduceSum(tf.multiply(loss, r)), List.of(logits)).get(0);
            var f = feeds(logits, uniform(random, -5, 5, shape), labels, distribution(shape),
                    r, uniform(random, -1, 1, shape[0]));
            compare(g, f, LOGS, loss);
            compare(g, f, GRADIENT, backprop, dLogits);
        }
    }

    @Test
    void sparseSoftmaxCrossEntropyWithInt32AndInt64Labels() {
        assumeGpu();
        for (DType labelType : new DType[] {DType.INT32, DType.INT64}) {
            for (long[] shape : LOGIT_SHAPES) {
                Graph g = new Graph();
                Tf tf = Tf.of(g);
                Output logits = tf.placeholder(DType.FLOAT32, Shape.of(shape), "logits");
                Output labels = tf.placeholder(labelType, Shape.of(shape[0]), "labels");
                Output loss = tf.nn.sparseSoftmaxCrossEntropyWithLogits(labels, logits, "sparse_xent");
                Output backprop = loss.op().output(1);
                Output r = tf.placeholder(DType.FLOAT32, Shape.of(shape[0]), "r");
                Output dLogits = tf.gradients(tf.reduceSum(tf.multiply(loss, r)), List.of(logits)).get(0);
                var f = feeds(logits, uniform(random, -5, 5, shape), labels, ints(random, 0, (int) shape[1], labelType, shape[0]),
                        r, uniform(random, -1, 1, shape[0]));
                compare(g, f, LOGS, loss);
                compare(g, f, GRADIENT, backprop, dLogits);
            }
        }
    }

    @Test
    void biasAddAndBiasAddGradInEveryLayout() {
        assumeGpu();
        biasAdd(new long[] {4, 5, 6, 7}, "NHWC", 7);
        biasAdd(new long[] {4, 7, 5, 6}, "NCHW", 7);
        biasAdd(new long[] {32, 10}, "NHWC", 10);
        biasAdd(new long[] {64, 26, 26, 16}, "NHWC", 16);
        biasAdd(new long[] {8, 96, 27, 27}, "NCHW", 96);
        biasAdd(new long[] {3, 4, 3}, "NHWC", 3);
    }

    private void biasAdd(long[] shape, String format, long channels) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(shape), "x");
        Output b = tf.placeholder(DType.FLOAT32, Shape.of(channels), "bias");
        Output y = tf.nn.biasAdd(x, b, format, "bias_add");
        Output r = tf.placeholder(DType.FLOAT32, Shape.of(shape), "r");
        List<Output> grads = tf.gradients(tf.reduceSum(tf.multiply(y, r)), List.of(x, b));
        var f = feeds(x, uniform(random, -2, 2, shape), b, uniform(random, -2, 2, channels), r, uniform(random, -1, 1, shape));
        compare(g, f, Tolerance.exact(), y);
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        compare(g, f, Tolerance.ofMagnitude(Math.max(1e-5, 1e-5 * Math.sqrt(n / channels) / 10), 1e-7), grads.get(1));
        // BiasAddGrad on its own, as the optimizer's gradients call it.
        Output db = tf.graph().opBuilder("BiasAddGrad", "bias_add_grad").addInput(r).setAttr("data_format", format).build().output(0);
        compare(g, f, Tolerance.ofMagnitude(Math.max(1e-5, 1e-5 * Math.sqrt(n / channels) / 10), 1e-7), db);
    }

    /** Rows of non-negative weights summing to 1, as label distributions. */
    private Tensor distribution(long[] shape) {
        Tensor t = uniform(random, 0, 1, shape);
        float[] v = t.floats();
        int cols = (int) shape[1];
        for (int row = 0; row < shape[0]; row++) {
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += v[row * cols + c];
            }
            for (int c = 0; c < cols; c++) {
                v[row * cols + c] /= (float) sum;
            }
        }
        return t;
    }
}
