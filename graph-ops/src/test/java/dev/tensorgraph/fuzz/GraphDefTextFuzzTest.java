package dev.tensorgraph.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphDefText;
import dev.tensorgraph.errors.TensorgraphException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link GraphDefText#fromText} on arbitrary text (the input bytes as UTF-8) builds a graph or throws one of
 * {@code dev.tensorgraph.errors.*}; a graph it builds prints and parses again with the same ops. Seeds
 * ({@code GraphDefTextFuzzTestInputs/importText}): {@code tf-cases} GraphDefs in text form.
 * Runs with a 1 MiB expansion limit ({@link SmallExpansionLimit}); the seed {@code expansion_bomb} declares
 * 2^21 floats from one value, beyond that limit.
 */
@ExtendWith(SmallExpansionLimit.class)
class GraphDefTextFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void importText(byte[] input) {
        Graph g;
        try {
            g = GraphDefText.fromText(new String(input, StandardCharsets.UTF_8));
        } catch (TensorgraphException expected) {
            return;
        }
        Graph again = GraphDefText.fromText(GraphDefText.toText(g));
        assertEquals(g.numOperations(), again.numOperations());
    }
}
