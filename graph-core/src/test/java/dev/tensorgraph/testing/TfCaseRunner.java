package dev.tensorgraph.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphDefText;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.kernel.KernelRegistry;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.proto.AttrValue;
import dev.tensorgraph.proto.GraphDef;
import dev.tensorgraph.proto.NodeDef;
import dev.tensorgraph.proto.TensorProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs one case TensorFlow wrote in the tf-cases layout ({@code graph.pb}, optional {@code graph.pbtxt},
 * {@code feeds.json} and {@code expected.json} or, for kind {@code steps}, {@code steps.json}; tensors inline or
 * in {@code .npy} files; {@code case.json}, whose {@code variables} file, when named, holds every variable's
 * value at the end) and compares our results, variables and export with TensorFlow's. A case whose op types (or their CPU kernels) do not exist yet is skipped, never failed.
 */
public final class TfCaseRunner {
    private static final double REL_TOL = 1e-5;
    private static final double ABS_TOL = 1e-6;

    private TfCaseRunner() {}

    private static Map<String, Object> json(Path p) throws IOException {
        return Json.parseObject(Files.readString(p, StandardCharsets.UTF_8));
    }

    /**
     * Skips the case (never fails it) when an op type or its CPU kernel is not there yet, in the graph or in a
     * function of its library; functional ops need no kernel (the executor runs their functions).
     */
    private static void assumeOpsAvailable(GraphDef def) {
        Set<String> missingOps = new TreeSet<>();
        Set<String> missingKernels = new TreeSet<>();
        Set<String> kernels = KernelRegistry.global().opTypes(KernelRegistry.CPU);
        List<NodeDef> nodes = new ArrayList<>(def.getNodeList());
        def.getLibrary().getFunctionList().forEach(f -> nodes.addAll(f.getNodeDefList()));
        for (NodeDef n : nodes) {
            if (!OpRegistry.global().contains(n.getOp())) {
                missingOps.add(n.getOp());
            } else if (!kernels.contains(n.getOp()) && OpRegistry.global().lookup(n.getOp()).functional() == null) {
                missingKernels.add(n.getOp());
            }
        }
        Assumptions.assumeTrue(missingOps.isEmpty(), "op types not registered yet: " + missingOps);
        Assumptions.assumeTrue(missingKernels.isEmpty(), "op types without a CPU kernel yet: " + missingKernels);
    }

    /**
     * Imports {@code dir/graph.pb}, checks {@code graph.pbtxt} (when there) and our export against it, runs
     * {@code run_first}, feeds {@code feeds.json}, fetches the case's fetches and compares them with
     * {@code expected.json}. Floats must be within 1e-6 + 1e-5 times the expected value, or with
     * {@code relativeToLargest} 1e-5 times the largest expected magnitude of that tensor.
     */
    public static void run(Path dir, boolean relativeToLargest) throws IOException {
        run(dir, relativeToLargest, SessionOptions.cpuOnly());
    }

    /** As {@link #run(Path, boolean)}, in a session with {@code options} (a GPU's, say). */
    public static void run(Path dir, boolean relativeToLargest, SessionOptions options) throws IOException {
        String name = dir.getFileName().toString();
        byte[] pb = Files.readAllBytes(dir.resolve("graph.pb"));
        GraphDef tfDef = GraphDef.parseFrom(pb);
        assumeOpsAvailable(tfDef);

        Graph g = Graph.fromGraphDef(pb);
        assertEquals(tfDef.getNodeCount(), g.numOperations());

        if (Files.exists(dir.resolve("graph.pbtxt"))) {
            Graph fromText = GraphDefText.fromText(Files.readString(dir.resolve("graph.pbtxt"), StandardCharsets.UTF_8));
            assertArrayEquals(g.toGraphDef(), fromText.toGraphDef(), "graph.pbtxt imports to the same graph as graph.pb");
        }

        assertExportMatches(tfDef, GraphDef.parseFrom(g.toGraphDef()));

        Map<String, Object> spec = json(dir.resolve("case.json"));
        Tolerance tol = Tolerance.of(spec, relativeToLargest);
        try (Session s = new Session(g, options)) {
            for (Object target : Json.asList(spec.get("run_first"))) {
                s.runner().target((String) target).run();
            }
            if ("steps".equals(spec.get("kind"))) {
                runSteps(s, dir, relativeToLargest, Set.of());
            } else {
                Map<String, Object> st = new java.util.HashMap<>();
                st.put("feeds", json(dir.resolve("feeds.json")));
                st.put("fetches", spec.get("fetches"));
                st.put("targets", spec.get("targets"));
                st.put("expected", json(dir.resolve("expected.json")));
                runStep(s, dir, name, st, tol, Set.of());
            }
            if (spec.get("variables") instanceof String file) {
                checkVariables(s, dir, name, json(dir.resolve(file)), tol);
            }
        }
    }

