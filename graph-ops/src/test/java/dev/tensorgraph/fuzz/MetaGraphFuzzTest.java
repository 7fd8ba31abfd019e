package dev.tensorgraph.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tensorgraph.Graph;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.ops.MetaGraph;

/**
 * {@link MetaGraph#importMetaGraph(byte[])} on arbitrary bytes builds a graph with its collections or throws
 * one of {@code dev.tensorgraph.errors.*}; a graph it builds exports and imports again with the same ops.
 * Seeds ({@code MetaGraphFuzzTestInputs/importMetaGraph}): MetaGraphs exported with and without a saver, and
 * {@code tf-cases} GraphDefs wrapped in a MetaGraphDef.
 */
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
