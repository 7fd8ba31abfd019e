package dev.tensorgraph.ops;

import static dev.tensorgraph.testing.TensorJson.assertClose;
import static dev.tensorgraph.testing.TensorJson.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphDefText;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.proto.AttrValue;
import dev.tensorgraph.proto.GraphDef;
import dev.tensorgraph.proto.NodeDef;
import dev.tensorgraph.proto.TensorProto;
import dev.tensorgraph.testing.Json;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every GraphDef TensorFlow wrote under {@code src/test/resources/tf-cases/}: import {@code graph.pb},
 * run the {@code run_first} targets, feed {@code feeds.json}, fetch the listed tensors and compare with
 * TensorFlow's {@code expected.json}; check that {@code graph.pbtxt} gives the same graph and that our export
 * carries the same nodes, inputs and attributes as TensorFlow's GraphDef. A case whose op types (or their
 * CPU kernels) do not exist yet is skipped, so it starts counting once they land.
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

    private static Path dir(String name) throws URISyntaxException {
        return Path.of(TfCasesTest.class.getResource("/tf-cases/" + name).toURI());
    }

    private static Map<String, Object> json(Path p) throws IOException {
        return Json.parseObject(Files.readString(p, StandardCharsets.UTF_8));
    }

    /** Skips the case (never fails it) when an op type or its CPU kernel is not there yet. */
    private static void assumeOpsAvailable(GraphDef def) {
        Set<String> missingOps = new TreeSet<>();
        Set<String> missingKernels = new TreeSet<>();
        Set<String> kernels = KernelRegistry.global().opTypes(KernelRegistry.CPU);
        for (NodeDef n : def.getNodeList()) {
            if (!OpRegistry.global().contains(n.getOp())) {
                missingOps.add(n.getOp());
            } else if (!kernels.contains(n.getOp())) {
                missingKernels.add(n.getOp());
            }
        }
        Assumptions.assumeTrue(missingOps.isEmpty(), "op types not registered yet: " + missingOps);
        Assumptions.assumeTrue(missingKernels.isEmpty(), "op types without a CPU kernel yet: " + missingKernels);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTensorFlow(String name) throws Exception {
        Path d = dir(name);
        byte[] pb = Files.readAllBytes(d.resolve("graph.pb"));
        GraphDef tfDef = GraphDef.parseFrom(pb);
        assumeOpsAvailable(tfDef);

        Graph g = Graph.fromGraphDef(pb);
        assertEquals(tfDef.getNodeCount(), g.numOperations());

        Graph fromText = GraphDefText.fromText(Files.readString(d.resolve("graph.pbtxt"), StandardCharsets.UTF_8));
        assertArrayEquals(g.toGraphDef(), fromText.toGraphDef(), "graph.pbtxt imports to the same graph as graph.pb");

        assertExportMatches(tfDef, GraphDef.parseFrom(g.toGraphDef()));

        Map<String, Object> spec = json(d.resolve("case.json"));
        Map<String, Object> feeds = json(d.resolve("feeds.json"));
        Map<String, Object> expected = json(d.resolve("expected.json"));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            for (Object target : Json.asList(spec.get("run_first"))) {
                s.runner().target((String) target).run();
            }
            Session.Runner r = s.runner();
            for (Map.Entry<String, Object> f : feeds.entrySet()) {
                String tensorName = f.getKey().contains(":") ? f.getKey() : f.getKey() + ":0";
                r.feed(tensorName, tensor(Json.asMap(f.getValue())));
            }
            List<String> fetches = new ArrayList<>();
            for (Object f : Json.asList(spec.get("fetches"))) {
                fetches.add((String) f);
                r.fetch((String) f);
            }
            List<Tensor> results = r.run();
            for (int i = 0; i < fetches.size(); i++) {
                Map<String, Object> want = Json.asMap(expected.get(fetches.get(i)));
                assertTrue(want != null, name + ": expected.json has no entry for " + fetches.get(i));
                assertClose(name + " " + fetches.get(i), want, results.get(i));
            }
        }
    }

    /** Our export lists the same nodes with the same inputs, devices and attributes as TensorFlow's. */
    private static void assertExportMatches(GraphDef tf, GraphDef ours) {
        assertEquals(tf.getNodeCount(), ours.getNodeCount());
        Map<String, NodeDef> byName = new java.util.HashMap<>();
        for (NodeDef n : ours.getNodeList()) {
            byName.put(n.getName(), n);
        }
        Set<String> seen = new HashSet<>();
        for (NodeDef want : tf.getNodeList()) {
            NodeDef got = byName.get(want.getName());
            assertTrue(got != null, "exported GraphDef lacks node " + want.getName());
            String where = "node '" + want.getName() + "' (" + want.getOp() + ")";
            assertEquals(want.getOp(), got.getOp(), where);
            assertEquals(want.getInputList(), got.getInputList(), where);
            assertEquals(want.getDevice(), got.getDevice(), where);
            Set<String> wantKeys = new TreeSet<>(want.getAttrMap().keySet());
            wantKeys.removeIf(k -> k.startsWith("_"));
            assertEquals(wantKeys, new TreeSet<>(got.getAttrMap().keySet()), where + " attribute names");
            for (String k : wantKeys) {
                AttrValue a = want.getAttrOrThrow(k);
                AttrValue b = got.getAttrOrThrow(k);
                if (a.hasTensor()) {
                    assertTensorProtoEquals(a.getTensor(), b.getTensor(), where + " attribute " + k);
                } else {
                    assertEquals(a, b, where + " attribute " + k);
                }
            }
            // Topological: every input is exported before its consumer.
            for (String in : got.getInputList()) {
                String src = in.startsWith("^") ? in.substring(1) : in.replaceFirst(":\\d+$", "");
                assertTrue(seen.contains(src), where + ": input " + in + " is exported after it");
            }
            seen.add(got.getName());
        }
    }

    /** Compares values, not encodings: TensorFlow and we may pick tensor_content or a repeated typed field. */
    private static void assertTensorProtoEquals(TensorProto want, TensorProto got, String where) {
        assertEquals(want.getDtype(), got.getDtype(), where);
        assertEquals(want.getTensorShape(), got.getTensorShape(), where);
        long n = 1;
        for (var d : want.getTensorShape().getDimList()) {
            n *= d.getSize();
        }
        if (want.getStringValCount() > 0 || got.getStringValCount() > 0) {
            assertEquals(want.getStringValList(), got.getStringValList(), where);
            return;
        }
        assertEquals(java.util.Arrays.toString(protoValues(want, (int) n)), java.util.Arrays.toString(protoValues(got, (int) n)),
                where);
    }

    /** Element values as doubles, expanding a short typed list by repeating its last value. */
    private static double[] protoValues(TensorProto p, int n) {
        double[] out = new double[n];
        if (!p.getTensorContent().isEmpty()) {
            java.nio.ByteBuffer b = p.getTensorContent().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                out[i] = switch (p.getDtype()) {
                    case DT_FLOAT -> b.getFloat();
                    case DT_DOUBLE -> b.getDouble();
                    case DT_INT32 -> b.getInt();
                    case DT_INT64 -> b.getLong();
                    case DT_UINT8, DT_BOOL -> b.get() & 0xff;
                    default -> throw new AssertionError(p.getDtype());
                };
            }
            return out;
        }
        List<? extends Number> vals = switch (p.getDtype()) {
            case DT_FLOAT -> p.getFloatValList();
            case DT_DOUBLE -> p.getDoubleValList();
            case DT_INT32, DT_UINT8 -> p.getIntValList();
            case DT_INT64 -> p.getInt64ValList();
            case DT_BOOL -> p.getBoolValList().stream().map(x -> x ? 1 : 0).toList();
            default -> throw new AssertionError(p.getDtype());
        };
        for (int i = 0; i < n; i++) {
            out[i] = vals.isEmpty() ? 0 : vals.get(Math.min(i, vals.size() - 1)).doubleValue();
        }
        return out;
    }

    // ---- feeds and expected values ----
}