    /**
     * Every variable the case's variables file lists has TensorFlow's value at the end: after the steps, or,
     * for a one-run case, the value {@code run_first} gave it.
     */
    private static void checkVariables(Session s, Path dir, String what, Map<String, Object> want, Tolerance tol) {
        for (String name : want.keySet()) {
            TensorJson.assertClose(what + " variable " + name, TensorJson.tensor(Json.asMap(want.get(name)), dir),
                    variableValue(s, name), tol.rtol(), tol.atol(), tol.relativeToLargest());
        }
    }

    /**
     * The value of the variable op {@code name}: a reference variable's output, a resource variable's (a
     * {@code VarHandleOp}, whose output is only its handle) value in the session.
     */
    private static Tensor variableValue(Session s, String name) {
        Operation op = s.graph().operation(name);
        assertTrue(op != null, "variable " + name + " is in the graph");
        if (op.output(0).dtype() == DType.RESOURCE) {
            Tensor value = s.variableValue(new Variable(op, null, null, null, false));
            assertTrue(value != null, "resource variable " + name + " was initialized");
            return value;
        }
        return s.runner().fetch(name + ":0").run().get(0);
    }

    /**
     * Runs the case's {@code steps.json} in a session that holds its graph, comparing as {@link #run} does; a fetch
     * listed in {@code unchecked} as {@code "<step> <tensor>"} is run but not compared (the caller says why).
     */
    public static void runSteps(Session s, Path dir, boolean relativeToLargest, Set<String> unchecked) throws IOException {
        Tolerance tol = Tolerance.of(json(dir.resolve("case.json")), relativeToLargest);
        int i = 0;
        for (Object step : Json.asList(json(dir.resolve("steps.json")).get("steps"))) {
            String prefix = i + " ";
            Set<String> skip = new HashSet<>();
            unchecked.stream().filter(u -> u.startsWith(prefix)).forEach(u -> skip.add(u.substring(prefix.length())));
            runStep(s, dir, dir.getFileName() + " step " + i++, Json.asMap(step), tol, skip);
        }
    }

