package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.tensorgraph.testing.TfCaseRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.tensorgraph.ops.train.Optimizer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The CPU plan pass that runs a dense layer's backward pass through its ReLU and bias ({@code MatMul}, then
 * {@code ReluGrad} and its {@code BiasAddGrad}) as one {@code _MatMulReluGrad} step. The layer's gradients are
 * checked against their definition in double and against the ops run apart (the ReLU's gradient and the weight
 * gradient computed from it to the bit). The shapes take every way the product is cut, partial vectors of columns
 * included, and the features hold zeros, -0 and NaN. Training steps, with gradient tuples and without, must match
 * the graph as written; that fails when the fused step runs after the update of the variable it reads. The test also covers
 * the cases the pass must leave alone and an error that names the op. {@code MatMulReluGradWithVectorKernelsTest}
 * runs the same on the vector kernels.
 */
class MatMulReluGradTest {
    private static final String FUSED = "(_MatMulReluGrad) @ CPU";

    private static long fusedSteps(Session s, List<Output> fetches, Set<Output> fed, List<Operation> targets) {
        return s.describePlan(fetches, fed, targets).stream().filter(l -> l.contains(FUSED)).count();
    }

    /**
     * A layer {@code h = relu(x w1 + b1)} read by {@code y = h w2}, and the gradients of {@code sum(y * c)} for w1, b1
     * and h's pre-activation: the backward pass takes {@code dy w2^T} through the ReLU and the bias.
     */
    private record Layer(Graph g, Output x, Output h, Output w2, Output c, List<Output> grads) {
        static Layer of(int batch, int in, int hidden, int out) {
            Graph g = new Graph();
            Tf tf = Tf.of(g);
            Output x = tf.placeholder(DType.FLOAT32, Shape.of(batch, in), "x");
            Output w1 = tf.placeholder(DType.FLOAT32, Shape.of(in, hidden), "w1");
            Output b1 = tf.placeholder(DType.FLOAT32, Shape.of(hidden), "b1");
            Output w2 = tf.placeholder(DType.FLOAT32, Shape.of(hidden, out), "w2");
            Output c = tf.placeholder(DType.FLOAT32, Shape.of(batch, out), "c");
            Output h = tf.nn.relu(tf.nn.biasAdd(tf.matmul(x, w1), b1));
            Output loss = tf.reduceSum(tf.multiply(tf.matmul(h, w2), c));
            List<Output> grads = tf.gradients(List.of(loss), List.of(w1, b1));
            return new Layer(g, x, h, w2, c, grads);
        }
    }

