package dev.tensorgraph.ops.state;

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
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.train.GradientDescentOptimizer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Products whose B is a variable, run on the vector kernels, which keep a copy of B in their own layout while the
 * variable is unchanged from run to run: every run, before and after the variable is written (by an optimizer's
 * in-place update, Assign, AssignAdd), gives the product of the variable's value at that run, against the same
 * product with that value fed, and against the product summed in double.
 *
 * <p>Surefire runs this class in a JVM of its own with {@code --add-modules jdk.incubator.vector} and
 * {@code -Dtensorgraph.blas=vector} (graph-ops' pom.xml), as {@code scripts/tensorgraph} runs the library.
 */
class VariableOperandsWithVectorKernelsTest {
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
        Random r = new Random(11);
        float[] xs = new float[M * K];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) r.nextGaussian();
        }
        Tensor xv = Tensor.of(DType.FLOAT32, Shape.of(M, K), xs);
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
