package dev.tensorgraph.ops.control;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tensorgraph.testing.TfCaseRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the control-flow cases TensorFlow 2.21 wrote under {@code tf-cases-2.21/control-flow/} and
 * {@code tf-cases-2.21-v2/control-flow-v2/} (their README describes the format) through {@link TfCaseRunner}:
 * the import, our export against TensorFlow's GraphDef (loops' back edges included), the case's one run or its
 * steps in order, and every variable afterwards (the v1 dynamic_rnn LSTM's 5 Adam steps: losses, gradients,
 * weights and Adam slots). A case whose op types or CPU kernels are not all there yet is skipped, so it counts
 * once they land.
 */
class ControlFlowReferenceTest {
    private static final List<String> TOPICS = List.of("/tf-cases-2.21/control-flow", "/tf-cases-2.21-v2/control-flow-v2");

    static Stream<String> cases() throws Exception {
        List<String> names = new ArrayList<>();
        for (String topic : TOPICS) {
            try (Stream<Path> dirs = Files.list(root(topic))) {
                dirs.filter(d -> Files.isRegularFile(d.resolve("case.json")))
                        .forEach(d -> names.add(topic + "/" + d.getFileName()));
            }
        }
        assertFalse(names.isEmpty(), "no cases under " + TOPICS);
        return names.stream().sorted();
    }

    private static Path root(String topic) throws Exception {
        return Path.of(ControlFlowReferenceTest.class.getResource(topic).toURI());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTensorFlow(String topicAndCase) throws Exception {
        int slash = topicAndCase.lastIndexOf('/');
        TfCaseRunner.run(root(topicAndCase.substring(0, slash)).resolve(topicAndCase.substring(slash + 1)), false);
    }
}