    /**
     * One Session.run of a case: {@code feeds}, {@code targets} and {@code fetches}, compared with {@code expected}
     * or, for a step with {@code expected_error}, failing with an error whose message holds its
     * {@code message_contains}; a step's {@code printed} is what the run must write to stderr.
     */
    private static void runStep(Session s, Path dir, String what, Map<String, Object> step, Tolerance tol,
                                Set<String> unchecked) {
        Session.Runner r = s.runner();
        for (Map.Entry<String, Object> f : Json.asMap(step.get("feeds")).entrySet()) {
            String tensorName = f.getKey().contains(":") ? f.getKey() : f.getKey() + ":0";
            r.feed(tensorName, TensorJson.tensor(Json.asMap(f.getValue()), dir));
        }
        for (Object t : Json.asList(step.get("targets"))) {
            r.target((String) t);
        }
        List<String> fetches = new ArrayList<>();
        for (Object f : Json.asList(step.get("fetches"))) {
            fetches.add((String) f);
            r.fetch((String) f);
        }
        if (step.get("expected_error") != null) {
            String message = (String) Json.asMap(step.get("expected_error")).get("message_contains");
            TensorgraphException e = assertThrows(TensorgraphException.class, r::run, what + " must fail");
            assertTrue(message == null || e.getMessage().contains(message), what + ": '" + message + "' not in "
                    + e.getMessage());
            return;
        }
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(printed, true, StandardCharsets.UTF_8));
        List<Tensor> results;
        try {
            results = r.run();
        } finally {
            System.setErr(stderr);
        }
        if (step.get("printed") instanceof String p) {
            assertEquals(p, printed.toString(StandardCharsets.UTF_8), what + ": what the run printed to stderr");
        }
        Map<String, Object> expected = Json.asMap(step.get("expected"));
        for (int i = 0; i < fetches.size(); i++) {
            Map<String, Object> want = Json.asMap(expected.get(fetches.get(i)));
            assertTrue(want != null, what + ": no expected value for " + fetches.get(i));
            if (!unchecked.contains(fetches.get(i))) {
                TensorJson.assertClose(what + " " + fetches.get(i), TensorJson.tensor(want, dir), results.get(i), tol.rtol(),
                        tol.atol(), tol.relativeToLargest());
            }
        }
    }

    /** The op types a case lists in its case.json. */
    public static List<String> opTypes(Path dir) throws IOException {
        List<String> types = new ArrayList<>();
        for (Object o : Json.asList(json(dir.resolve("case.json")).get("op_types"))) {
            types.add((String) o);
        }
        return types;
    }

    /**
     * Our export lists the same nodes with the same inputs, devices and attributes as TensorFlow's, and its
     * function library unchanged, each node after its inputs but for a loop's back edges (NextIteration into Merge; TensorFlow's own order need not be so).
     */
    private static void assertExportMatches(GraphDef tf, GraphDef ours) {
        assertEquals(tf.getNodeCount(), ours.getNodeCount());
        assertEquals(tf.getLibrary(), ours.getLibrary(), "the function library is written back as TensorFlow wrote it");
        Map<String, NodeDef> byName = new java.util.HashMap<>();
        for (NodeDef n : ours.getNodeList()) {
            byName.put(n.getName(), n);
        }
        Set<String> seen = new HashSet<>();
        for (NodeDef got : ours.getNodeList()) {
            for (String in : got.getInputList()) {
                String src = in.startsWith("^") ? in.substring(1) : in.replaceFirst(":\\d+$", "");
                boolean backEdge = got.getOp().equals("Merge") && byName.containsKey(src)
                        && byName.get(src).getOp().equals("NextIteration");
                assertTrue(seen.contains(src) || backEdge, "node '" + got.getName() + "': input " + in
                        + " is exported after it");
            }
            seen.add(got.getName());
        }
        for (NodeDef want : tf.getNodeList()) {
            NodeDef got = byName.get(want.getName());
            assertTrue(got != null, "exported GraphDef lacks node " + want.getName());
            String where = "node '" + want.getName() + "' (" + want.getOp() + ")";
            assertEquals(want.getOp(), got.getOp(), where);
            assertEquals(want.getInputList(), got.getInputList(), where);
            assertEquals(want.getDevice(), got.getDevice(), where);
            Set<String> wantKeys = new TreeSet<>(want.getAttrMap().keySet());
            // TensorFlow's internal attributes are dropped on import, but for those an op declares it keeps.
            wantKeys.removeIf(k -> k.startsWith("_") && !OpRegistry.global().lookup(want.getOp()).attrs().containsKey(k));
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

    /** How close floats must be: {@code atol + rtol * max(|expected|, the tensor's largest |expected| if asked)}. */
    private record Tolerance(double rtol, double atol, boolean relativeToLargest) {
        /** 1e-5 relative and 1e-6 absolute, or the case's own {@code tolerance} (rtol, atol). */
        static Tolerance of(Map<String, Object> spec, boolean relativeToLargest) {
            Map<String, Object> t = spec.get("tolerance") == null ? Map.of() : Json.asMap(spec.get("tolerance"));
            return new Tolerance(t.get("rtol") instanceof Number r ? r.doubleValue() : REL_TOL,
                    t.get("atol") instanceof Number a ? a.doubleValue() : ABS_TOL, relativeToLargest);
        }
    }
}
