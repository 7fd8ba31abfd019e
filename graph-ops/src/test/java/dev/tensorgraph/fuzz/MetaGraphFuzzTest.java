package dev.tensorgraph.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tensorgraph.Graph;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.ops.MetaGraph;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link MetaGraph#importMetaGraph(byte[])} on arbitrary bytes builds a graph with its collections or throws
 * one of {@code dev.tensorgraph.errors.*}; a graph it builds exports and imports again with the same ops.
 * Seeds ({@code MetaGraphFuzzTestInputs/importMetaGraph}): MetaGraphs exported with and without a saver, and
 * {@code tf-cases} GraphDefs wrapped in a MetaGraphDef.
 * Runs with a 1 MiB expansion limit ({@link SmallExpansionLimit}); the seed {@code expansion_bomb} declares
 * 2^21 floats from one value, beyond that limit.
 */
@ExtendWith(SmallExpansionLimit.class)
class MetaGraphFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void importMetaGraph(byte[] input) {
        Graph g;
        try {
            g = MetaGraph.fromMetaGraphDef(input);
        } catch (TensorgraphException expected) {
            return;
        }
        Graph again = MetaGraph.fromMetaGraphDef(MetaGraph.toMetaGraphDef(g, null));
        assertEquals(g.numOperations(), again.numOperations());
    }
}
