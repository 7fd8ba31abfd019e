package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.proto.GraphDef;
import dev.tensorgraph.proto.NodeDef;
import dev.tensorgraph.testing.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every case TensorFlow 2.21 wrote for the array and indexing ops of issue #16 ({@code tf-cases-2.21/ops/...}):
 * the GraphDef imports (TensorFlow's gradient subgraphs included), exports with TensorFlow's nodes and attribute
 * names, and one run with the case's feeds gives TensorFlow's values (1e-5 relative + 1e-6 absolute for floats,
 * exact otherwise). A second test keeps the list complete: any case whose ops all exist and that uses one of these
 * op types (other than those TensorFlow writes into every conv or dense gradient) must be listed here.
 */
class ArrayOpsTfReferenceTest {
    private static final String ROOT = "/tf-cases-2.21/";
    private static final double REL_TOL = 1e-5;
    private static final double ABS_TOL = 1e-6;

    /** The op types whose cases this test owns. */
    private static final Set<String> OP_TYPES = Set.of("ShapeN", "GatherNd", "ScatterNd", "TensorScatterUpdate",
            "TensorScatterAdd", "TensorScatterSub", "TensorScatterMax", "TensorScatterMin", "UnsortedSegmentSum",
            "UnsortedSegmentMax", "UnsortedSegmentMin", "UnsortedSegmentProd", "SegmentSum", "SegmentMean", "SegmentMax",
            "SegmentMin", "SegmentProd", "MirrorPad", "MirrorPadGrad", "ReverseV2", "Roll", "UniqueV2",
            "UniqueWithCounts", "UniqueWithCountsV2", "ListDiff", "Cumsum", "Cumprod", "Einsum", "TopKV2", "InTopKV2",
            "InTopK", "ClipByValue", "BroadcastTo", "Bincount", "DenseBincount");
    /** Op types TensorFlow also writes into the gradients of other families' ops (conv, dense): not a reason alone. */
    private static final Set<String> INCIDENTAL = Set.of("ShapeN", "BroadcastTo", "UnsortedSegmentSum");

    static Stream<String> cases() {
        return Stream.of("bincount", "broadcast_to", "clip_by_value", "cumprod", "cumsum", "dense_bincount_rows",
                "einsum_bhqd_bhkd_to_bhqk", "einsum_bij_bjk_to_bik", "einsum_bij_jk_to_bik", "einsum_broadcast_ellipsis",
                "einsum_i_j_to_ij", "einsum_ii_to_i", "einsum_ij_jk_to_ik", "einsum_ij_to_j", "einsum_ij_to_ji",
                "einsum_reductions", "gather_nd", "in_top_k_v1", "in_top_k_v2", "list_diff", "mirror_pad_reflect",
                "mirror_pad_symmetric", "reverse_v2", "roll", "scatter_nd", "segment_mean_max_min_prod", "segment_sum",
                "shape_n", "tensor_scatter_add", "tensor_scatter_sub_max_min", "tensor_scatter_update", "top_k_v2",
                "unique_v2", "unique_with_counts", "unsorted_segment_max", "unsorted_segment_min",
                "unsorted_segment_prod", "unsorted_segment_sum").map(c -> "ops/" + c);
    }

    private static Path dir(String path) throws Exception {
        var url = ArrayOpsTfReferenceTest.class.getResource(ROOT + path);
        assertTrue(url != null, "test resources hold " + ROOT + path);
        return Path.of(url.toURI());
    }

    private static Map<String, Object> json(Path p) throws Exception {
        return Json.parseObject(Files.readString(p, StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTensorFlow(String path) throws Exception {
        Path d = dir(path);
        byte[] pb = Files.readAllBytes(d.resolve("graph.pb"));
        GraphDef tfDef = GraphDef.parseFrom(pb);
        Graph g = Graph.fromGraphDef(pb);
        assertSameNodes(tfDef, GraphDef.parseFrom(g.toGraphDef()));
        Map<String, Object> spec = json(d.resolve("case.json"));
        Map<String, Object> feeds = json(d.resolve("feeds.json"));
        Map<String, Object> expected = json(d.resolve("expected.json"));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            for (Object target : Json.asList(spec.get("run_first"))) {
                s.runner().target((String) target).run();
            }
            Session.Runner r = s.runner();
            for (Map.Entry<String, Object> f : feeds.entrySet()) {
                r.feed(f.getKey().contains(":") ? f.getKey() : f.getKey() + ":0", tensor(Json.asMap(f.getValue())));
            }
            List<String> fetches = new ArrayList<>();
            for (Object f : Json.asList(spec.get("fetches"))) {
                fetches.add((String) f);
                r.fetch((String) f);
            }
            List<Tensor> results = r.run();
            for (int i = 0; i < fetches.size(); i++) {
                Object want = expected.get(fetches.get(i));
                assertTrue(want != null, path + ": expected.json has no entry for " + fetches.get(i));
                assertClose(path + " " + fetches.get(i), tensor(Json.asMap(want)), results.get(i));
            }
        }
    }

    @Test
    void everyRunnableCaseOfTheseOpsIsListed() throws Exception {
        Set<String> listed = new TreeSet<>(cases().toList());
        Set<String> kernels = KernelRegistry.global().opTypes(KernelRegistry.CPU);
        Set<String> missing = new TreeSet<>();
        for (Object o : Json.asList(json(dir("index.json")).get("cases"))) {
            Map<String, Object> c = Json.asMap(o);
            List<Object> ops = Json.asList(c.get("op_types"));
            boolean ours = ops.stream().anyMatch(t -> OP_TYPES.contains(t) && !INCIDENTAL.contains(t));
            boolean runnable = "graph".equals(c.get("kind")) && ops.stream()
                    .allMatch(t -> OpRegistry.global().contains((String) t) && kernels.contains((String) t));
            if (ours && runnable && !listed.contains((String) c.get("path"))) {
                missing.add((String) c.get("path"));
            }
        }
        assertTrue(missing.isEmpty(), "cases of these ops that this test does not run: " + missing);
    }

    /** Our export lists TensorFlow's nodes with their op types, inputs and attribute names. */
    private static void assertSameNodes(GraphDef tf, GraphDef ours) {
        assertEquals(tf.getNodeCount(), ours.getNodeCount(), "node count");
        Map<String, NodeDef> byName = new HashMap<>();
        for (NodeDef n : ours.getNodeList()) {
            byName.put(n.getName(), n);
        }
        for (NodeDef want : tf.getNodeList()) {
            NodeDef got = byName.get(want.getName());
            assertTrue(got != null, "exported GraphDef lacks node " + want.getName());
            String where = "node '" + want.getName() + "' (" + want.getOp() + ")";
            assertEquals(want.getOp(), got.getOp(), where);
            assertEquals(want.getInputList(), got.getInputList(), where);
            Set<String> keys = new TreeSet<>(want.getAttrMap().keySet());
            keys.removeIf(k -> k.startsWith("_"));
            assertEquals(keys, new TreeSet<>(got.getAttrMap().keySet()), where + " attribute names");
            for (String k : keys) {
                if (!want.getAttrOrThrow(k).hasTensor()) {
                    assertEquals(want.getAttrOrThrow(k), got.getAttrOrThrow(k), where + " attribute " + k);
                }
            }
        }
    }

    private static Tensor tensor(Map<String, Object> spec) {
        assertTrue(spec.containsKey("values"), "the cases of these ops hold their values inline");
        DType dtype = DType.fromName((String) spec.get("dtype"));
        List<Object> dims = Json.asList(spec.get("shape"));
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = ((Number) dims.get(i)).longValue();
        }
        List<Object> v = Json.asList(spec.get("values"));
        double[] d = new double[v.size()];
        for (int i = 0; i < d.length; i++) {
            Object x = v.get(i);
            d[i] = x instanceof Boolean b ? (b ? 1 : 0) : ((Number) x).doubleValue();
        }
        if (dtype == DType.INT64) {
            long[] l = new long[v.size()];
            for (int i = 0; i < l.length; i++) {
                l[i] = ((Number) v.get(i)).longValue();
            }
            return Tensor.of(DType.INT64, Shape.of(shape), l);
        }
        return ArrayTestSupport.of(dtype, Shape.of(shape), d);
    }

    private static void assertClose(String what, Tensor want, Tensor got) {
        assertEquals(want.dtype(), got.dtype(), what + " dtype");
        assertEquals(want.shape(), got.shape(), what + " shape");
        if (want.dtype() == DType.INT64) {
            assertEquals(java.util.Arrays.toString(want.longs()), java.util.Arrays.toString(got.longs()), what);
            return;
        }
        double[] e = ArrayTestSupport.values(want);
        double[] a = ArrayTestSupport.values(got);
        for (int i = 0; i < e.length; i++) {
            boolean ok = want.dtype().isFloating()
                    ? Double.isNaN(e[i]) ? Double.isNaN(a[i]) : e[i] == a[i] || Math.abs(a[i] - e[i]) <= ABS_TOL + REL_TOL * Math.abs(e[i])
                    : e[i] == a[i];
            if (!ok) {
                fail(what + "[" + i + "]: TensorFlow gives " + e[i] + ", we give " + a[i]);
            }
        }
    }
}
