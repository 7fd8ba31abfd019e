package dev.tensorgraph.ops.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.testing.GradientChecker;
import dev.tensorgraph.testing.TensorJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Gradients through function calls and functional conditionals of a graph TensorFlow wrote
 * ({@code call_and_if_forward}: a PartitionedCall and a StatelessIf, float64), built here as SymbolicGradient ops
 * and checked against central finite differences of {@code sum(z * dy)}, with either branch taken.
 */
class FunctionGradientsTest {
    private static final double EPS = 1e-6;

    private static Graph imported() throws Exception {
        Path dir = TensorJson.resource("/tf-cases-2.21-v2/control-flow-v2/call_and_if_forward");
        return Graph.fromGraphDef(Files.readAllBytes(dir.resolve("graph.pb")));
    }

    @Test
    void callAndIfGradientsMatchFiniteDifferences() throws Exception {
        Graph g = imported();
        Tf tf = Tf.of(g);
        Output x = g.output("x:0");
        Output y = g.output("y:0");
        Output z = g.output("Identity:0");
        Output dy = tf.placeholder(DType.FLOAT64, Shape.of(3), "dz");
        List<Output> grads = tf.gradients(List.of(z), List.of(x, y), List.of(dy), null);
        assertTrue(g.operations().stream().anyMatch(o -> o.type().equals("SymbolicGradient")));
        Tensor xv = GradientChecker.random(1, -1, 1, 3);
        Tensor yv = GradientChecker.random(2, -1, 1, 3);
        Tensor dyv = GradientChecker.random(3, -1, 1, 3);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            for (boolean p : new boolean[] {true, false}) {
                Map<Output, Tensor> feeds = new HashMap<>(Map.of(x, xv, y, yv, dy, dyv, g.output("p:0"), Tensor.of(p)));
                List<Tensor> analytic = s.run(grads, feeds);
                for (int k = 0; k < 2; k++) {
                    Output wrt = k == 0 ? x : y;
                    double[] base = (k == 0 ? xv : yv).toDoubles();
                    double[] ana = analytic.get(k).toDoubles();
                    for (int i = 0; i < base.length; i++) {
                        double numeric = (loss(s, feeds, wrt, base, i, EPS, z, dyv)
                                - loss(s, feeds, wrt, base, i, -EPS, z, dyv)) / (2 * EPS);
                        assertEquals(numeric, ana[i], 1e-6 + 1e-5 * Math.abs(numeric),
                                "p=" + p + " d/d" + wrt.op().name() + "[" + i + "]");
                    }
                }
            }
        }
    }

    private static double loss(Session s, Map<Output, Tensor> feeds, Output wrt, double[] base, int i, double delta,
                               Output z, Tensor dy) {
        double[] v = base.clone();
        v[i] += delta;
        Map<Output, Tensor> f = new HashMap<>(feeds);
        f.put(wrt, Tensor.of(DType.FLOAT64, Shape.of(v.length), v));
        double[] zv = s.run(z, f).toDoubles();
        double[] d = dy.toDoubles();
        double sum = 0;
        for (int k = 0; k < zv.length; k++) {
            sum += zv[k] * d[k];
        }
        return sum;
    }

    @Test
    void aWhileGradientIsRefusedNamingTheOp() throws Exception {
        Path dir = TensorJson.resource("/tf-cases-2.21/control-flow/tf_function_loop_cond");
        Graph g = Graph.fromGraphDef(Files.readAllBytes(dir.resolve("graph.pb")));
        Output loop = g.operations().stream().filter(o -> o.type().endsWith("While")).findFirst().orElseThrow()
                .outputs().stream().filter(o -> o.dtype() == DType.FLOAT32).findFirst().orElseThrow();
        Output x = g.output("x:0");
        Tf tf = Tf.of(g);
        UnimplementedException e = assertThrows(UnimplementedException.class,
                () -> tf.gradients(List.of(tf.reduceSum(loop)), List.of(x)));
        assertTrue(e.getMessage().contains("While"), e.getMessage());
    }
}
