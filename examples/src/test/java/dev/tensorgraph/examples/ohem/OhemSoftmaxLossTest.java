package dev.tensorgraph.examples.ohem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.layers.DenseOptions;
import dev.tensorgraph.ops.train.AdamOptimizer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OhemSoftmaxLossTest {
    private static final double LN2 = Math.log(2);
    private static final double LN3 = Math.log(3);

    @Test
    void registerIsIdempotentAndUsesThePublicRegistries() {
        OhemSoftmaxLoss.register();
        OhemSoftmaxLoss.register();
        assertTrue(OpRegistry.global().contains(OhemSoftmaxLoss.OP_TYPE));
        assertTrue(KernelRegistry.global().find(KernelRegistry.CPU, OhemSoftmaxLoss.OP_TYPE) != null);
    }

    /**
     * Per-example losses, by hand: [0,0,0] label 0 → ln 3; [ln2,0,0] label 0 → ln(4) - ln2 = ln 2;
     * [0,ln2,0] label 0 → ln 4; [0,0,0] label 2 → ln 3. k = 2 keeps rows 2 (ln 4) and 0 (ln 3, the tie with
     * row 3 goes to the lower index): mean (ln 4 + ln 3) / 2.
     */
    @Test
    void forwardKeepsTheKHardestExamples() {
        float ln2 = (float) LN2;
        float[][] logits = {{0, 0, 0}, {ln2, 0, 0}, {0, ln2, 0}, {0, 0, 0}};
        int[] labels = {0, 0, 0, 2};
        List<Tensor> r = run(logits, labels, 2);
        assertEquals((2 * LN2 + LN3) / 2, r.get(0).floatValue(), 1e-6);
        float third = 1f / 3;
        float[] expected = {
            (third - 1) / 2, third / 2, third / 2,   // row 0 kept: (softmax - onehot) / k
            0, 0, 0,                                 // row 1 dropped
            (0.25f - 1) / 2, 0.25f, 0.25f / 2,       // row 2 kept: softmax = [1/4, 1/2, 1/4]
            0, 0, 0                                  // row 3 dropped (tie lost to row 0)
        };
        assertArrayEquals(expected, r.get(1).floats(), 1e-6f);
        assertEquals(Shape.scalar(), r.get(0).shape());
        assertEquals(Shape.of(4, 3), r.get(1).shape());
    }

    @Test
    void kLargerThanTheBatchAveragesEveryExample() {
        float ln2 = (float) LN2;
        List<Tensor> r = run(new float[][] {{0, 0, 0}, {ln2, 0, 0}}, new int[] {0, 0}, 10);
        assertEquals((LN3 + LN2) / 2, r.get(0).floatValue(), 1e-6);
        assertEquals((0.5f - 1) / 2, r.get(1).floats()[3], 1e-6f);   // row 1: softmax [1/2, 1/4, 1/4], k' = 2
    }

    @Test
    void float64AndInt64LabelsAreSupported() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output logits = tf.constant(new double[][] {{0, 0}, {0, Math.log(3)}});
        Output labels = tf.constant(new long[] {1, 0});
        Output loss = OhemSoftmaxLoss.ohemSparseSoftmaxCrossEntropy(tf, labels, logits, 1, null);
        assertEquals(DType.FLOAT64, loss.dtype());
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertEquals(Math.log(4), s.run(loss).doubleValue(), 1e-12);   // row 1: ln(1 + 3) - 0
        }
    }

    @Test
    void badInputsAreRejectedWithClearMessages() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output logits = tf.placeholder(DType.FLOAT32, Shape.of(-1, 3));
        Output labels = tf.placeholder(DType.INT32, Shape.of(-1));
        InvalidArgumentException k0 = assertThrows(InvalidArgumentException.class,
                () -> OhemSoftmaxLoss.ohemSparseSoftmaxCrossEntropy(tf, labels, logits, 0, null));
        assertTrue(k0.getMessage().contains("k must be at least 1"), k0.getMessage());
        InvalidArgumentException dtype = assertThrows(InvalidArgumentException.class,
                () -> OhemSoftmaxLoss.ohemSparseSoftmaxCrossEntropy(tf, logits, logits, 1, null));
        assertTrue(dtype.getMessage().contains("labels must be int32 or int64"), dtype.getMessage());
        InvalidArgumentException range = assertThrows(InvalidArgumentException.class,
                () -> run(new float[][] {{0, 0, 0}, {0, 0, 0}}, new int[] {0, 3}, 1));
        assertTrue(range.getMessage().contains("labels[1] = 3 is not in [0, 3)"), range.getMessage());
    }

    /** The registered gradient (upstream gradient 3) against central differences of the op's own output. */
    @Test
    void gradientMatchesFiniteDifferences() {
        int batch = 6;
        int classes = 4;
        Random random = new Random(7);
        double[] x0 = new double[batch * classes];
        for (int i = 0; i < x0.length; i++) {
            x0[i] = 2 * random.nextGaussian();
        }
        int[] labelValues = {0, 3, 1, 2, 2, 0};
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output logits = tf.placeholder(DType.FLOAT64, Shape.of(batch, classes), "logits");
        Output labels = tf.constant(labelValues);
        Output y = tf.multiply(OhemSoftmaxLoss.ohemSparseSoftmaxCrossEntropy(tf, labels, logits, 3, null), 3.0);
        List<Output> grads = tf.gradients(y, List.of(logits));
        double eps = 1e-6;
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            double[] analytic = s.run(grads.get(0), Map.of(logits, tensor(x0, batch, classes))).doubles();
            int zeroRows = 0;
            for (int i = 0; i < x0.length; i++) {
                double[] plus = x0.clone();
                double[] minus = x0.clone();
                plus[i] += eps;
                minus[i] -= eps;
                double numeric = (s.run(y, Map.of(logits, tensor(plus, batch, classes))).doubleValue()
                        - s.run(y, Map.of(logits, tensor(minus, batch, classes))).doubleValue()) / (2 * eps);
                assertEquals(numeric, analytic[i], 1e-6, "d y / d logits[" + i / classes + "," + i % classes + "]");
                zeroRows += analytic[i] == 0 ? 1 : 0;
            }
            assertEquals((batch - 3) * classes, zeroRows, "the 3 easiest examples get no gradient");
        }
    }

    @Test
    void labelsGetNoGradient() {
        OhemSoftmaxLoss.register();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Operation op = OhemSoftmaxLoss.op(tf, tf.constant(new int[] {0}), tf.constant(new float[][] {{1, 2}}), 1, null);
        List<Output> grads = OpRegistry.global().lookup(OhemSoftmaxLoss.OP_TYPE).gradient()
                .gradients(op, List.of(tf.constant(1f), tf.zerosLike(op.output(1))));
        assertNull(grads.get(1));
        assertEquals(Shape.of(1, 2), grads.get(0).shape());
    }

    /** A linear classifier on separable synthetic data: Adam on the OHEM loss drives it down. */
    @Test
    void trainingStepsDecreaseTheLoss() {
        int n = 64;
        int features = 8;
        int classes = 4;
        Random random = new Random(3);
        float[] xs = new float[n * features];
        int[] ys = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < features; j++) {
                xs[i * features + j] = (float) random.nextGaussian();
            }
            int best = 0;   // label: the largest of the first `classes` features
            for (int c = 1; c < classes; c++) {
                best = xs[i * features + c] > xs[i * features + best] ? c : best;
            }
            ys[i] = best;
        }
        Graph g = new Graph();
        g.setSeed(5L);
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, features), "x");
        Output labels = tf.placeholder(DType.INT32, Shape.of(-1), "labels");
        Output logits = tf.layers.dense(x, classes, DenseOptions.create());
        Output loss = OhemSoftmaxLoss.ohemSparseSoftmaxCrossEntropy(tf, labels, logits, 16, "ohem");
        Operation train = new AdamOptimizer(0.05).minimize(loss);
        Map<Output, Tensor> feeds = Map.of(x, Tensor.of(DType.FLOAT32, Shape.of(n, features), xs),
                labels, Tensor.of(DType.INT32, Shape.of(n), ys));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            double first = s.run(loss, feeds).floatValue();
            for (int step = 0; step < 60; step++) {
                s.run(train, feeds);
            }
            double last = s.run(loss, feeds).floatValue();
            assertTrue(last < 0.5 * first, "OHEM loss went from " + first + " to " + last);
        }
    }

    private static List<Tensor> run(float[][] logitValues, int[] labelValues, int k) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Operation op = OhemSoftmaxLoss.op(tf, tf.constant(labelValues), tf.constant(logitValues), k, null);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            return s.runner().fetch(op.output(0)).fetch(op.output(1)).run();
        }
    }

    private static Tensor tensor(double[] v, int rows, int cols) {
        return Tensor.of(DType.FLOAT64, Shape.of(rows, cols), v);
    }
}
