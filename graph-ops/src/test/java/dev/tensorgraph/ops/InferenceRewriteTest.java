package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.testing.Json;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The CPU's plan passes (constant folding, folding batch normalization into convolutions, fused convolutions)
 * on frozen inference graphs: results against TensorFlow's and against the same graph run as written
 * ({@code fuseOps(false)}), and the plans they make. Folding a scale into a filter rounds once more, so the
 * rewritten plan is compared within a relative 1e-5 of the plan as written (deep graphs: TensorFlow's rtol).
 */
class InferenceRewriteTest {
    private static final String RESNET_TINY = "/tf-cases-2.21/keras-apps/resnet_tiny/";

    private static Path caseFile(String name) throws URISyntaxException {
        return Path.of(InferenceRewriteTest.class.getResource(RESNET_TINY + name).toURI());
    }

    /** A float32 little-endian .npy file as a tensor. */
    private static Tensor npy(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        int headerLen = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        String header = new String(b, 10, headerLen, StandardCharsets.US_ASCII);
        assertTrue(header.contains("'<f4'"), header);
        String dims = header.substring(header.indexOf("'shape': (") + 10, header.indexOf(")"));
        long[] shape = java.util.Arrays.stream(dims.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        ByteBuffer data = ByteBuffer.wrap(b, 10 + headerLen, b.length - 10 - headerLen).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[(int) Shape.of(shape).numElements()];
        data.asFloatBuffer().get(v);
        return Tensor.of(DType.FLOAT32, Shape.of(shape), v);
    }

    private static float[] expected(String tensor) throws IOException, URISyntaxException {
        Map<String, Object> all = Json.parseObject(Files.readString(caseFile("expected.json")));
        List<Object> values = Json.asList(Json.asMap(all.get(tensor)).get("values"));
        float[] r = new float[values.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = ((Number) values.get(i)).floatValue();
        }
        return r;
    }

    private static void assertClose(float[] want, float[] got, double rtol, double atol, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], atol + rtol * Math.abs(want[i]), what + " [" + i + "]");
        }
    }

    @Test
    void frozenResNetMatchesTensorFlowWithAndWithoutRewrites() throws Exception {
        Graph g = Graph.fromGraphDef(Files.readAllBytes(caseFile("graph.pb")));
        Output x = g.output("x:0");
        List<Output> fetches = List.of(g.output("Identity:0"), g.output("resnet_tiny_1/predictions_1/BiasAdd:0"));
        Tensor feed = npy(caseFile("feed.x.npy"));
        for (boolean rewrite : new boolean[] {true, false}) {
            try (Session s = new Session(g, SessionOptions.cpuOnly().fuseOps(rewrite))) {
                List<Tensor> got = s.run(fetches, Map.of(x, feed));
                for (int i = 0; i < fetches.size(); i++) {
                    assertClose(expected(fetches.get(i).name()), got.get(i).floats(), 1e-4, 1e-5,
                            fetches.get(i).name() + (rewrite ? " rewritten" : " as written"));
                }
                String plan = String.join("\n", s.describePlan(fetches, Set.of(x), List.of()));
                assertEquals(rewrite, plan.contains("(_FusedConv2D)"), plan);
                // Both ZeroPadding2D layers folded into the convolution and the max-pool after them.
                assertEquals(rewrite, !plan.contains("(Pad)"), plan);
                // Batch normalization folded into the filters: its arithmetic is gone from the plan.
                assertEquals(rewrite, !plan.contains("(Rsqrt)") && !plan.contains("(Mul)"), plan);
            }
        }
    }

    @Test
    void rewrittenPlanAgreesWithThePlanAsWrittenAtBatchOne() throws Exception {
        Graph g = Graph.fromGraphDef(Files.readAllBytes(caseFile("graph.pb")));
        Output x = g.output("x:0");
        Output logits = g.output("resnet_tiny_1/predictions_1/BiasAdd:0");
        Tensor feed = NnTestSupport.randomFloats(3, 1, 32, 32, 3);
        float[] asWritten;
        try (Session s = new Session(g, SessionOptions.cpuOnly().fuseOps(false))) {
            asWritten = s.run(logits, Map.of(x, feed)).floats();
        }
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            for (int run = 0; run < 2; run++) {
                assertClose(asWritten, s.run(logits, Map.of(x, feed)).floats(), 1e-5, 1e-6, "run " + run);
            }
        }
    }

    /** conv -> BiasAdd -> Mul (scale) -> AddV2 (shift) -> AddV2 (residual) -> Relu, all constants but x and r. */
    private record Block(Graph g, Output x, Output residual, Output conv, Output biased, Output scaled, Output relu) {
        static Block build(int channelsOut, int[] strides, String padding) {
            Graph g = new Graph();
            Tf tf = Tf.of(g);
            int c = 5;
            Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 9, 8, c), "x");
            Output w = tf.constant(NnTestSupport.randomFloats(1, 3, 3, c, channelsOut));
            Output conv = tf.nn.conv2d(x, w, strides, padding, "conv");
            Output biased = tf.nn.biasAdd(conv, tf.constant(NnTestSupport.randomFloats(2, channelsOut)));
            // The scale comes out of constant arithmetic, as a frozen batch normalization's does.
            Output variance = tf.constant(NnTestSupport.randomFloats(3, channelsOut));
            Output scale = tf.reshape(tf.math.multiply(tf.math.rsqrt(tf.add(tf.math.square(variance), 0.5)),
                    tf.constant(NnTestSupport.randomFloats(4, channelsOut))), new int[] {1, 1, 1, channelsOut});
            Output scaled = tf.math.multiply(biased, scale, "scaled");
            Output shifted = tf.math.add(scaled, tf.constant(NnTestSupport.randomFloats(5, channelsOut)), "shifted");
            Output residual = tf.placeholder(DType.FLOAT32, shifted.shape(), "residual");
            Output sum = tf.math.add(shifted, residual, "sum");
            return new Block(g, x, residual, conv, biased, scaled, tf.nn.relu(sum, "relu"));
        }
    }

    private static List<Tensor> run(Block b, SessionOptions options, List<Output> fetches, Tensor xv, Tensor rv,
                                    List<String> plan) {
        try (Session s = new Session(b.g(), options)) {
            plan.addAll(s.describePlan(fetches, Set.of(b.x(), b.residual()), List.of()));
            return s.run(fetches, Map.of(b.x(), xv, b.residual(), rv));
        }
    }

    @Test
    void blocksFoldAndFuseIntoOneStep() {
        for (int o : new int[] {8, 64, 70, 128}) {
            for (String padding : new String[] {"SAME", "VALID"}) {
                for (int stride : new int[] {1, 2}) {
                    Block b = Block.build(o, new int[] {1, stride, stride, 1}, padding);
                    Tensor xv = NnTestSupport.randomFloats(6, 3, 9, 8, 5);
                    Tensor rv = NnTestSupport.randomFloats(7, 3, b.relu().shape().size(1), b.relu().shape().size(2), o);
                    List<String> planned = new java.util.ArrayList<>();
                    List<String> written = new java.util.ArrayList<>();
                    float[] want = run(b, SessionOptions.cpuOnly().fuseOps(false), List.of(b.relu()), xv, rv, written)
                            .get(0).floats();
                    float[] got = run(b, SessionOptions.cpuOnly(), List.of(b.relu()), xv, rv, planned).get(0).floats();
                    String what = "o " + o + " " + padding + " stride " + stride;
                    assertClose(want, got, 1e-5, 1e-5, what);
                    long fusedSteps = planned.stream().filter(l -> l.contains("(_FusedConv2D)")).count();
                    assertEquals(1, fusedSteps, what + ": " + planned);
                    assertTrue(planned.stream().noneMatch(l -> l.contains("(Rsqrt)") || l.contains("(Mul)")
                            || l.contains("(Relu)")), what + ": " + planned);
                    assertTrue(written.stream().anyMatch(l -> l.contains("(Rsqrt)")), what + ": " + written);
                }
            }
        }
    }

    @Test
    void fetchedIntermediatesStayComputedAndStopTheFoldThroughThem() {
        Block b = Block.build(16, new int[] {1, 1, 1, 1}, "SAME");
        Tensor xv = NnTestSupport.randomFloats(8, 2, 9, 8, 5);
        Tensor rv = NnTestSupport.randomFloats(9, 2, 9, 8, 16);
        List<Output> fetches = List.of(b.relu(), b.biased(), b.scaled());
        List<String> planned = new java.util.ArrayList<>();
        List<Tensor> want = run(b, SessionOptions.cpuOnly().fuseOps(false), fetches, xv, rv, new java.util.ArrayList<>());
        List<Tensor> got = run(b, SessionOptions.cpuOnly(), fetches, xv, rv, planned);
        for (int i = 0; i < fetches.size(); i++) {
            assertClose(want.get(i).floats(), got.get(i).floats(), 1e-5, 1e-5, fetches.get(i).name());
        }
        // The fetched BiasAdd and Mul keep their values, so neither is folded into the convolution.
        assertTrue(planned.stream().anyMatch(l -> l.startsWith("scaled (Mul)")), planned.toString());
        assertFalse(planned.stream().anyMatch(l -> l.contains("folded_filter")), planned.toString());
    }

    @Test
    void aFedConstantIsNotFoldedThrough() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output two = tf.constant(2f);
        Output y = tf.math.multiply(tf.add(two, 1.0), tf.constant(3f), "y");
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            assertEquals(9f, s.run(y).floatValue());
            assertEquals(18f, s.run(y, Map.of(two, Tensor.of(5f))).floatValue());
            assertEquals(9f, s.run(y).floatValue());
        }
    }

    @Test
    void fusionKeepsReluSixAndTheBiasOnly() {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 6, 6, 3), "x");
        Output conv = tf.nn.conv2d(x, tf.constant(NnTestSupport.randomFloats(11, 1, 1, 3, 32)), new int[] {1, 1, 1, 1},
                "VALID");
        Output biased = tf.nn.biasAdd(conv, tf.constant(NnTestSupport.randomFloats(12, 32)));
        Output six = tf.nn.relu6(tf.math.multiply(biased, 4.0));
        Output plain = tf.nn.biasAdd(tf.nn.conv2d(x, tf.constant(NnTestSupport.randomFloats(13, 3, 3, 3, 40)),
                new int[] {1, 1, 1, 1}, "SAME"), tf.constant(NnTestSupport.randomFloats(14, 40)));
        Tensor xv = NnTestSupport.randomFloats(15, 2, 6, 6, 3);
        for (Output y : List.of(six, plain)) {
            float[] want;
            try (Session s = new Session(g, SessionOptions.cpuOnly().fuseOps(false))) {
                want = s.run(y, Map.of(x, xv)).floats();
            }
            try (Session s = new Session(g, SessionOptions.cpuOnly())) {
                assertClose(want, s.run(y, Map.of(x, xv)).floats(), 1e-5, 1e-5, y.name());
                assertEquals(1, s.describePlan(List.of(y), Set.of(x), List.of()).stream()
                        .filter(l -> l.contains("(_FusedConv2D)")).count(), y.name());
            }
        }
    }
}
