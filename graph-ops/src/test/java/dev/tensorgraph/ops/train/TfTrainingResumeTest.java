package dev.tensorgraph.ops.train;

import static dev.tensorgraph.testing.TensorJson.assertClose;
import static dev.tensorgraph.testing.TensorJson.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.ops.MetaGraph;
import dev.tensorgraph.ops.SaverDefRestore;
import dev.tensorgraph.proto.MetaGraphDef;
import dev.tensorgraph.testing.Json;
import dev.tensorgraph.testing.TensorJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A TensorFlow 1.x training graph that TensorFlow wrote and trained (conv, batch norm under a v1 cond on
 * {@code is_training}, dense, Adam with its per-op gradient gating, UPDATE_OPS, global_step; reference case
 * {@code tf-plumbing-2.21/tf1_training}) resumes here from TensorFlow's MetaGraph and checkpoint: the next 5
 * losses, an inference step and every variable afterwards (slots and global_step included) match TensorFlow's
 * within 1e-5 relative.
 */
class TfTrainingResumeTest {
    private static final double REL = 1e-5;
    private static final double ABS = 1e-6;

    @Test
    void resumesTensorFlowsTrainingStepForStep() throws Exception {
        Path d = TensorJson.resource("/tf-plumbing-2.21/tf1_training");
        Map<String, Object> spec = TensorJson.read(d.resolve("case.json"));
        byte[] meta = Files.readAllBytes(d.resolve((String) spec.get("meta_graph")));
        MetaGraphDef def = MetaGraph.parse(meta, "model-3.meta");
        Graph g = MetaGraph.fromMetaGraphDef(meta);
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            SaverDefRestore.restore(s, def.getSaverDef(), d.resolve((String) spec.get("checkpoint_prefix")));
            int step = 0;
            for (Object o : Json.asList(spec.get("steps"))) {
                Map<String, Object> st = Json.asMap(o);
                Session.Runner r = s.runner();
                Json.asMap(st.get("feeds")).forEach((k, v) -> r.feed(k + ":0", tensor(Json.asMap(v))));
                List<Tensor> out = r.fetch((String) spec.get("loss")).target((String) spec.get("train_op")).run();
                assertClose("loss of step " + step++, Json.asMap(st.get("loss")), out.get(0), REL, ABS);
            }
            assertEquals(5, step);
            Map<String, Object> variables = Json.asMap(spec.get("variables"));
            assertEquals(20, variables.size(), "7 weights and batch-norm statistics, 10 Adam slots, 2 beta powers, global_step");
            for (Map.Entry<String, Object> e : variables.entrySet()) {
                assertClose("variable " + e.getKey(), Json.asMap(e.getValue()), s.run(e.getKey() + ":0"), REL, ABS);
            }
            Map<String, Object> inference = Json.asMap(spec.get("inference"));
            Session.Runner r = s.runner();
            Json.asMap(inference.get("feeds")).forEach((k, v) -> r.feed(k + ":0", tensor(Json.asMap(v))));
            assertClose("inference logits", Json.asMap(inference.get("logits")), r.fetch((String) spec.get("logits")).run().get(0),
                    REL, ABS);
        }
    }
}
