package dev.tensorgraph.ops;

import static dev.tensorgraph.testing.TensorJson.assertClose;
import static dev.tensorgraph.testing.TensorJson.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.FileAccessPolicy;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.PermissionDeniedException;
import dev.tensorgraph.ops.control.AssertOps;
import dev.tensorgraph.ops.control.FunctionArgOps;
import dev.tensorgraph.ops.control.RefOps;
import dev.tensorgraph.ops.control.Switch;
import dev.tensorgraph.ops.io.LoggingOps;
import dev.tensorgraph.ops.state.VariableOps;
import dev.tensorgraph.testing.Json;
import dev.tensorgraph.testing.TensorJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The graph plumbing TensorFlow 1.x writes: Assert, StringFormat/PrintV2/Print, IsVariableInitialized, the
 * reference forms of Switch/Merge/Identity and the _Arg/_Retval of function bodies; summaries against TensorFlow's
 * own text ({@code tf-plumbing-2.21/summaries.json}) and a TensorFlow graph with an Assign in a cond.
 */
class PlumbingOpsTest {
    private static final Path CASES = TensorJson.resource("/tf-plumbing-2.21");
    private final Graph g = new Graph();
    private final Tf tf = Tf.of(g);

    @TempDir
    Path tmp;

    private static Session session(Graph g) {
        return new Session(g, SessionOptions.cpuOnly());
    }

    /** What the graph printed on stderr while {@code run} ran. */
    private static String stderrOf(Runnable run) {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            run.run();
        } finally {
            System.setErr(saved);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void summariesAreTensorFlows() {
        List<Object> cases = Json.asList(TensorJson.read(CASES.resolve("summaries.json")).get("cases"));
        assertTrue(cases.size() >= 80, "20 tensors with 4 summarize settings");
        for (Object o : cases) {
            Map<String, Object> c = Json.asMap(o);
            Graph cg = new Graph();
            Tf ctf = Tf.of(cg);
            Tensor value = tensor(Json.asMap(c.get("tensor")));
            long summarize = ((Number) c.get("summarize")).longValue();
            Output t = ctf.constant(value);
            Output formatted = LoggingOps.stringFormat(cg, List.of(t), "%s", "%s", summarize, null);
            Operation check = AssertOps.assertOp(cg, ctf.constant(false), List.of(t), summarize, "check");
            String what = value + " summarize " + summarize;
            try (Session s = session(cg)) {
                assertEquals(c.get("numpy_like"), s.run(formatted).strings()[0], "StringFormat of " + what);
                InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> s.run(check));
                assertTrue(e.getMessage().startsWith("assertion failed: [" + c.get("legacy") + "] [[node check (Assert)]]"),
                        "Assert of " + what + ": " + e.getMessage());
            }
        }
    }

