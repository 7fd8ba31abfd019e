package dev.tensorgraph.ops.rnn;

import static dev.tensorgraph.testing.TfReference.assertClose;
import static dev.tensorgraph.testing.TfReference.caseDir;
import static dev.tensorgraph.testing.TfReference.json;
import static dev.tensorgraph.testing.TfReference.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.train.GradientDescentOptimizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Five GradientDescent steps of an LSTM {@code dynamic_rnn} give TensorFlow's loss at every step and its
 * variables after the last (the {@code dynamic_rnn_v1_lstm_train} case): once running TensorFlow's own graph,
 * gradient loop included, and once with the network, its gradients and the optimizer built here.
 */
class DynamicRnnTrainingTest {
    private static final String CASE = "dynamic_rnn_v1_lstm_train";

    @SuppressWarnings("unchecked")
    private static void checkFiveSteps(Session s, Map<Output, Tensor> feeds, Output loss, Operation train,
                                       Map<String, Variable> variables) throws Exception {
        Map<String, Object> steps = json(caseDir(CASE).resolve("steps.json"));
        List<Object> losses = (List<Object>) steps.get("losses");
        Map<String, Object> initial = (Map<String, Object>) steps.get("initial");
        for (var e : initial.entrySet()) {
            s.setVariableValue(variables.get(e.getKey()), tensor(e.getValue()));
        }
        for (int i = 0; i < 5; i++) {
            Tensor l = s.run(List.of(loss), feeds, List.of(train)).get(0);
            double want = ((Number) losses.get(i)).doubleValue();
            assertEquals(want, l.floatValue(), 1e-5 * Math.abs(want), "loss of step " + (i + 1));
        }
        Map<String, Object> last = (Map<String, Object>) steps.get("final");
        for (var e : last.entrySet()) {
            assertClose(e.getKey() + " after 5 steps", tensor(e.getValue()), s.variableValue(variables.get(e.getKey())));
        }
    }

    private static Map<Output, Tensor> feeds(Graph g) throws Exception {
        Map<Output, Tensor> feeds = new HashMap<>();
        for (var f : json(caseDir(CASE).resolve("feeds.json")).entrySet()) {
            feeds.put(g.output(f.getKey() + ":0"), tensor(f.getValue()));
        }
        return feeds;
    }

    @Test
    void tensorFlowsTrainingGraphMatchesItsLossesAndVariables() throws Exception {
        Path dir = caseDir(CASE);
        Graph g = Graph.fromGraphDef(Files.readAllBytes(dir.resolve("graph.pb")));
        Map<String, Variable> vars = new HashMap<>();
        for (var op : g.operations()) {
            if (op.type().equals("VariableV2")) {
                vars.put(op.name(), new Variable(op, null, null, null, true));
            }
        }
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.runner().target("set_variables").run();
            checkFiveSteps(s, feeds(g), g.output("loss:0"), g.operation("train"), vars);
        }
    }

    @Test
    void anLstmTrainedHereMatchesTensorFlow() throws Exception {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, dev.tensorgraph.Shape.of(4, 6, 3), "x");
        Output target = tf.placeholder(DType.FLOAT32, dev.tensorgraph.Shape.of(4, 6, 5), "target");
        DynamicRnn.Result r = tf.nn.dynamicRnn(LSTMCell.create(5), x, DynamicRnn.Options.create().dtype(DType.FLOAT32));
        Output loss = tf.reduceMean(tf.square(tf.subtract(r.outputs(), target)), "loss");
        Operation train = new GradientDescentOptimizer(0.5).minimize(loss);
        Map<String, Variable> vars = new HashMap<>();
        for (Variable v : g.collection(GraphKeys.GLOBAL_VARIABLES, Variable.class)) {
            vars.put(v.opName(), v);
        }
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            checkFiveSteps(s, feeds(g), loss, train, vars);
        }
    }
}
