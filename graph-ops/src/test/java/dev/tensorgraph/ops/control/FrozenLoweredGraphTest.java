package dev.tensorgraph.ops.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.proto.AttrValue;
import dev.tensorgraph.proto.DataType;
import dev.tensorgraph.proto.GraphDef;
import dev.tensorgraph.proto.NodeDef;
import dev.tensorgraph.testing.Json;
import dev.tensorgraph.testing.TfReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Frozen graphs whose control flow v2 was lowered back to v1 frames by TensorFlow's
 * {@code convert_variables_to_constants_v2} leave unconnected placeholders behind, DT_VARIANT among them (where
 * a loop carried a tensor list): they import, the placeholders stay out of every plan, and the graph runs;
 * a variant value has no bytes, so it cannot become a constant.
 */
class FrozenLoweredGraphTest {
    @Test
    void unconnectedVariantPlaceholdersImportAndStayOutOfTheRun() throws Exception {
        Path dir = Path.of(getClass().getResource("/tf-cases/frozen_v2_while_lowered").toURI());
        GraphDef.Builder def = GraphDef.parseFrom(Files.readAllBytes(dir.resolve("graph.pb"))).toBuilder();
        def.addNode(NodeDef.newBuilder().setName("unused_control_flow_input_variant").setOp("Placeholder")
                .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_VARIANT).build()));
        Graph g = Graph.fromGraphDef(def.build().toByteArray());
        assertEquals(DType.VARIANT, g.output("unused_control_flow_input_variant:0").dtype());
        Map<String, Object> expected = Json.parseObject(Files.readString(dir.resolve("expected.json"),
                StandardCharsets.UTF_8));
        String fetch = expected.keySet().iterator().next();
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            Map<String, Object> feeds = Json.parseObject(Files.readString(dir.resolve("feeds.json"), StandardCharsets.UTF_8));
            Tensor x = TfReference.tensor(feeds.get("x"));
            Tensor n = TfReference.tensor(feeds.get("n"));
            Tensor got = s.runner().feed("x:0", x).feed("n:0", n).fetch(fetch).run().get(0);
            TfReference.assertClose(fetch, TfReference.tensor(
                    expected.get(fetch)), got);
            List<String> plan = s.describePlan(List.of(g.output(fetch)), java.util.Set.of(g.output("x:0"),
                    g.output("n:0")), List.of());
            assertTrue(plan.stream().noneMatch(l -> l.contains("unused_control_flow_input")), String.join("\n", plan));
        }
    }

    @Test
    void aVariantValueCannotBecomeAConstant() {
        Graph g = new Graph();
        var e = assertThrows(InvalidArgumentException.class, () -> g.opBuilder("Const", "c")
                .setAttr("value", Tensor.ofObject(DType.VARIANT, List.of())).setAttr("dtype", DType.VARIANT).build()
                .graph().toGraphDef());
        assertTrue(e.getMessage().contains("variant"), e.getMessage());
        assertArrayEquals(new Object[] {"x"}, new Object[] {Tensor.ofObject(DType.RESOURCE, "x").objectValue()});
    }
}
