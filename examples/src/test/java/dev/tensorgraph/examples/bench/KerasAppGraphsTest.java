package dev.tensorgraph.examples.bench;

import static dev.tensorgraph.examples.bench.KerasAppReference.assertWithin;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The graphs of W10 and W11 against TensorFlow: after the init op (seeded RandomUniform initializers, drawn here
 * by the CPU's Philox as TensorFlow draws them), a batch of two 32x32 inputs gives the softmax and the logits
 * TensorFlow 2.21 fetched from the same file, within 1e-4 of the largest value.
 */
class KerasAppGraphsTest {
    @ParameterizedTest
    @EnumSource(KerasAppBench.App.class)
    void initializedGraphGivesTensorFlowsOutputs(KerasAppBench.App app) {
        KerasAppReference ref = KerasAppReference.of(app);
        Graph g = Graph.fromGraphDef(app.graphDef());
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(g.operation(KerasAppBench.INIT));
            List<Tensor> out = s.runner().feed(g.output("x:0"), ref.input()).fetch(KerasAppBench.OUTPUT)
                    .fetch(ref.logitsName()).run();
            assertWithin(ref.logits(), out.get(1), 1e-4, app + " logits");
            assertWithin(ref.output(), out.get(0), 1e-4, app + " softmax");
        }
    }

    @Test
    void residentInputGivesTheFedResult() {
        KerasAppBench.App app = KerasAppBench.App.MOBILENET_V2;
        Tensor x = KerasAppReference.of(app).input();
        byte[] plain = app.graphDef();
        Graph fed = Graph.fromGraphDef(plain);
        Graph kept = Graph.fromGraphDef(ResidentInput.rewrite(plain, KerasAppBench.INPUT, x.shape().dims()));
        Tensor want;
        try (Session s = new Session(fed, SessionOptions.cpuOnly())) {
            s.run(fed.operation(KerasAppBench.INIT));
            want = s.run(fed.output(KerasAppBench.OUTPUT), Map.of(fed.output("x:0"), x));
        }
        try (Session s = new Session(kept, SessionOptions.cpuOnly())) {
            s.run(kept.operation(KerasAppBench.INIT));
            s.run(kept.operation(ResidentInput.ASSIGN), Map.of(kept.output(ResidentInput.SOURCE + ":0"), x));
            assertArrayEquals(want.floats(), s.run(kept.output(KerasAppBench.OUTPUT)).floats());
        }
    }

    @Test
    void residentInputNamesAMissingOrWrongInput() {
        byte[] plain = KerasAppBench.App.MOBILENET_V2.graphDef();
        NotFoundException missing = assertThrows(NotFoundException.class,
                () -> ResidentInput.rewrite(plain, "images", new long[] {1, 2, 2, 3}));
        assertTrue(missing.getMessage().contains("'images'"), missing.getMessage());
        InvalidArgumentException notPlaceholder = assertThrows(InvalidArgumentException.class,
                () -> ResidentInput.rewrite(plain, "Identity", new long[] {1, 2, 2, 3}));
        assertTrue(notPlaceholder.getMessage().contains("'Identity'"), notPlaceholder.getMessage());
    }
}
