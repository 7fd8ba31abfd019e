package dev.tensorgraph.ops.rnn;

import static dev.tensorgraph.testing.TfReference.assertClose;
import static dev.tensorgraph.testing.TfReference.caseDir;
import static dev.tensorgraph.testing.TfReference.json;
import static dev.tensorgraph.testing.TfReference.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.proto.GraphDef;
import dev.tensorgraph.proto.NodeDef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code tf.nn.dynamicRnn} built here against the same network built by TensorFlow (the {@code dynamic_rnn_v1_*}
 * cases): TensorFlow's variable names and cell op names, and its outputs and states to 1e-5 with its variables.
 */
class DynamicRnnTest {
    /** TensorFlow's variable values after its {@code set_variables}, by variable name, run in the imported graph. */
    static Map<String, Tensor> tensorFlowVariables(Path dir) throws Exception {
        Graph tfGraph = Graph.fromGraphDef(Files.readAllBytes(dir.resolve("graph.pb")));
        Map<String, Tensor> values = new TreeMap<>();
        try (Session s = new Session(tfGraph, SessionOptions.cpuOnly())) {
            s.runner().target("set_variables").run();
            for (var op : tfGraph.operations()) {
                if (op.type().equals("VariableV2")) {
                    values.put(op.name(), s.run(op.output(0)));
                }
            }
        }
        return values;
    }

