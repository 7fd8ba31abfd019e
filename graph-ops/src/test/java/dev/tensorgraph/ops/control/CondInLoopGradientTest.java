package dev.tensorgraph.ops.control;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.testing.GradientChecker;
import dev.tensorgraph.testing.Json;
import dev.tensorgraph.testing.TensorJson;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Gradients of a v1 cond inside a v1 while loop, built here: values of a branch are pushed only in the
 * iterations that take it and popped only in the matching backward iterations, and the untaken branch's
 * zeros are as dead as its forward output was. Checked against finite differences and against the gradients
 * TensorFlow computed for the same graph (case {@code cond_in_while_gradient_v1}, where the loop sees an
 * unknown length, so the zeros' shape comes from a stack).
 */
class CondInLoopGradientTest {
    private static List<Output> loop(Tf t, Output x, Output a) {
        return t.whileLoop(v -> t.less(v.get(0), 4),
                v -> List.of(t.addV2(v.get(0), 1, "add"), t.cond(t.less(v.get(0), 2),
                        () -> t.tanh(t.multiply(v.get(1), a)), () -> t.add(t.square(v.get(1)), x))),
                List.of(t.constant(0), x));
    }

    @Test
    void matchesFiniteDifferences() {
        GradientChecker.check((t, in) -> loop(t, in.get(0), in.get(1)).get(1),
                GradientChecker.random(3, -1, 1, 3), GradientChecker.random(4, -1.5, 1.5, 3));
    }

    @Test
    void matchesTensorFlowWithUnknownShapes() {
        Path dir = TensorJson.resource("/tf-cases-2.21-v2/control-flow-v2/cond_in_while_gradient_v1");
        Map<String, Object> feeds = TensorJson.read(dir.resolve("feeds.json"));
        Map<String, Object> expected = TensorJson.read(dir.resolve("expected.json"));
        Map<String, Object> spec = TensorJson.read(dir.resolve("case.json"));
        Map<String, Object> gradNames = Json.asMap(spec.get("gradients"));
        Tf t = Tf.of(new Graph());
        Output x = t.placeholder(DType.FLOAT64, Shape.unknownOfRank(1), "x");
        Output a = t.placeholder(DType.FLOAT64, Shape.of(3), "a");
        Output dy = t.placeholder(DType.FLOAT64, Shape.unknownOfRank(1), "dy_0");
        Output y = loop(t, x, a).get(1);
        List<Output> grads = t.gradients(List.of(y), List.of(x, a), List.of(dy), null);
        try (Session s = new Session(t.graph(), SessionOptions.cpuOnly())) {
            Map<Output, Tensor> feed = Map.of(x, tensor(feeds, "x"), a, tensor(feeds, "a"), dy, tensor(feeds, "dy_0"));
            List<Tensor> got = s.run(List.of(y, grads.get(0), grads.get(1)), feed);
            TensorJson.assertClose("y", Json.asMap(expected.get("y:0")), got.get(0));
            TensorJson.assertClose("dy/dx", Json.asMap(expected.get((String) gradNames.get("x"))), got.get(1));
            TensorJson.assertClose("dy/da", Json.asMap(expected.get((String) gradNames.get("a"))), got.get(2));
        }
    }

    private static Tensor tensor(Map<String, Object> feeds, String name) {
        return TensorJson.tensor(Json.asMap(feeds.get(name)));
    }
}
