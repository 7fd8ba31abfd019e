package dev.tensorgraph.ops.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.testing.GradientChecker;
import dev.tensorgraph.testing.TensorJson;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Gradients through function calls, functional conditionals and functional while loops of graphs TensorFlow
 * wrote (float64, forward only: {@code call_and_if_forward} with a PartitionedCall and a StatelessIf, taking
 * either branch; {@code while_v2_forward} with a StatelessWhile holding a StatelessIf, run for 0 and 3
 * iterations; {@code switch_case_forward} with a StatelessCase, every branch and an index out of range), built
 * here and checked against central finite differences of {@code sum(z * dz)}.
 */
class FunctionGradientsTest {
    private static final double EPS = 1e-6;

    private static Graph imported(String name) throws Exception {
        return Graph.fromGraphDef(Files.readAllBytes(
                TensorJson.resource("/tf-cases-2.21-v2/control-flow-v2/" + name).resolve("graph.pb")));
    }

    @Test
    void callAndIfGradientsMatchFiniteDifferences() throws Exception {
        Graph g = imported("call_and_if_forward");
        for (boolean p : new boolean[] {true, false}) {
            check(g, List.of("x:0", "y:0"), Map.of(g.output("p:0"), Tensor.of(p)), "p=" + p);
        }
        assertTrue(g.operations().stream().anyMatch(o -> o.type().equals("SymbolicGradient")));
    }

    @Test
    void caseGradientsMatchFiniteDifferences() throws Exception {
        Graph g = imported("switch_case_forward");
        for (int k : new int[] {0, 1, 2, 7, -1}) {
            check(g, List.of("x:0", "y:0"), Map.of(g.output("k:0"), Tensor.of(k)), "k=" + k);
        }
    }

    @Test
    void whileGradientsMatchFiniteDifferences() throws Exception {
        Graph g = imported("while_v2_forward");
        for (int n : new int[] {0, 3}) {
            check(g, List.of("x:0", "a:0"), Map.of(g.output("n:0"), Tensor.of(n)), "n=" + n);
        }
    }

    @Test
    void kerasLstmWhileGradientMatchesFiniteDifferences() throws Exception {
        // TensorFlow's frozen Keras LSTM, not lowered: a While carrying TensorLists, float32 (so a looser check)
        Graph g = Graph.fromGraphDef(Files.readAllBytes(TensorJson.resource(
                "/tf-cases-2.21/control-flow/keras_lstm_frozen_functional").resolve("graph.pb")));
        Tf tf = Tf.of(g);
        Output x = g.output("x:0");
        Output z = g.output("Identity:0");
        Output loss = tf.reduceSum(tf.square(z));
        Output grad = tf.gradients(List.of(loss), List.of(x)).get(0);
        float[] xv = new float[4 * 5 * 3];
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < xv.length; i++) {
            xv[i] = (float) (r.nextDouble() * 2 - 1);
        }
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            float[] ana = s.run(grad, Map.of(x, Tensor.of(DType.FLOAT32, Shape.of(4, 5, 3), xv))).floats();
            for (int i = 0; i < xv.length; i += 7) {
                float[] plus = xv.clone();
                float[] minus = xv.clone();
                plus[i] += 1e-2f;
                minus[i] -= 1e-2f;
                double lp = s.run(loss, Map.of(x, Tensor.of(DType.FLOAT32, Shape.of(4, 5, 3), plus))).floats()[0];
                double lm = s.run(loss, Map.of(x, Tensor.of(DType.FLOAT32, Shape.of(4, 5, 3), minus))).floats()[0];
                double numeric = (lp - lm) / 2e-2;
                assertEquals(numeric, ana[i], 2e-3 + 2e-2 * Math.abs(numeric), "d loss / d x[" + i + "]");
            }
        }
    }

    /** Our gradients of {@code Identity:0} for the float64 [3] inputs {@code wrt}, against finite differences. */
    private static void check(Graph g, List<String> wrt, Map<Output, Tensor> otherFeeds, String what) {
        Tf tf = Tf.of(g);
        Output z = g.output("Identity:0");
        Output dz = tf.placeholder(DType.FLOAT64, Shape.of(3), null);
        List<Output> xs = wrt.stream().map(g::output).toList();
        List<Output> grads = tf.gradients(List.of(z), xs, List.of(dz), null);
        Tensor dzv = GradientChecker.random(3, -1, 1, 3);
        Map<Output, Tensor> feeds = new HashMap<>(otherFeeds);
        feeds.put(dz, dzv);
        for (int k = 0; k < xs.size(); k++) {
            feeds.put(xs.get(k), GradientChecker.random(10 + k, -1, 1, 3));
        }
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            List<Tensor> analytic = s.run(grads, feeds);
            for (int k = 0; k < xs.size(); k++) {
                double[] base = feeds.get(xs.get(k)).toDoubles();
                double[] ana = analytic.get(k).toDoubles();
                for (int i = 0; i < base.length; i++) {
                    double numeric = (loss(s, feeds, xs.get(k), base, i, EPS, z, dzv)
                            - loss(s, feeds, xs.get(k), base, i, -EPS, z, dzv)) / (2 * EPS);
                    assertEquals(numeric, ana[i], 1e-6 + 1e-5 * Math.abs(numeric), what + " d/d" + wrt.get(k) + "[" + i + "]");
                }
            }
        }
    }

    private static double loss(Session s, Map<Output, Tensor> feeds, Output wrt, double[] base, int i, double delta,
                               Output z, Tensor dz) {
        double[] v = base.clone();
        v[i] += delta;
        Map<Output, Tensor> f = new HashMap<>(feeds);
        f.put(wrt, Tensor.of(DType.FLOAT64, Shape.of(v.length), v));
        double[] zv = s.run(z, f).toDoubles();
        double[] d = dz.toDoubles();
        double sum = 0;
        for (int k = 0; k < zv.length; k++) {
            sum += zv[k] * d[k];
        }
        return sum;
    }
}
