package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.testing.TfCaseRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every case under {@code tf-cases-2.21/ops/} written by TensorFlow 2.21 that holds one of the
 * neural-network ops of issue #16 (depthwise, grouped and dilated convolution, space/batch/depth moves, fused
 * batch norm V1/V2, LRN, SELU, softsign, erf, resizing; and TensorFlow's _FusedDepthwiseConv2dNative, which the
 * GPU plan makes of a depthwise layer, and _FusedMatMul, which CPU plans make of a dense layer), forward and through
 * TensorFlow's own gradient graph.
 * Floats must be within 1e-5 of the largest expected magnitude of each tensor. {@code generate.py}'s ops topic
 * writes most of them; {@code tf-interop/python/nn_ops_cases.py} adds the {@code nn_*} cases (multipliers,
 * EXPLICIT padding, separable and dilated forms, 3-D and 4-D space/batch moves, GELU, integer images).
 */
class NnReferenceCasesTest {
    static final Set<String> NN_OPS = Set.of("DepthwiseConv2dNative", "DepthwiseConv2dNativeBackpropInput",
            "DepthwiseConv2dNativeBackpropFilter", "Conv2D", "SpaceToBatchND", "BatchToSpaceND", "SpaceToBatch",
            "BatchToSpace", "SpaceToDepth", "DepthToSpace", "FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormGrad",
            "FusedBatchNormGradV2", "LRN", "LRNGrad", "Selu", "SeluGrad", "Softsign", "SoftsignGrad", "Erf", "Erfc",
            "Relu6", "Relu6Grad", "ResizeBilinear", "ResizeBilinearGrad", "ResizeNearestNeighbor",
            "ResizeNearestNeighborGrad", "_FusedDepthwiseConv2dNative", "_FusedMatMul");

    static Stream<String> cases() throws IOException, URISyntaxException {
        URL root = NnReferenceCasesTest.class.getResource("/tf-cases-2.21/ops");
        assertTrue(root != null, "test resources hold tf-cases-2.21/ops/");
        Path dir = Path.of(root.toURI());
        List<String> names;
        try (Stream<Path> dirs = Files.list(dir)) {
            names = dirs.filter(d -> Files.isRegularFile(d.resolve("graph.pb")) && Files.isRegularFile(d.resolve("case.json"))
                    && holdsNnOp(d)).map(d -> d.getFileName().toString()).sorted().toList();
        }
        assertTrue(names.size() >= 30, "expected the nn cases under tf-cases-2.21/ops/, found " + names);
        return names.stream();
    }

    private static boolean holdsNnOp(Path caseDir) {
        try {
            return TfCaseRunner.opTypes(caseDir).stream().anyMatch(NN_OPS::contains);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The frozen Keras applications (MobileNetV2/V3, EfficientNet, NASNet, ConvNeXt op sets), at their tolerance. */
    static Stream<String> kerasApplications() throws IOException, URISyntaxException {
        Path dir = Path.of(NnReferenceCasesTest.class.getResource("/tf-cases-2.21/keras-apps").toURI());
        try (Stream<Path> dirs = Files.list(dir)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("case.json")) && holdsNnOp(d))
                    .map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kerasApplications")
    void kerasApplicationMatchesTensorFlow(String name) throws Exception {
        TfCaseRunner.run(Path.of(NnReferenceCasesTest.class.getResource("/tf-cases-2.21/keras-apps/" + name).toURI()),
                false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTensorFlow(String name) throws Exception {
        TfCaseRunner.run(Path.of(NnReferenceCasesTest.class.getResource("/tf-cases-2.21/ops/" + name).toURI()), true);
    }
}