    @Test
    void assertRunsOnlyWhenSomethingFetchedDependsOnIt() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(3), "x");
        Operation check = AssertOps.assertOp(g, tf.reduceAll(tf.greater(x, 0f)), List.of(tf.constant(Tensor.ofString("x must be positive")), x),
                3, "check");
        Output y;
        try (var deps = tf.controlDependencies(List.of(check))) {
            y = tf.multiply(x, 2f, "y");
        }
        Output z = tf.add(x, 1f, "z");
        Tensor bad = Tensor.of(new float[] {1, -2, 3});
        try (Session s = session(g)) {
            assertArrayEquals(new float[] {2, -1, 4}, s.run(z, Map.of(x, bad)).floats(), "z does not run the Assert");
            assertArrayEquals(new float[] {2, 4, 6}, s.run(y, Map.of(x, Tensor.of(new float[] {1, 2, 3}))).floats());
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> s.run(y, Map.of(x, bad)));
            assertEquals("assertion failed: [x must be positive] [1 -2 3] [[node check (Assert)]]", e.getMessage());
            Operation notScalar = AssertOps.assertOp(g, tf.constant(new boolean[] {true, true}), List.of(), 3, "vector");
            assertTrue(assertThrows(InvalidArgumentException.class, () -> s.run(notScalar)).getMessage()
                    .startsWith("In[0] should be a scalar: [2]"));
        }
    }

    @Test
    void assertThatGuardsNonHostDataWithACondAsTensorFlowDoes() {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(3), "x");
        Operation guard = tf.debugging.assertThat(tf.reduceAll(tf.greater(x, 0f)), List.of(x), 3, "check_positive");
        assertEquals("check_positive/AssertGuard/Merge", guard.name());
        for (String name : List.of("Switch", "switch_t", "switch_f", "pred_id", "NoOp", "control_dependency", "Assert",
                "control_dependency_1")) {
            assertTrue(g.operation("check_positive/AssertGuard/" + name) != null, name);
        }
        assertEquals(List.of(g.operation("check_positive/AssertGuard/NoOp")),
                g.operation("check_positive/AssertGuard/control_dependency").controlInputs());
        Output y;
        try (var deps = tf.controlDependencies(List.of(guard))) {
            y = tf.identity(x, "y");
        }
        // only int32 and string data: the Assert itself, no cond
        Operation plain = tf.debugging.assertThat(tf.constant(true), List.of(tf.constant(Tensor.ofString("ok")), tf.constant(3)));
        assertEquals("Assert/Assert", plain.name());
        try (Session s = session(g)) {
            assertArrayEquals(new float[] {1, 2, 3}, s.run(y, Map.of(x, Tensor.of(new float[] {1, 2, 3}))).floats());
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> s.run(y, Map.of(x, Tensor.of(new float[] {1, 0, 3}))));
            assertTrue(e.getMessage().startsWith("assertion failed: [1 0 3] [[node check_positive/AssertGuard/Assert"),
                    e.getMessage());
            s.run(plain);
        }
    }

    @Test
    void printWritesToItsStreamWhenSomethingDependsOnIt() throws Exception {
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(3), "x");
        Operation show = tf.print(List.of("x is", x), "stderr", 3, " ", "\n", "show_x");
        assertEquals("show_x_format", show.input(0).op().name());
        assertEquals("x is {}", show.input(0).op().attrString("template"));
        Output y;
        try (var deps = tf.controlDependencies(List.of(show))) {
            y = tf.multiply(x, 2f, "y");
        }
        Output z = tf.add(x, 1f, "z");
        Path file = tmp.resolve("printed.txt");
        Operation toFile = LoggingOps.printV2(g, tf.constant(Tensor.ofString("to a file")), "file://" + file, "!\n", null);
        Map<Output, Tensor> feed = Map.of(x, Tensor.of(new float[] {1, 2, 3}));
        try (Session s = session(g)) {
            assertEquals("x is [1 2 3]\n", stderrOf(() -> s.run(y, feed)));
            assertEquals("", stderrOf(() -> s.run(z, feed)), "z does not depend on the print");
            assertThrows(PermissionDeniedException.class, () -> s.run(toFile));
            assertFalse(Files.exists(file));
            for (int i = 0; i < 2; i++) {
                s.runner().target(toFile).fileAccess(FileAccessPolicy.none().allowFile(file, FileAccessPolicy.Access.READ_WRITE))
                        .run();
            }
            assertEquals("to a file!\nto a file!\n", Files.readString(file));
        }
        assertThrows(InvalidArgumentException.class, () -> LoggingOps.printV2(g, tf.constant(Tensor.ofString("s")), "stdlog", "\n", null));
        assertThrows(InvalidArgumentException.class,
                () -> LoggingOps.stringFormat(g, List.of(x), "no placeholder", "{}", 3, null));
    }

    @Test
    void printOfTensorFlow1PassesItsInputAndPrintsTheFirstNTimes() {
        Output x = tf.placeholder(DType.INT32, Shape.of(4), "x");
        Output y = LoggingOps.printOp(g, x, List.of(x, tf.constant(Tensor.ofString("s"))), "x: ", 2, 3, null);
        Map<Output, Tensor> feed = Map.of(x, Tensor.of(new int[] {4, 3, 2, 1}));
        try (Session s = session(g)) {
            Supplier<String> once = () -> stderrOf(() -> assertArrayEquals(new int[] {4, 3, 2, 1}, s.run(y, feed).ints()));
            assertEquals("x: [4 3 2...][s]\n", once.get());
            assertEquals("x: [4 3 2...][s]\n", once.get());
            assertEquals("", once.get(), "first_n = 2");
        }
    }

    @Test
    void isVariableInitializedBeforeAndAfterTheInitializer() {
        Variable v = tf.variable(tf.constant(new float[] {1, 2}), "v");
        Output initialized = tf.isVariableInitialized(v);
        assertEquals("IsVariableInitialized", initialized.op().name());
        try (Session s = session(g)) {
            assertFalse(s.run(initialized).booleanValue());
            s.run(v.initializer());
            assertTrue(s.run(initialized).booleanValue());
        }
    }

    @Test
    void referenceSwitchMergeAndIdentityReachTheVariable() {
        Variable v = tf.variable(tf.constant(new float[] {1, 2}), "v");
        Output p = tf.placeholder(DType.BOOL, Shape.scalar(), "p");
        Switch sw = RefOps.refSwitch(g, v, p, null);
        Operation assignIfTrue = VariableOps.assign(g, sw.outputTrue(), tf.constant(new float[] {10, 20}), true, true, null);
        Operation addIfFalse = VariableOps.assignAdd(g, RefOps.refIdentity(g, sw.outputFalse(), null),
                tf.constant(new float[] {1, 1}), false, null);
        Output merged = RefOps.refMerge(g, List.of(sw.outputFalse(), sw.outputTrue()), null).output();
        Output initialized = VariableOps.isVariableInitialized(g, RefOps.refIdentity(g, v, null), null);
        try (Session s = session(g)) {
            s.run(v.initializer());
            assertTrue(s.run(initialized).booleanValue());
            s.run(List.of(), Map.of(p, Tensor.of(false)), List.of(assignIfTrue, addIfFalse));
            assertArrayEquals(new float[] {2, 3}, s.run(v).floats(), "only the false side ran");
            s.run(List.of(), Map.of(p, Tensor.of(true)), List.of(assignIfTrue, addIfFalse));
            assertArrayEquals(new float[] {10, 20}, s.run(v).floats(), "only the true side ran");
            assertArrayEquals(new float[] {10, 20}, s.run(merged, Map.of(p, Tensor.of(true))).floats());
        }
    }

    @Test
    void tensorFlowsAssignInsideACondRunsThroughRefSwitch() throws Exception {
        Path d = CASES.resolve("cond_meta");
        Graph tg = MetaGraph.fromMetaGraphDef(Files.readAllBytes(d.resolve("model.meta")));
        assertTrue(tg.operations().stream().anyMatch(op -> op.type().equals("RefSwitch")));
        Map<String, Object> spec = TensorJson.read(d.resolve("case.json"));
        try (Session s = session(tg)) {
            for (Object t : Json.asList(spec.get("run_first"))) {
                s.runner().target((String) t).run();
            }
            int i = 0;
            for (Object o : Json.asList(spec.get("steps"))) {
                Map<String, Object> step = Json.asMap(o);
                Session.Runner r = s.runner();
                Json.asMap(step.get("feeds")).forEach((k, v) -> r.feed(k + ":0", tensor(Json.asMap(v))));
                List<String> fetches = List.of("nested:0", "assigned:0", "v:0");
                fetches.forEach(r::fetch);
                List<Tensor> got = r.run();
                for (int k = 0; k < fetches.size(); k++) {
                    assertClose("step " + i + " " + fetches.get(k), Json.asMap(Json.asMap(step.get("expected")).get(fetches.get(k))),
                            got.get(k));
                }
                i++;
            }
        }
    }

    @Test
    void functionArgumentsAreFedAndResultsRunAsNoOps() {
        Output arg = FunctionArgOps.arg(g, DType.FLOAT32, 0, "x");
        Output doubled = tf.multiply(arg, 2f, "y");
        Operation ret = FunctionArgOps.retval(g, doubled, 0, "y_RetVal");
        Graph imported = Graph.fromGraphDef(g.toGraphDef());
        try (Session s = session(imported)) {
            Output x = imported.output("x:0");
            s.run(List.of(), Map.of(x, Tensor.of(new float[] {3})), List.of(imported.operation(ret.name())));
            assertArrayEquals(new float[] {6}, s.run(imported.output("y:0"), Map.of(x, Tensor.of(new float[] {3}))).floats());
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> s.run(imported.output("y:0")));
            assertTrue(e.getMessage().startsWith("You must feed a value for argument tensor 'x:0' (_Arg 0"), e.getMessage());
        }
    }
}
