package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.testing.Json;
import dev.tensorgraph.testing.TfCaseRunner;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * the GraphDef imports (TensorFlow's gradient subgraphs included), exports with TensorFlow's nodes, inputs and
 * attributes, and one run with the case's feeds gives TensorFlow's values ({@link TfCaseRunner}: 1e-5 relative +
 * 1e-6 absolute for floats, exact otherwise).
 * A second test keeps the list complete: any case whose ops all exist and that uses one of these op types (other
 * than those TensorFlow writes into every conv or dense gradient) must be listed here.
 */
class ArrayOpsTfReferenceTest {
    private static final String ROOT = "/tf-cases-2.21/";

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

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTensorFlow(String path) throws Exception {
        Path d = dir(path);
        // TfCaseRunner skips a case whose ops are missing; these must all be here, so a missing one fails.
        Set<String> kernels = KernelRegistry.global().opTypes(KernelRegistry.CPU);
        for (String t : TfCaseRunner.opTypes(d)) {
            assertTrue(OpRegistry.global().contains(t) && kernels.contains(t), path + ": no op or CPU kernel " + t);
        }
        TfCaseRunner.run(d, false);
    }

    @Test
    void everyRunnableCaseOfTheseOpsIsListed() throws Exception {
        Set<String> listed = new TreeSet<>(cases().toList());
        Set<String> kernels = KernelRegistry.global().opTypes(KernelRegistry.CPU);
        Set<String> missing = new TreeSet<>();
        for (Object o : Json.asList(Json.parseObject(Files.readString(dir("index.json"))).get("cases"))) {
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
}