    /** Runs {@code build} on a fresh graph with TensorFlow's variable values and compares with expected.json. */
    static Graph checkAgainstTensorFlow(String caseName, java.util.function.BiFunction<Tf, Map<String, Output>,
            List<Output>> build, List<String> fetches) throws Exception {
        Path dir = caseDir(caseName);
        Map<String, Object> feeds = json(dir.resolve("feeds.json"));
        Map<String, Object> expected = json(dir.resolve("expected.json"));
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Map<String, Output> placeholders = new HashMap<>();
        Map<Output, Tensor> feedValues = new HashMap<>();
        for (var f : feeds.entrySet()) {
            Tensor t = tensor(f.getValue());
            Output p = tf.placeholder(t.dtype(), t.shape(), f.getKey());
            placeholders.put(f.getKey(), p);
            feedValues.put(p, t);
        }
        List<Output> outs = build.apply(tf, placeholders);
        Map<String, Tensor> tfVars = tensorFlowVariables(dir);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            List<Variable> vars = g.collection(GraphKeys.GLOBAL_VARIABLES, Variable.class);
            assertEquals(tfVars.keySet(), new java.util.TreeSet<>(vars.stream().map(Variable::opName).toList()),
                    "TensorFlow's variable names");
            for (Variable v : vars) {
                s.setVariableValue(v, tfVars.get(v.opName()));
            }
            List<Tensor> got = s.run(outs, feedValues);
            for (int i = 0; i < fetches.size(); i++) {
                assertClose(caseName + " " + fetches.get(i), tensor(expected.get(fetches.get(i))), got.get(i));
            }
        }
        return g;
    }

    /** The nodes of {@code prefix} in both graphs have the same op types and inputs. */
    static void assertSameNodes(String caseName, Graph ours, String prefix) throws Exception {
        GraphDef tfDef = GraphDef.parseFrom(Files.readAllBytes(caseDir(caseName).resolve("graph.pb")));
        GraphDef ourDef = GraphDef.parseFrom(ours.toGraphDef());
        Map<String, NodeDef> want = new TreeMap<>();
        for (NodeDef n : tfDef.getNodeList()) {
            if (n.getName().startsWith(prefix)) {
                want.put(n.getName(), n);
            }
        }
        Map<String, NodeDef> got = new TreeMap<>();
        for (NodeDef n : ourDef.getNodeList()) {
            if (n.getName().startsWith(prefix)) {
                got.put(n.getName(), n);
            }
        }
        assertEquals(want.keySet(), got.keySet(), "nodes under " + prefix);
        for (NodeDef w : want.values()) {
            NodeDef o = got.get(w.getName());
            assertEquals(w.getOp(), o.getOp(), w.getName());
            assertEquals(w.getInputList(), o.getInputList(), w.getName() + " inputs");
        }
    }

    private static List<Output> outputsAndState(DynamicRnn.Result r) {
        List<Output> all = new ArrayList<>();
        all.add(r.outputs());
        all.addAll(r.state());
        return all;
    }

    @Test
    void lstmCellMatchesTensorFlow() throws Exception {
        Graph g = checkAgainstTensorFlow("dynamic_rnn_v1_lstm", (tf, in) -> outputsAndState(tf.nn.dynamicRnn(
                LSTMCell.create(5), in.get("x"), DynamicRnn.Options.create().dtype(DType.FLOAT32))),
                List.of("outputs:0", "state_0:0", "state_1:0"));
        assertSameNodes("dynamic_rnn_v1_lstm", g, "rnn/while/lstm_cell/");
        assertNotNull(g.operation("rnn/lstm_cell/kernel"));
    }

    @Test
    void basicLstmCellMatchesTensorFlow() throws Exception {
        Graph g = checkAgainstTensorFlow("dynamic_rnn_v1_basic_lstm", (tf, in) -> outputsAndState(tf.nn.dynamicRnn(
                BasicLSTMCell.create(5), in.get("x"), DynamicRnn.Options.create().dtype(DType.FLOAT32))),
                List.of("outputs:0", "state_0:0", "state_1:0"));
        assertSameNodes("dynamic_rnn_v1_basic_lstm", g, "rnn/while/basic_lstm_cell/");
    }

    @Test
    void gruCellWithSequenceLengthsMatchesTensorFlow() throws Exception {
        Graph g = checkAgainstTensorFlow("dynamic_rnn_v1_gru_lengths", (tf, in) -> outputsAndState(tf.nn.dynamicRnn(
                GRUCell.create(5), in.get("x"), DynamicRnn.Options.create().dtype(DType.FLOAT32)
                        .sequenceLength(in.get("lengths")))),
                List.of("outputs:0", "state_0:0"));
        assertSameNodes("dynamic_rnn_v1_gru_lengths", g, "rnn/while/gru_cell/");
        assertTrue(g.operation("rnn/gru_cell/gates/kernel") != null);
    }

    @Test
    void lstmGradientsWithRespectToInputsAndInitialStateMatchFiniteDifferences() {
        dev.tensorgraph.testing.GradientChecker.check((tf, in) -> {
            DynamicRnn.Result r = tf.nn.dynamicRnn(LSTMCell.create(3, true, 2.0, null, 2, null, 1.0, null), in.get(0),
                    DynamicRnn.Options.create().initialState(List.of(in.get(1), in.get(2))));
            return tf.add(tf.reduceSum(r.outputs(), new int[] {1}), tf.multiply(r.state().get(1), r.state().get(1)));
        }, 1e-4, 1e-6, dev.tensorgraph.testing.GradientChecker.random(21, -1, 1, 2, 4, 3),
                dev.tensorgraph.testing.GradientChecker.random(22, -1, 1, 2, 3),
                dev.tensorgraph.testing.GradientChecker.random(23, -1, 1, 2, 2));
    }

    @Test
    void gruGradientsWithSequenceLengthsMatchFiniteDifferences() {
        dev.tensorgraph.testing.GradientChecker.check((tf, in) -> {
            Output lengths = tf.constant(new int[] {3, 1});
            DynamicRnn.Result r = tf.nn.dynamicRnn(GRUCell.create(3), in.get(0), DynamicRnn.Options.create()
                    .sequenceLength(lengths).initialState(List.of(in.get(1))).timeMajor(true));
            return tf.add(tf.reduceSum(r.outputs(), new int[] {0}), r.state().get(0));
        }, 1e-4, 1e-6, dev.tensorgraph.testing.GradientChecker.random(24, -1, 1, 4, 2, 2),
                dev.tensorgraph.testing.GradientChecker.random(25, -1, 1, 2, 3));
    }
}
