package dev.tensorgraph.cuda;

import static dev.tensorgraph.cuda.GpuTestSupport.assumeGpu;
import static dev.tensorgraph.cuda.GpuTestSupport.gpuOptions;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.testing.Json;
import dev.tensorgraph.testing.TfCaseRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Frozen Keras applications written by TensorFlow 2.21 (the committed {@code keras-apps} reference cases: MobileNetV2
 * and MobileNetV3Small at 32x32, and EfficientNet built as B0 is, at width 0.25 and depth 0.1, with its swish
 * through IdentityN and its squeeze-excite blocks) run in a GPU session with exact float32 math and give
 * TensorFlow's outputs within each case's tolerance. The plan must run their depthwise convolutions, and the
 * convolutions the GPU plan pass fuses, on the GPU.
 */
class KerasReferenceCasesGpuTest {
    private static final String ROOT = "/tf-cases-2.21/keras-apps/";

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"mobilenet_v2", "mobilenet_v3_small", "efficientnet_tiny"})
    void frozenKerasApplicationGivesTensorFlowsOutputsOnTheGpu(String name) throws IOException {
        assumeGpu();
        Path dir = caseFolder(name);
        TfCaseRunner.run(dir, false, gpuOptions());

        Graph g = Graph.fromGraphDef(Files.readAllBytes(dir.resolve("graph.pb")));
        Output x = g.output("x:0");
        Output y = g.output("Identity:0");
        try (Session s = new Session(g, gpuOptions())) {
            List<String> plan = s.describePlan(List.of(y), Set.of(x), List.of());
            String text = String.join("\n", plan);
            assertTrue(plan.stream().anyMatch(l -> l.contains("(DepthwiseConv2dNative) @ GPU")
                    || l.contains("(_FusedDepthwiseConv2dNative) @ GPU")), name + ":\n" + text);
            assertTrue(plan.stream().anyMatch(l -> l.contains("(_FusedConv2D) @ GPU")), name + ":\n" + text);
            assertTrue(plan.stream().noneMatch(l -> l.contains("DepthwiseConv2dNative) @ CPU")
                    || l.contains("(Conv2D) @ CPU") || l.contains("(_FusedConv2D) @ CPU")), name + ":\n" + text);
        }
    }

    /**
     * The case's files (those its {@code case.json} lists), copied out of the test class path into a folder of
     * their own: a class path may be a jar, and a bundled runtime need not have the zip file system.
     */
    private Path caseFolder(String name) throws IOException {
        Path dir = Files.createDirectories(temp.resolve(name));
        String caseJson = new String(resource(name, "case.json"), StandardCharsets.UTF_8);
        for (Object file : Json.asList(Json.parseObject(caseJson).get("files"))) {
            Files.write(dir.resolve((String) file), resource(name, (String) file));
        }
        return dir;
    }

    private static byte[] resource(String name, String file) throws IOException {
        try (InputStream in = KerasReferenceCasesGpuTest.class.getResourceAsStream(ROOT + name + "/" + file)) {
            assertNotNull(in, "reference case file " + name + "/" + file + " is not on the test class path");
            return in.readAllBytes();
        }
    }
}
