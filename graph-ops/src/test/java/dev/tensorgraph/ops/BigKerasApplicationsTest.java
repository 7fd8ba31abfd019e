package dev.tensorgraph.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.testing.Json;
import dev.tensorgraph.testing.TensorJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The full-size frozen Keras applications (ResNet50, DenseNet121, NASNetMobile, Xception, ConvNeXtTiny,
 * InceptionV3, EfficientNetB0; tens of MB each, so not committed) match TensorFlow's outputs. They are written
 * by {@code tf-interop/python/generate.py --big DIR}; give {@code -Dtensorgraph.bigCases=DIR} (the folder that
 * holds {@code keras-apps/}) to run them; without it every case is skipped. Unlike the committed cases, a
 * missing op type here fails the case. Each case logs its largest absolute difference per output.
 */
class BigKerasApplicationsTest {
    private static final Logger LOG = LoggerFactory.getLogger(BigKerasApplicationsTest.class);
    private static final String PROPERTY = "tensorgraph.bigCases";

    static Stream<String> cases() throws Exception {
        String root = System.getProperty(PROPERTY);
        if (root == null || root.isEmpty()) {
            return Stream.of("(no " + PROPERTY + " given)");
        }
        try (Stream<Path> dirs = Files.list(Path.of(root, "keras-apps"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("case.json"))).map(d -> d.getFileName().toString())
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTensorFlow(String name) throws Exception {
        String root = System.getProperty(PROPERTY);
        Assumptions.assumeTrue(root != null && !root.isEmpty(), "give -D" + PROPERTY + "=DIR to run the big cases");
        Path dir = Path.of(root, "keras-apps", name);
        Map<String, Object> spec = Json.parseObject(Files.readString(dir.resolve("case.json")));
        Map<String, Object> tol = Json.asMap(spec.get("tolerance"));
        double rtol = ((Number) tol.get("rtol")).doubleValue();
        double atol = ((Number) tol.get("atol")).doubleValue();
        Map<String, Object> feeds = Json.parseObject(Files.readString(dir.resolve("feeds.json")));
        Map<String, Object> expected = Json.parseObject(Files.readString(dir.resolve("expected.json")));
        Graph g = Graph.fromGraphDef(Files.readAllBytes(dir.resolve("graph.pb")));
        List<String> fetches = new ArrayList<>();
        Json.asList(spec.get("fetches")).forEach(f -> fetches.add((String) f));
        List<Tensor> got;
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            Session.Runner r = s.runner();
            feeds.forEach((k, v) -> r.feed(k.contains(":") ? k : k + ":0", TensorJson.tensor(Json.asMap(v), dir)));
            fetches.forEach(r::fetch);
            got = r.run();
        }
        List<String> report = new ArrayList<>();
        for (int i = 0; i < fetches.size(); i++) {
            Tensor want = TensorJson.tensor(Json.asMap(expected.get(fetches.get(i))), dir);
            double[] w = want.toDoubles();
            double[] o = got.get(i).toDoubles();
            double maxAbs = 0;
            for (int k = 0; k < Math.min(w.length, o.length); k++) {
                maxAbs = Math.max(maxAbs, Math.abs(w[k] - o[k]));
            }
            report.add(fetches.get(i) + " max abs error " + maxAbs);
            TensorJson.assertClose(name + " " + fetches.get(i), want, got.get(i), rtol, atol, false);
        }
        LOG.info("{}: {}", name, String.join("; ", report));
        assertTrue(!report.isEmpty(), name + " fetches nothing");
    }
}
