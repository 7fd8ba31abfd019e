package dev.tensorgraph.ops.train;

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
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** End to end: fit y = 3x + 2 by minimizing the mean squared error with tf.gradients and the optimizers. */
class LinearRegressionTest {
    private static final int N = 32;

    private record Model(Graph g, Tf tf, Output x, Output y, Variable w, Variable b, Output loss) {}

    private static Model model() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(N), "x");
        Output y = tf.placeholder(DType.FLOAT32, Shape.of(N), "y");
        Variable w = tf.variable(tf.constant(0f), "w");
        Variable b = tf.variable(tf.constant(0f), "b");
        Output pred = binary(tf, "AddV2", binary(tf, "Mul", w, x), b);
        Output err = binary(tf, "Sub", pred, y);
        Output sq = tf.graph().opBuilder("Square", null).addInput(err).build().output(0);
        Output loss = tf.graph().opBuilder("Mean", "loss").addInput(sq).addInput(tf.constant(new int[]{0}))
                .setAttr("keep_dims", false).setAttr("Tidx", DType.INT32).build().output(0);
        return new Model(g, tf, x, y, w, b, loss);
    }

    private static Output binary(Tf tf, String type, Output a, Output c) {
        return tf.graph().opBuilder(type, null).addInput(a).addInput(c).build().output(0);
    }

    private static Map<Output, Tensor> data(Model m) {
        float[] xs = new float[N];
        float[] ys = new float[N];
        for (int i = 0; i < N; i++) {
            xs[i] = -1f + 2f * i / (N - 1);
            ys[i] = 3f * xs[i] + 2f;
        }
        return Map.of(m.x(), Tensor.of(xs), m.y(), Tensor.of(ys));
    }

    private static void fits(Function<Model, Optimizer> optimizer, int steps, float threshold) {
        Model m = model();
        Variable step = GlobalStep.getOrCreateGlobalStep(m.tf());
        Operation train = optimizer.apply(m).minimize(m.tf(), m.loss(), step);
        Map<Output, Tensor> feeds = data(m);
        try (Session s = new Session(m.g(), SessionOptions.cpuOnly())) {
            s.run(m.tf().globalVariablesInitializer());
            float first = s.run(m.loss(), feeds).floatValue();
            // initial loss: mean((3x + 2)^2) = 9 * mean(x^2) + 4, mean(x^2) = (N + 1) / (3 (N - 1)) on this grid
            assertEquals(4.0 + 3.0 * (N + 1) / (N - 1), first, 1e-4);
            float previous = first;
            for (int i = 0; i < steps; i++) {
                s.run(train, feeds);
            }
            float last = s.run(m.loss(), feeds).floatValue();
            assertTrue(last < previous, "loss went from " + first + " to " + last);
            assertTrue(last < threshold, "loss " + last + " after " + steps + " steps");
            assertEquals(steps, s.run(step).longValue());
            assertEquals(3f, s.run(m.w()).floatValue(), 0.05f);
            assertEquals(2f, s.run(m.b()).floatValue(), 0.05f);
        }
    }

    @Test
    void gradientDescentConverges() {
        fits(m -> new GradientDescentOptimizer(0.2f), 200, 1e-4f);
    }

    @Test
    void momentumConverges() {
        fits(m -> new MomentumOptimizer(0.05f, 0.9f), 200, 1e-3f);
    }

    @Test
    void adamConverges() {
        fits(m -> new AdamOptimizer(0.1f), 300, 1e-3f);
    }
}
