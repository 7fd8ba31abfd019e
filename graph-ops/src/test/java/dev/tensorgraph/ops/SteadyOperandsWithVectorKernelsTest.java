package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.train.GradientDescentOptimizer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Products whose A or B is a variable or a constant, run on the vector kernels, which keep a copy of B in their own layout
 * while it is unchanged from run to run: every run, before and after the variable is written (by an optimizer's
 * in-place update, Assign, AssignAdd), gives the product of the variable's value at that run, against the same
 * product with that value fed, and against the product summed in double; a constant B, against the same product with
 * B fed.
 *
 * <p>Surefire runs this class in a JVM of its own with {@code --add-modules jdk.incubator.vector} and
 * {@code -Dtensorgraph.blas=vector} (graph-ops' pom.xml), as {@code scripts/tensorgraph} runs the library.
 */
class SteadyOperandsWithVectorKernelsTest {
    private static final int M = 130;
    private static final int K = 300;
    private static final int N = 260;

    @Test
    void productsReadTheVariablesValueOfTheirRun() {
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "this test runs with --add-modules jdk.incubator.vector");
        Graph g = new Graph();
        g.setSeed(3L);
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(M, K), "x");
        Output w = tf.variable(tf.multiply(tf.random.normal(Shape.of(K, N)), 0.1), "w");
        Output bias = tf.variable(tf.multiply(tf.random.normal(Shape.of(N)), 0.1), "bias");
        Output product = tf.matmul(x, w);
        // A dense layer, which the CPU plan runs as one _FusedMatMul step.
        Output dense = tf.nn.relu(tf.nn.biasAdd(tf.matmul(x, w), bias));
        Operation train = new GradientDescentOptimizer(0.001).minimize(tf.reduceSum(tf.square(dense)));
        Output assign = tf.assign(w, tf.multiply(tf.random.normal(Shape.of(K, N)), 0.2));
        Output assignAdd = tf.assignAdd(w, tf.fill(new int[] {K, N}, tf.constant(0.5f)));
        Tensor xv = gaussian(new Random(11), M, K);
        Map<Output, Tensor> feeds = Map.of(x, xv);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            checkRuns(s, x, xv, w, bias, product, dense, "after initialization");
            s.run(List.of(), feeds, List.of(train));
            checkRuns(s, x, xv, w, bias, product, dense, "after a training step");
            s.run(assign);
            checkRuns(s, x, xv, w, bias, product, dense, "after Assign");
            s.run(assignAdd);
            checkRuns(s, x, xv, w, bias, product, dense, "after AssignAdd");
            // Training steps between products, which then never find the variable unchanged twice.
            for (int step = 0; step < 3; step++) {
                s.run(List.of(), feeds, List.of(train));
                checkRun(s, x, xv, w, bias, product, dense, "after training step " + step);
            }
        }
    }

    @Test
    void productsWithAVariableAReadItsValueOfTheirRun() {
        int rows = 300;
        Graph g = new Graph();
        g.setSeed(4L);
        Tf tf = Tf.of(g);
        Output u = tf.variable(tf.random.normal(Shape.of(rows, K)), "u");
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(K, N), "x");
        Output product = tf.matmul(u, x);
        Output assignAdd = tf.assignAdd(u, tf.fill(new int[] {rows, K}, tf.constant(0.5f)));
        Output assign = tf.assign(u, tf.multiply(tf.random.normal(Shape.of(rows, K)), 2.0));
        Tensor xv = gaussian(new Random(13), K, N);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            for (Output write : new Output[] {null, assignAdd, assign}) {
                if (write != null) {
                    s.run(write);
                }
                for (int run = 0; run < 3; run++) {
                    Tensor uv = s.run(List.of(u), Map.of()).get(0);
                    float[] kept = s.run(List.of(product), Map.of(x, xv)).get(0).floats();
                    float[] fed = s.run(List.of(product), Map.of(x, xv, u, uv)).get(0).floats();
                    for (int i = 0; i < kept.length; i++) {
                        assertEquals(Float.floatToRawIntBits(fed[i]), Float.floatToRawIntBits(kept[i]),
                                (write == null ? "after initialization" : "after " + write.op().type()) + ", run "
                                        + run + " at " + i);
                    }
                }
            }
        }
    }

    @Test
    void productsWithAConstantBHaveTheBitsOfTheSameProductFed() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Random r = new Random(12);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(M, K), "x");
        Output w = tf.placeholder(DType.FLOAT32, Shape.of(K, N), "w");
        Tensor wv = gaussian(r, K, N);
        Output constant = tf.constant(wv);
        Output product = tf.matmul(x, constant);
        Output fedProduct = tf.matmul(x, w);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            for (int run = 0; run < 4; run++) {
                Tensor xv = gaussian(r, M, K);
                List<Tensor> got = s.run(List.of(product, fedProduct), Map.of(x, xv, w, wv));
                float[] kept = got.get(0).floats();
                float[] fed = got.get(1).floats();
                for (int i = 0; i < kept.length; i++) {
                    assertEquals(Float.floatToRawIntBits(fed[i]), Float.floatToRawIntBits(kept[i]),
                            "run " + run + " at " + i);
                }
            }
        }
    }

    private static Tensor gaussian(Random r, int rows, int columns) {
        float[] v = new float[rows * columns];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(DType.FLOAT32, Shape.of(rows, columns), v);
    }

    /** Three runs in a row, enough for the kernels to make their copy of w on the second and read it on the third. */
    private static void checkRuns(Session s, Output x, Tensor xv, Output w, Output bias, Output product, Output dense,
                                  String when) {
        for (int run = 0; run < 3; run++) {
            checkRun(s, x, xv, w, bias, product, dense, when + ", run " + run);
        }
    }

    private static void checkRun(Session s, Output x, Tensor xv, Output w, Output bias, Output product,
                                 Output dense, String when) {
        List<Tensor> values = s.run(List.of(w, bias), Map.of());
        Tensor wv = values.get(0);
        Tensor biasv = values.get(1);
        List<Tensor> got = s.run(List.of(product, dense), Map.of(x, xv));
        // The same products with the variables' values fed: B copied on every run.
        List<Tensor> fed = s.run(List.of(product, dense), Map.of(x, xv, w, wv, bias, biasv));
        float[] a = xv.floats();
        float[] b = wv.floats();
        float[] c = biasv.floats();
        for (int out = 0; out < 2; out++) {
            float[] y = got.get(out).floats();
            float[] yFed = fed.get(out).floats();
            for (int i = 0; i < M; i++) {
                for (int j = 0; j < N; j++) {
                    double sum = 0;
                    double magnitude = 0;
                    for (int p = 0; p < K; p++) {
                        double term = (double) a[i * K + p] * b[p * N + j];
                        sum += term;
                        magnitude += Math.abs(term);
                    }
                    double want = out == 0 ? sum : Math.max(0f, (float) sum + c[j]);
                    String what = (out == 0 ? "MatMul" : "dense") + " " + when + " at [" + i + "," + j + "]";
                    assertEquals(Float.floatToRawIntBits(yFed[i * N + j]), Float.floatToRawIntBits(y[i * N + j]),
                            what);
                    // A float sum of K terms is within about K ulps of their magnitude.
                    assertEquals(want, y[i * N + j], 2e-5 * magnitude + 1e-6 * Math.abs(want), what);
                }
            }
        }
    }
}
