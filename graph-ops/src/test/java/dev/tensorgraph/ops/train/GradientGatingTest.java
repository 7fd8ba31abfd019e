package dev.tensorgraph.ops.train;

import static dev.tensorgraph.testing.TensorJson.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.GradientsOptions;
import dev.tensorgraph.ops.MetaGraph;
import dev.tensorgraph.ops.SaverDefRestore;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.state.Initializers;
import dev.tensorgraph.proto.GraphDef;
import dev.tensorgraph.proto.MetaGraphDef;
import dev.tensorgraph.proto.NodeDef;
import dev.tensorgraph.testing.Json;
import dev.tensorgraph.testing.TensorJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * TensorFlow's gradient gating ({@code gate_gradients}): the ops, names and edges it adds, compared with the graph
 * TensorFlow writes for the same model ({@code tf-plumbing-2.21/gating}), the optimizers' GATE_NONE, GATE_OP
 * and GATE_GRAPH, and the executor's order: whatever order a GraphDef lists its nodes in, an in-place update runs
 * after the gradients that read the variable's old value, because the gating edges say so.
 */
class GradientGatingTest {
    private static final Path CASES = TensorJson.resource("/tf-plumbing-2.21");

    /** The model of the gating case: conv 3x3 VALID + relu, reshape, dense 16 + relu, dense 3, mean xent. */
    private static Output model(Tf tf) {
        Output images = tf.placeholder(DType.FLOAT32, Shape.of(-1, 8, 8, 1), "images");
        Output labels = tf.placeholder(DType.INT32, Shape.of(-1), "labels");
        Output h;
        try (var s = tf.variableScope("conv2d")) {
            Variable k = tf.getVariable("kernel", Shape.of(3, 3, 1, 4), Initializers.constant(0.1f));
            Variable b = tf.getVariable("bias", Shape.of(4), Initializers.zeros());
            h = tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(images, k, new int[] {1, 1, 1, 1}, "VALID"), b));
        }
        h = tf.reshape(h, new int[] {-1, 6 * 6 * 4});
        h = dense(tf, h, "dense", 16, true);
        Output logits = dense(tf, h, "logits", 3, false);
        return tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits(labels, logits));
    }

    private static Output dense(Tf tf, Output x, String name, int units, boolean relu) {
        try (var s = tf.variableScope(name)) {
            Variable k = tf.getVariable("kernel", Shape.of(x.shape().size(1), units), Initializers.constant(0.05f));
            Variable b = tf.getVariable("bias", Shape.of(units), Initializers.zeros());
            Output y = tf.nn.biasAdd(tf.matmul(x, k), b);
            return relu ? tf.nn.relu(y) : y;
        }
    }

    /** Name to "op inputs" of the nodes a predicate selects, as the GraphDef lists them. */
    private static Map<String, String> nodes(GraphDef def, Predicate<NodeDef> which) {
        Map<String, String> m = new LinkedHashMap<>();
        for (NodeDef n : def.getNodeList()) {
            if (which.test(n)) {
                m.put(n.getName(), n.getOp() + " " + n.getInputList());
            }
        }
        return m;
    }

    @Test
    void minimizeGatesLikeTensorFlowWithItsNames() throws Exception {
        Graph g = new Graph();
        new AdamOptimizer(1e-3).minimize(model(Tf.of(g)));
        GraphDef ours = GraphDef.parseFrom(g.toGraphDef());
        GraphDef theirs = GraphDef.parseFrom(Files.readAllBytes(CASES.resolve("gating/graph.pb")));
        Predicate<NodeDef> gating = n -> n.getName().contains("_grad/tuple/") || n.getOp().equals("ApplyAdam");
        Map<String, String> want = nodes(theirs, gating);
        // One name differs outside the gating itself: our sparse cross-entropy names its op and its gradient's
        // product xentropy and Mul where TensorFlow's Python names them after the op type and mul.
        String theirXentGrad = "gradients/SparseSoftmaxCrossEntropyWithLogits/SparseSoftmaxCrossEntropyWithLogits_grad/mul";
        String ourXentGrad = "gradients/SparseSoftmaxCrossEntropyWithLogits/xentropy_grad/Mul";
        assertEquals("Mul", g.operation(ourXentGrad).type());
        want.replaceAll((k, v) -> v.replace(theirXentGrad, ourXentGrad));
        Map<String, String> got = nodes(ours, gating);
        assertEquals(want, got);
        assertEquals(6 * 3 + 6, got.size(), "6 gated ops (3 nodes each) and 6 updates");
    }

    @Test
    void gatingOptionsOfOptimizersAndGradients() {
        Graph none = new Graph();
        new GradientDescentOptimizer(0.1).minimize(model(Tf.of(none)), null, null, Optimizer.GATE_NONE, null);
        assertTrue(none.operations().stream().noneMatch(op -> op.name().contains("tuple")));

        Graph perGraph = new Graph();
        new GradientDescentOptimizer(0.1).minimize(model(Tf.of(perGraph)), null, null, Optimizer.GATE_GRAPH, null);
        assertTrue(perGraph.operations().stream().noneMatch(op -> op.name().contains("_grad/tuple")));
        Operation gate = perGraph.operation("tuple/group_deps");
        assertNotNull(gate);
        assertEquals(6, gate.controlInputs().size(), "after the gradients of all 6 variables");
        Operation update = perGraph.operation("GradientDescent/update_dense/kernel/ApplyGradientDescent");
        assertTrue(update.input(2).op().name().startsWith("tuple/control_dependency"), update.input(2).name());
        assertEquals(List.of(gate), update.input(2).op().controlInputs());

        Graph plain = new Graph();
        Tf tf = Tf.of(plain);
        Output loss = model(tf);
        List<Output> vars = new ArrayList<>(tf.trainableVariables());
        tf.gradients(List.of(loss), vars);
        assertTrue(plain.operations().stream().noneMatch(op -> op.name().contains("tuple")), "tf.gradients does not gate");
        List<Output> gated = tf.gradients(List.of(loss), vars, GradientsOptions.create().gateGradients(true));
        assertEquals("gradients_1/dense/MatMul_grad/tuple/control_dependency_1", gated.get(2).op().name());
    }

    @Test
    void gatingChangesNoValue() {
        List<Tensor> ungated = trainOnce(Optimizer.GATE_NONE);
        for (Optimizer.GateGradients gate : List.of(Optimizer.GATE_OP, Optimizer.GATE_GRAPH)) {
            List<Tensor> got = trainOnce(gate);
            for (int i = 0; i < got.size(); i++) {
                assertArrayEquals(ungated.get(i).floats(), got.get(i).floats(), gate + " variable " + i);
            }
        }
    }

    private static List<Tensor> trainOnce(Optimizer.GateGradients gate) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output loss = model(tf);
        Operation train = new AdamOptimizer(0.01).minimize(loss, null, null, gate, null);
        float[] images = new float[2 * 64];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) Math.sin(i * 0.37);
        }
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run(tf.globalVariablesInitializer());
            s.runner().feed("images:0", Tensor.of(DType.FLOAT32, Shape.of(2, 8, 8, 1), images))
                    .feed("labels:0", Tensor.of(DType.INT32, Shape.of(2), new int[] {2, 0})).target(train).run();
            List<Tensor> out = new ArrayList<>();
            for (Variable v : tf.trainableVariables()) {
                out.add(s.run(v));
            }
            return out;
        }
    }

    /**
     * TensorFlow's training graph with its nodes listed so that the weight gradients and the updates come first: the
     * executor still runs every update after the gradient that reads the weight's old value (the gating edges order
     * them), giving TensorFlow's result. Without the gating edges the same listing lets an update run first, and the
     * result is wrong, which is what TensorFlow showed on graphs without them.
     */
    @Test
    void executorOrderFollowsTheGatingEdgesWhateverTheNodeOrder() throws Exception {
        Path d = CASES.resolve("tf1_training");
        MetaGraphDef meta = MetaGraph.parse(Files.readAllBytes(d.resolve("model-3.meta")), "model-3.meta");
        Map<String, Tensor> reference = trainStep(meta, d);
        // first: the variables, the optimizer's ops and what they read, the weight gradients, the gating identities
        Predicate<NodeDef> early = n -> n.getName().startsWith("train/") || n.getName().startsWith("beta")
                || n.getOp().equals("VariableV2") || n.getName().contains("/Adam")
                || n.getOp().equals("Conv2DBackpropFilter") || n.getName().endsWith("MatMul_grad/MatMul_1")
                || n.getName().contains("_grad/tuple/control_dependency");
        Map<String, Tensor> reordered = trainStep(reorder(meta, early, false), d);
        reference.forEach((k, v) -> assertArrayEquals(v.floats(), reordered.get(k).floats(), 0f, k));
        Map<String, Tensor> ungated = trainStep(reorder(meta, early, true), d);
        assertFalse(java.util.Arrays.equals(reference.get("conv/kernel").floats(), ungated.get("conv/kernel").floats()),
                "without the gating edges an update overtakes a read of the old weights");
    }

    /** The nodes {@code early} selects first, the rest after; {@code ungate} drops the edges from group_deps. */
    private static MetaGraphDef reorder(MetaGraphDef meta, Predicate<NodeDef> early, boolean ungate) {
        GraphDef.Builder def = meta.getGraphDef().toBuilder().clearNode();
        List<NodeDef> first = new ArrayList<>();
        List<NodeDef> rest = new ArrayList<>();
        for (NodeDef n : meta.getGraphDef().getNodeList()) {
            NodeDef m = n;
            if (ungate) {
                List<String> inputs = n.getInputList().stream().filter(in -> !in.endsWith("/tuple/group_deps")).toList();
                m = n.toBuilder().clearInput().addAllInput(inputs).build();
            }
            (early.test(n) ? first : rest).add(m);
        }
        def.addAllNode(first).addAllNode(rest);
        return meta.toBuilder().setGraphDef(def).build();
    }

    /** One training step of TensorFlow's graph from its checkpoint; the trainable variables afterwards. */
    private static Map<String, Tensor> trainStep(MetaGraphDef meta, Path d) {
        Graph g = MetaGraph.fromMetaGraphDef(meta.toByteArray());
        Map<String, Object> spec = TensorJson.read(d.resolve("case.json"));
        Map<String, Object> step = Json.asMap(Json.asList(spec.get("steps")).get(0));
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            SaverDefRestore.restore(s, meta.getSaverDef(), d.resolve("model-3"));
            Session.Runner r = s.runner();
            Json.asMap(step.get("feeds")).forEach((k, v) -> r.feed(k + ":0", tensor(Json.asMap(v))));
            r.target("train").run();
            for (String v : List.of("conv/kernel", "dense/kernel", "dense/bias", "batch_normalization/gamma")) {
                out.put(v, s.run(v + ":0"));
            }
        }
        return out;
    }
}
