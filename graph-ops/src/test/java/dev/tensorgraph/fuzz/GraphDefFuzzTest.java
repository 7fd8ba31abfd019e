package dev.tensorgraph.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tensorgraph.Graph;
import dev.tensorgraph.errors.TensorgraphException;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Graph#fromGraphDef} on arbitrary bytes, with the whole op library registered (so op definitions,
 * attribute conversion and shape functions all run), builds a graph or throws one of
 * {@code dev.tensorgraph.errors.*}; a graph it builds exports and imports again with the same ops. Seeds
 * ({@code GraphDefFuzzTestInputs/importGraphDef}): the GraphDefs TensorFlow wrote for {@code tf-cases}.
 * Runs with a 1 MiB expansion limit ({@link SmallExpansionLimit}); the seed {@code expansion_bomb} declares
 * 2^21 floats from one value, beyond that limit.
 */
@ExtendWith(SmallExpansionLimit.class)
class GraphDefFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void importGraphDef(byte[] input) {
        Graph g;
        try {
            g = Graph.fromGraphDef(input);
        } catch (TensorgraphException expected) {
            return;
        }
        Graph again = Graph.fromGraphDef(g.toGraphDef());
        assertEquals(g.numOperations(), again.numOperations());
    }
}
