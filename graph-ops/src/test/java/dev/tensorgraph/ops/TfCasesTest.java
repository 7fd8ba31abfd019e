package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.testing.TfCaseRunner;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every GraphDef TensorFlow wrote under {@code src/test/resources/tf-cases/} ({@link TfCaseRunner}): import
 * {@code graph.pb}, run the {@code run_first} targets, feed {@code feeds.json}, fetch the listed tensors and
 * compare with TensorFlow's {@code expected.json}; check that {@code graph.pbtxt} gives the same graph and that
 * our export carries the same nodes, inputs and attributes as TensorFlow's GraphDef. A case whose op types (or
 * their CPU kernels) do not exist yet is skipped, so it starts counting once they land.
 */
class TfCasesTest {
    static Stream<String> cases() throws IOException, URISyntaxException {
        URL root = TfCasesTest.class.getResource("/tf-cases");
        assertTrue(root != null, "test resources hold tf-cases/");
        List<String> names = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of(root.toURI()))) {
            dirs.filter(d -> Files.isRegularFile(d.resolve("graph.pb"))).forEach(d -> names.add(d.getFileName().toString()));
        }
        assertFalse(names.isEmpty(), "no cases under tf-cases/");
        return names.stream().sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTensorFlow(String name) throws Exception {
        TfCaseRunner.run(Path.of(TfCasesTest.class.getResource("/tf-cases/" + name).toURI()), false);
    }
}
