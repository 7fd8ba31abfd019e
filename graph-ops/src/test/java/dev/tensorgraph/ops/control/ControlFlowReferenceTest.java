package dev.tensorgraph.ops.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.testing.Json;
import dev.tensorgraph.testing.TfReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the control-flow cases TensorFlow 2.21 wrote under {@code tf-cases-2.21/control-flow/} (their README
 * describes the format): import {@code graph.pb}, run the {@code run_first} targets, then the case's one run
 * ({@code graph}) or its runs in order ({@code steps}), comparing every fetch with TensorFlow's value and,
 * where the case lists them, every variable afterwards (the initial values for a one-run case). A one-run case
 * runs a second time from our export of the graph, re-imported, so the export of loops (back edges included)
 * is checked too. A case whose op types (library functions' included) or CPU kernels are not all there yet
 * (control flow v2, function calls, TensorList ops) is skipped, so it counts once they land.
 */
class ControlFlowReferenceTest {
    private static final String TOPIC = "/tf-cases-2.21/control-flow";

    static Stream<String> cases() throws Exception {
        List<String> names = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root())) {
            dirs.filter(d -> Files.isRegularFile(d.resolve("case.json"))).forEach(d -> names.add(d.getFileName().toString()));
        }
        assertFalse(names.isEmpty(), "no cases under " + TOPIC);
        return names.stream().sorted();
    }

    private static Path root() throws Exception {
        return Path.of(ControlFlowReferenceTest.class.getResource(TOPIC).toURI());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTensorFlow(String name) throws Exception {
        Path dir = root().resolve(name);
        Map<String, Object> spec = TfReference.json(dir.resolve("case.json"));
        assumeOpsAvailable(spec);
        byte[] pb = Files.readAllBytes(dir.resolve("graph.pb"));
        Graph g = Graph.fromGraphDef(pb);
        String kind = (String) spec.get("kind");
        if (kind.equals("graph")) {
            runOnce(name, dir, spec, g);
            runOnce(name + " (from our export)", dir, spec, Graph.fromGraphDef(g.toGraphDef()));
        } else {
            assertEquals("steps", kind, name + ": kind");
            runSteps(name, dir, spec, g);
        }
    }

    private static void runOnce(String what, Path dir, Map<String, Object> spec, Graph g) throws Exception {
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            runFirst(s, spec);
            checkVariables(what, dir, spec, s);
            Map<String, Object> expected = TfReference.json(dir.resolve("expected.json"));
            run(what, s, TfReference.json(dir.resolve("feeds.json")), List.of(), strings(spec.get("fetches")), expected);
        }
    }

    private static void runSteps(String what, Path dir, Map<String, Object> spec, Graph g) throws Exception {
        List<Object> steps = Json.asList(TfReference.json(dir.resolve("steps.json")).get("steps"));
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            runFirst(s, spec);
            for (int i = 0; i < steps.size(); i++) {
                Map<String, Object> step = Json.asMap(steps.get(i));
                assertFalse(step.containsKey("expected_error"), what + ": steps expecting errors are not run here");
                run(what + " step " + (i + 1), s, Json.asMap(step.get("feeds")), strings(step.get("targets")),
                        strings(step.get("fetches")), Json.asMap(step.get("expected")));
            }
            checkVariables(what + " after " + steps.size() + " steps", dir, spec, s);
        }
    }

    private static void runFirst(Session s, Map<String, Object> spec) {
        for (String target : strings(spec.get("run_first"))) {
            s.runner().target(target).run();
        }
    }

    private static void run(String what, Session s, Map<String, Object> feeds, List<String> targets,
                            List<String> fetches, Map<String, Object> expected) {
        Session.Runner r = s.runner();
        feeds.forEach((name, t) -> r.feed(name.contains(":") ? name : name + ":0", TfReference.tensor(t)));
        targets.forEach(r::target);
        fetches.forEach(r::fetch);
        List<Tensor> got = r.run();
        for (int i = 0; i < fetches.size(); i++) {
            Object want = expected.get(fetches.get(i));
            assertTrue(want != null, what + ": no expected value of " + fetches.get(i));
            TfReference.assertMatches(what + " " + fetches.get(i), TfReference.tensor(want), got.get(i));
        }
    }

    private static void checkVariables(String what, Path dir, Map<String, Object> spec, Session s) throws Exception {
        if (!(spec.get("variables") instanceof String file)) {
            return;
        }
        Map<String, Object> want = TfReference.json(dir.resolve(file));
        Session.Runner r = s.runner();
        List<String> names = new ArrayList<>(want.keySet());
        names.forEach(v -> r.fetch(v + ":0"));
        List<Tensor> got = r.run();
        for (int i = 0; i < names.size(); i++) {
            TfReference.assertMatches(what + " variable " + names.get(i), TfReference.tensor(want.get(names.get(i))),
                    got.get(i));
        }
    }

    /** Skips the case (never fails it) when an op type or its CPU kernel is not there yet. */
    private static void assumeOpsAvailable(Map<String, Object> spec) {
        Set<String> missingOps = new TreeSet<>();
        Set<String> missingKernels = new TreeSet<>();
        Set<String> kernels = KernelRegistry.global().opTypes(KernelRegistry.CPU);
        for (String type : strings(spec.get("op_types"))) {
            if (!OpRegistry.global().contains(type)) {
                missingOps.add(type);
            } else if (!kernels.contains(type)) {
                missingKernels.add(type);
            }
        }
        Assumptions.assumeTrue(missingOps.isEmpty(), "op types not registered yet: " + missingOps);
        Assumptions.assumeTrue(missingKernels.isEmpty(), "op types without a CPU kernel yet: " + missingKernels);
    }

    private static List<String> strings(Object o) {
        return o == null ? List.of() : Json.asList(o).stream().map(String.class::cast).toList();
    }
}
