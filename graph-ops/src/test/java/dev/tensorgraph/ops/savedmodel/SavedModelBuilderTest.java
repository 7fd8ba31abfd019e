package dev.tensorgraph.ops.savedmodel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.AlreadyExistsException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.Tf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SavedModels written here load here with the same outputs, with reference and resource variables, several tag
 * sets and a main op; the writer refuses what TensorFlow's Builder refuses. (That TensorFlow loads them is
 * checked in the tf-interop module.)
 */
class SavedModelBuilderTest {
    @TempDir
    Path tmp;

    /** x [?, 2] -> y = x w + b, with w and b given values after init, and a counter the main op sets. */
    static Map<String, Object> build(boolean resource) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, 2), "x");
        Variable w = tf.variable(tf.constant(new float[][] {{1, 2, 3}, {4, 5, 6}}), true, "w", resource);
        Variable b = tf.variable(tf.constant(new float[] {0.5f, -0.5f, 0}), true, "b", resource);
        Variable counter = tf.variable(tf.constant(0f), false, "counter", resource);
        Output y = tf.add(tf.add(tf.matmul(x, w), b), counter, "y");
        var main = tf.group(java.util.List.of(counter.assign(tf.constant(10f))), "main_op");
        return Map.of("graph", g, "tf", tf, "x", x, "y", y, "w", w, "main", main, "init", tf.globalVariablesInitializer());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void writtenModelsLoadWithTheSameOutputs(boolean resource) throws Exception {
        Map<String, Object> m = build(resource);
        Graph g = (Graph) m.get("graph");
        Tf tf = (Tf) m.get("tf");
        Path dir = tmp.resolve("model");
        Tensor x = Tensor.of(new float[][] {{1, 1}, {2, -1}});
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run((dev.tensorgraph.Operation) m.get("init"));
            s.run(((Variable) m.get("w")).assign(tf.constant(new float[][] {{1, 0, 1}, {0, 1, 1}})));
            SavedModelBuilder.create(dir).mainOp((dev.tensorgraph.Operation) m.get("main"))
                    .addMetaGraphAndVariables(s, Set.of(SavedModel.SERVE), Map.of(Signatures.DEFAULT_KEY,
                            Signatures.predict(Map.of("x", (Output) m.get("x")), Map.of("y", (Output) m.get("y")))))
                    .addMetaGraph(Set.of(SavedModel.TRAIN, "gpu"), Map.of())
                    .save();
        }
        assertTrue(Files.isRegularFile(dir.resolve("variables/variables.index")));
        assertFalse(Files.exists(dir.resolve("variables/checkpoint")), "variables/ holds the checkpoint alone");
        try (SavedModel model = SavedModel.load(dir, SavedModel.SERVE)) {
            Signature sig = model.signature(Signatures.DEFAULT_KEY);
            assertEquals("dtype: DT_FLOAT, shape: (-1, 2), name: x:0", sig.inputs().get("x").toString());
            // the assigned kernel, not the initial one; the counter the main op set
            assertArrayEquals(new float[] {11.5f, 10.5f, 12, 12.5f, 8.5f, 11}, sig.call(Map.of("x", x)).get("y").floats());
            assertEquals(resource, model.graph().operation("w").type().equals("VarHandleOp"));
        }
        try (SavedModel train = SavedModel.load(dir, "gpu", SavedModel.TRAIN)) {
            assertTrue(train.signatures().isEmpty());
        }
    }

    @Test
    void refusesANonEmptyDirectoryRepeatedTagsAndUnknownTensors() throws Exception {
        Files.writeString(tmp.resolve("existing"), "x");
        assertThrows(AlreadyExistsException.class, () -> SavedModelBuilder.create(tmp));
        Map<String, Object> m = build(false);
        Graph g = (Graph) m.get("graph");
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            s.run((dev.tensorgraph.Operation) m.get("init"));
            SavedModelBuilder b = SavedModelBuilder.create(tmp.resolve("m"))
                    .addMetaGraphAndVariables(s, Set.of("serve"), Map.of());
            assertThrows(AlreadyExistsException.class, () -> b.addMetaGraph(Set.of("serve"), Map.of()));
            Graph other = new Graph();
            Output elsewhere = Tf.of(other).placeholder(DType.FLOAT32, Shape.of(1), "not_here");
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> b.addMetaGraph(
                    Set.of("train"), Map.of("bad", Signatures.predict(Map.of("in", elsewhere), Map.of("out", elsewhere)))));
            assertTrue(e.getMessage().contains("not_here:0"), e.getMessage());
        }
    }
}