    @Test
    void layerGradientsAgainstTheirDefinitionAndTheOpsRunApart() {
        // batch, in, hidden, out: the input gradient split by columns (fewer rows than columns), split by rows, a
        // partial vector of columns, and a small layer.
        int[][] shapes = {{128, 200, 512, 256}, {600, 40, 130, 140}, {64, 30, 70, 33}, {3, 5, 20, 9}};
        long seed = 41;
        for (int[] s : shapes) {
            int batch = s[0];
            int in = s[1];
            int hidden = s[2];
            int out = s[3];
            String what = batch + "x" + in + "x" + hidden + "x" + out;
            Layer layer = Layer.of(batch, in, hidden, out);
            Tensor xv = NnTestSupport.randomFloats(seed++, batch, in);
            Tensor w2v = NnTestSupport.randomFloats(seed++, hidden, out);
            Tensor cv = NnTestSupport.randomFloats(seed++, batch, out);
            // The features (h) fed: a third zeros, some -0 and NaN, so that the mask's every case is taken.
            float[] hv = NnTestSupport.randomFloats(seed++, batch, hidden).floats().clone();
            for (int i = 0; i < hv.length; i++) {
                hv[i] = i % 3 == 0 ? 0f : i % 97 == 1 ? -0f : i % 101 == 2 ? Float.NaN : hv[i];
            }
            Map<Output, Tensor> feeds = Map.of(layer.x(), xv, layer.w2(), w2v, layer.c(), cv,
                    layer.h(), Tensor.of(DType.FLOAT32, Shape.of(batch, hidden), hv));
            List<Tensor> fused;
            try (Session session = new Session(layer.g(), SessionOptions.cpuOnly().intraOpThreads(2))) {
                assertEquals(1, fusedSteps(session, layer.grads(), feeds.keySet(), List.of()), what);
                fused = session.run(layer.grads(), feeds);
            }
            List<Tensor> apart;
            try (Session session = new Session(layer.g(), SessionOptions.cpuOnly().fuseOps(false))) {
                apart = session.run(layer.grads(), feeds);
            }
            // The weight gradient reads the masked product, which has ReluGrad's bits.
            assertArrayEquals(apart.get(0).floats(), fused.get(0).floats(), 0f, what + ": dw1");
            // In double: dz = (c w2^T) masked by h > 0, db1 = its column sums, dw1 = x^T dz.
            float[] x = xv.floats();
            float[] w2 = w2v.floats();
            float[] c = cv.floats();
            double[] dz = new double[batch * hidden];
            for (int i = 0; i < batch; i++) {
                for (int j = 0; j < hidden; j++) {
                    if (hv[i * hidden + j] > 0) {
                        double sum = 0;
                        for (int p = 0; p < out; p++) {
                            sum += (double) c[i * out + p] * w2[j * out + p];
                        }
                        dz[i * hidden + j] = sum;
                    }
                }
            }
            float[] db = fused.get(1).floats();
            float[] dbApart = apart.get(1).floats();
            float[] dw = fused.get(0).floats();
            for (int j = 0; j < hidden; j++) {
                double want = 0;
                double magnitude = 0;
                for (int i = 0; i < batch; i++) {
                    want += dz[i * hidden + j];
                    magnitude += Math.abs(dz[i * hidden + j]);
                }
                assertEquals(want, db[j], 1e-5 * magnitude + 1e-6, what + ": db1[" + j + "]");
                assertEquals(dbApart[j], db[j], 2e-5 * magnitude + 1e-6, what + ": db1[" + j + "] against BiasAddGrad");
            }
            for (int p = 0; p < in; p += 7) {
                for (int j = 0; j < hidden; j++) {
                    double want = 0;
                    double magnitude = 0;
                    for (int i = 0; i < batch; i++) {
                        want += x[i * in + p] * dz[i * hidden + j];
                        magnitude += Math.abs(x[i * in + p] * dz[i * hidden + j]);
                    }
                    assertEquals(want, dw[p * hidden + j], 1e-5 * magnitude + 1e-6, what + ": dw1[" + p + "," + j + "]");
                }
            }
        }
    }

