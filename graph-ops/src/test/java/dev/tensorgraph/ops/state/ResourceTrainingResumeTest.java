package dev.tensorgraph.ops.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.MetaGraph;
import dev.tensorgraph.ops.SaverDefRestore;
import dev.tensorgraph.proto.MetaGraphDef;
import dev.tensorgraph.proto.VariableDef;
import dev.tensorgraph.testing.Json;
import dev.tensorgraph.testing.TensorJson;
import dev.tensorgraph.testing.TfCaseRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * TensorFlow 2.21's TF1-style training graphs in their default form (resource variables, ResourceApply*
 * updates, ReadVariableOp everywhere), saved with {@code tf.compat.v1.train.Saver} after 3 steps: the MetaGraph
 * imports with its resource VariableDefs, TensorFlow's own restore op runs, and the next 5 training steps' losses,
 * an inference step and every variable (slots and global_step included) match TensorFlow's, for each optimizer's
 * ResourceApply* update (GradientDescent, Momentum, Adam, RMSProp plain and centered, Adagrad).
 */
class ResourceTrainingResumeTest {
    /** Where {@code generate.py --big DIR} wrote the cases kept out of the committed ones for their size. */
    static final String BIG_CASES_PROPERTY = "tensorgraph.tfBigCases";

    private static Path caseDir(String name) throws Exception {
        var committed = ResourceTrainingResumeTest.class.getResource("/tf-cases-2.21/saved-model/" + name);
        if (committed != null) {
            return Path.of(committed.toURI());
        }
        String big = System.getProperty(BIG_CASES_PROPERTY);
        Assumptions.assumeTrue(big != null && !big.isEmpty(), name + " is a big case: run with -D" + BIG_CASES_PROPERTY
                + "=DIR after python tf-interop/python/generate.py --topics saved-model --big DIR");
        return Path.of(big, "saved-model", name);
    }

    /**
     * Momentum is committed, in the small form and in tf1_graph_v2_form_saver's (conv and batch norm, whose
     * conds are functional If ops); the other optimizers' cases are big ones (see {@link #caseDir}).
     */
    @ParameterizedTest
    @ValueSource(strings = {"tf1_resource_train_momentum", "tf1_graph_v2_form_saver", "tf1_resource_train_adam", "tf1_resource_train_sgd",
        "tf1_resource_train_rmsprop", "tf1_resource_train_rmsprop_centered", "tf1_resource_train_adagrad"})
    void resumesTensorFlowsTrainingWithResourceVariables(String name) throws Exception {
        Path dir = caseDir(name);
        byte[] metaBytes = Files.readAllBytes(dir.resolve("model-3.meta"));
        MetaGraphDef meta = MetaGraph.parse(metaBytes, name);
        Graph g = MetaGraph.importMetaGraph(metaBytes);
        Map<String, Variable> byName = new HashMap<>();
        for (Object o : g.collection(GraphKeys.GLOBAL_VARIABLES)) {
            Variable v = (Variable) o;
            assertTrue(v.isResource(), v.opName() + " imports as a resource variable");
            byName.put(v.opName(), v);
        }
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            SaverDefRestore.restore(s, meta.getSaverDef(), dir.resolve("model-3"));
            TfCaseRunner.runSteps(s, dir, false, Set.of());
            Map<String, Object> want = Json.parseObject(Files.readString(dir.resolve("variables.json"),
                    StandardCharsets.UTF_8));
            assertEquals(want.keySet(), byName.keySet(), "the global variables");
            for (Map.Entry<String, Object> e : want.entrySet()) {
                TensorJson.assertClose(name + " variable " + e.getKey(),
                        TensorJson.tensor(Json.asMap(e.getValue()), dir), s.variableValue(byName.get(e.getKey())),
                        1e-5, 1e-6, false);
            }
        }
    }

    @Test
    void exportedResourceVariableDefsRoundTrip() throws Exception {
        byte[] metaBytes = Files.readAllBytes(caseDir("tf1_resource_train_momentum").resolve("model-3.meta"));
        MetaGraphDef tf = MetaGraph.parse(metaBytes, "TensorFlow's");
        MetaGraphDef ours = MetaGraph.toProto(MetaGraph.importMetaGraph(metaBytes), null);
        Map<String, VariableDef> tfDefs = new HashMap<>();
        for (var b : tf.getCollectionDefOrThrow(GraphKeys.GLOBAL_VARIABLES).getBytesList().getValueList()) {
            VariableDef d = VariableDef.parseFrom(b);
            tfDefs.put(d.getVariableName(), d);
        }
        var ourList = ours.getCollectionDefOrThrow(GraphKeys.GLOBAL_VARIABLES).getBytesList().getValueList();
        assertEquals(tfDefs.size(), ourList.size());
        for (var b : ourList) {
            VariableDef d = VariableDef.parseFrom(b);
            VariableDef t = tfDefs.get(d.getVariableName());
            assertTrue(d.getIsResource());
            assertEquals(t.getSnapshotName(), d.getSnapshotName(), d.getVariableName());
            assertEquals(t.getInitializerName(), d.getInitializerName(), d.getVariableName());
            assertEquals(t.getTrainable(), d.getTrainable(), d.getVariableName());
        }
    }

    @Test
    void aVariableDefWhoseResourceFlagContradictsItsOpIsRefused() throws Exception {
        byte[] metaBytes = Files.readAllBytes(caseDir("tf1_resource_train_momentum").resolve("model-3.meta"));
        MetaGraphDef.Builder b = MetaGraph.parse(metaBytes, "TensorFlow's").toBuilder();
        var col = b.getCollectionDefOrThrow(GraphKeys.GLOBAL_VARIABLES).toBuilder();
        VariableDef first = VariableDef.parseFrom(col.getBytesList().getValue(0));
        col.getBytesListBuilder().setValue(0, first.toBuilder().setIsResource(false).build().toByteString());
        b.putCollectionDef(GraphKeys.GLOBAL_VARIABLES, col.build());
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> MetaGraph.importMetaGraph(b.build().toByteArray()));
        assertTrue(e.getMessage().contains(first.getVariableName()), e.getMessage());
    }
}