    /** TensorFlow's graph of a dense layer and its gradients, with TensorFlow's results: the plan fuses them. */
    @Test
    void matchesTensorFlowsGraph() throws Exception {
        Path dir = Path.of(MatMulReluGradTest.class.getResource("/tf-cases-2.21/ops/dense_relu_backward").toURI());
        Graph g = Graph.fromGraphDef(Files.readAllBytes(dir.resolve("graph.pb")));
        Set<Output> fed = new java.util.HashSet<>();
        for (String name : List.of("x", "w1", "b1", "w2", "dy_0")) {
            fed.add(g.operation(name).output(0));
        }
        List<Output> fetches = List.of(g.operation("gradients/MatMul_grad/MatMul_1").output(0),
                g.operation("gradients/BiasAdd_grad/BiasAddGrad").output(0));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertEquals(1, fusedSteps(s, fetches, fed, List.of()));
        }
        TfCaseRunner.run(dir, true);
    }

    @Test
    void trainingStepsMatchTheGraphRunAsWritten() {
        // Without gating no edge orders the input gradient's product before the update of the weight it reads: the
        // fused step must keep the product's place in the order the graph lists its ops. A large rate, so that a
        // step that read a weight after its update would be far off; the two hidden layers' backward passes fused.
        for (Optimizer.GateGradients gate : List.of(Optimizer.GATE_OP, Optimizer.GATE_NONE)) {
            new TrainingMlp(9L, 0.5, gate).checkFusedTrainingMatchesTheGraphAsWritten(FUSED, 2, 4);
        }
    }

    @Test
    void leavesAloneWhatItMustNot() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output dy = tf.placeholder(DType.FLOAT32, Shape.of(20, 30), "dy");
        Output w = tf.placeholder(DType.FLOAT32, Shape.of(40, 30), "w");
        Output h = tf.placeholder(DType.FLOAT32, Shape.of(20, 40), "h");
        Output product = tf.matmul(dy, w, false, true);
        Output backprops = g.opBuilder("ReluGrad", "relu_grad").addInput(product).addInput(h).build().output(0);
        Output biasGrad = g.opBuilder("BiasAddGrad", "bias_grad").addInput(backprops).build().output(0);
        Map<Output, Tensor> feeds = Map.of(dy, NnTestSupport.randomFloats(1, 20, 30),
                w, NnTestSupport.randomFloats(2, 40, 30), h, NnTestSupport.randomFloats(3, 20, 40));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertEquals(1, fusedSteps(s, List.of(backprops, biasGrad), feeds.keySet(), List.of()));
            assertEquals(0, fusedSteps(s, List.of(backprops), feeds.keySet(), List.of()), "no BiasAddGrad");
            assertEquals(0, fusedSteps(s, List.of(biasGrad, product), feeds.keySet(), List.of()), "the product fetched");
            assertEquals(0, fusedSteps(s, List.of(biasGrad), Set.of(dy, w, h, product), List.of()), "the product fed");
            assertEquals(0, fusedSteps(s, List.of(biasGrad), Set.of(dy, w, h, backprops), List.of()),
                    "the ReluGrad fed");
            // Fetched, the ReluGrad's value comes from the fused step, with ReluGrad's bits.
            List<Tensor> fused = s.run(List.of(backprops, biasGrad), feeds);
            try (Session apart = new Session(g, SessionOptions.cpuOnly().fuseOps(false))) {
                List<Tensor> want = apart.run(List.of(backprops, biasGrad), feeds);
                assertArrayEquals(want.get(0).floats(), fused.get(0).floats(), 0f);
                assertArrayEquals(want.get(1).floats(), fused.get(1).floats(), 1e-5f);
            }
        }
    }

    @Test
    void featuresOfAnotherShapeAreAnErrorThatNamesTheOp() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output dy = tf.placeholder(DType.FLOAT32, Shape.of(20, 30), "dy");
        Output w = tf.placeholder(DType.FLOAT32, Shape.of(40, 30), "w");
        Output h = tf.placeholder(DType.FLOAT32, Shape.unknown(), "h");
        Output backprops = g.opBuilder("ReluGrad", "layer_relu_grad").addInput(tf.matmul(dy, w, false, true))
                .addInput(h).build().output(0);
        Output biasGrad = g.opBuilder("BiasAddGrad", "bias_grad").addInput(backprops).build().output(0);
        Map<Output, Tensor> feeds = Map.of(dy, NnTestSupport.randomFloats(1, 20, 30),
                w, NnTestSupport.randomFloats(2, 40, 30), h, NnTestSupport.randomFloats(3, 20, 41));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertEquals(1, fusedSteps(s, List.of(biasGrad), feeds.keySet(), List.of()));
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> s.run(List.of(biasGrad), feeds));
            assertTrue(e.getMessage().contains("layer_relu_grad") && e.getMessage().contains("[20,41]"),
                    e.getMessage());
            // The session still runs the layer with features of the right shape.
            Map<Output, Tensor> good = Map.of(dy, feeds.get(dy), w, feeds.get(w), h, NnTestSupport.randomFloats(3, 20, 40));
            assertEquals(Shape.of(40), s.run(List.of(biasGrad), good).get(0).shape());
        }
    }
}
