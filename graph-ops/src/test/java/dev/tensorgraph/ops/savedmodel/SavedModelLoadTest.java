package dev.tensorgraph.ops.savedmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.DataLossException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.testing.Json;
import dev.tensorgraph.testing.TensorJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SavedModels written by TensorFlow 2.21 ({@code tf-cases-2.21/saved-model}): each signature's inputs, outputs
 * and results against TensorFlow's ({@code signatures.json}), and bad directories, tags, signatures and feeds
 * refused with an error naming what is wrong.
 */
class SavedModelLoadTest {
    @TempDir
    Path tmp;

    static Path caseDir(String name) throws Exception {
        return Path.of(SavedModelLoadTest.class.getResource("/tf-cases-2.21/saved-model/" + name).toURI());
    }

    private static Map<String, Object> json(Path p) throws Exception {
        return Json.parseObject(Files.readString(p, StandardCharsets.UTF_8));
    }

    /** Every signature of the case: our inputs and outputs are TensorFlow's, and so are the results. */
    private static void checkSignatures(Path caseDir, SavedModel model) throws Exception {
        Map<String, Object> sigs = json(caseDir.resolve("signatures.json"));
        assertEquals(sigs.keySet(), model.signatures().keySet());
        for (Map.Entry<String, Object> e : sigs.entrySet()) {
            Map<String, Object> want = Json.asMap(e.getValue());
            Signature sig = model.signature(e.getKey());
            assertEquals(want.get("method_name"), sig.methodName());
            for (String kind : List.of("inputs", "outputs")) {
                Map<String, SignatureTensor> ours = kind.equals("inputs") ? sig.inputs() : sig.outputs();
                Map<String, Object> theirs = Json.asMap(want.get(kind));
                assertEquals(theirs.keySet(), ours.keySet(), e.getKey() + " " + kind);
                for (String k : theirs.keySet()) {
                    Map<String, Object> t = Json.asMap(theirs.get(k));
                    assertEquals(t.get("name"), ours.get(k).tensorName());
                    assertEquals(t.get("dtype"), ours.get(k).dtype().toString());
                }
            }
            Map<String, Tensor> feeds = new HashMap<>();
            Json.asMap(want.get("feeds")).forEach((k, v) -> feeds.put(k, TensorJson.tensor(Json.asMap(v), caseDir)));
            Map<String, Tensor> got = sig.call(feeds);
            Map<String, Object> expected = Json.asMap(want.get("expected"));
            assertEquals(expected.keySet(), got.keySet());
            for (String k : expected.keySet()) {
                TensorJson.assertClose(e.getKey() + " " + k, TensorJson.tensor(Json.asMap(expected.get(k)), caseDir),
                        got.get(k), 1e-5, 1e-6, false);
            }
        }
    }

    @Test
    void tf1SimpleSaveServesTensorFlowsOutputs() throws Exception {
        Path dir = caseDir("tf1_simple_save");
        try (SavedModel model = SavedModel.load(dir.resolve("saved_model"), SavedModel.SERVE)) {
            assertEquals(Shape.of(-1, 4), model.signature("serving_default").inputs().get("x").shape());
            checkSignatures(dir, model);
        }
    }

    /**
     * TensorFlow 2's default graph form through the TF1 Builder: resource variables restored by
     * AssignVariableOp, the main op run after the restore (the counter it sets shows in serving_default's y),
     * an int64 output; the train tag set loads its own MetaGraph of the same variables.
     */
    @Test
    void tf1BuilderWithResourceVariablesServesBothSignaturesAndItsTrainTags() throws Exception {
        Path dir = caseDir("tf1_builder_resource");
        try (SavedModel model = SavedModel.load(dir.resolve("saved_model"), SavedModel.SERVE)) {
            checkSignatures(dir, model);
        }
        try (SavedModel train = SavedModel.load(dir.resolve("saved_model"), SavedModel.TRAIN)) {
            assertEquals(java.util.Set.of("serving_default"), train.signatures().keySet());
            Map<String, Object> want = Json.asMap(json(dir.resolve("signatures.json")).get("serving_default"));
            Tensor x = TensorJson.tensor(Json.asMap(Json.asMap(want.get("feeds")).get("x")), dir);
            TensorJson.assertClose("train y", TensorJson.tensor(Json.asMap(Json.asMap(want.get("expected")).get("y")),
                    dir), train.signature("serving_default").call(Map.of("x", x)).get("y"), 1e-5, 1e-6, false);
        }
    }

    /** The Keras CNN of keras_export_cnn, same weights, as a TF1 Builder SavedModel: Keras's outputs. */
    @Test
    void kerasCnnAsATf1SavedModelGivesKerasOutputs() throws Exception {
        Path dir = caseDir("tf1_keras_cnn_builder");
        try (SavedModel model = SavedModel.load(dir.resolve("saved_model"), SavedModel.SERVE)) {
            checkSignatures(dir, model);
        }
    }

    /**
     * TensorFlow 2's SavedModels ({@code tf.saved_model.save} of a tf.Module with two signatures, Keras 3
     * {@code model.export} of a CNN and of an LSTM): signatures that call functions through
     * StatefulPartitionedCall, over resource variables restored from the object-based checkpoint.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tf_module_two_signatures", "keras_export_cnn", "keras_export_lstm"})
    void tf2SavedModelsServeTensorFlowsOutputs(String name) throws Exception {
        Path dir = caseDir(name);
        try (SavedModel model = SavedModel.load(dir.resolve("saved_model"), SavedModel.SERVE)) {
            checkSignatures(dir, model);
        }
    }

    /**
     * A TensorFlow 2 SavedModel given another model's variables (the LSTM's checkpoint under the CNN): refused
     * with a typed error naming the variable at fault, before any signature could serve wrong weights.
     */
    @Test
    void aTf2SavedModelWithAnotherModelsVariablesNamesTheVariable() throws Exception {
        Path copy = copyOf(caseDir("keras_export_cnn").resolve("saved_model"));
        Path lstm = caseDir("keras_export_lstm").resolve("saved_model/variables");
        for (String f : List.of("variables.index", "variables.data-00000-of-00001")) {
            Files.copy(lstm.resolve(f), copy.resolve("variables").resolve(f),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        TensorgraphException e = assertThrows(TensorgraphException.class,
                () -> SavedModel.load(copy, SavedModel.SERVE));
        assertTrue(e instanceof InvalidArgumentException || e instanceof NotFoundException, e.toString());
        assertTrue(e.getMessage().contains("sequential/") && e.getMessage().contains("VARIABLE_VALUE"), e.getMessage());
    }

    /** An op type no kernel knows, inside a function of the library, is named before anything is built. */
    @Test
    void anUnknownOpTypeInAFunctionIsUnimplementedNamingIt() throws Exception {
        Path copy = copyOf(caseDir("tf_module_two_signatures").resolve("saved_model"));
        var model = SavedModelFile.read(copy).toBuilder();
        var library = model.getMetaGraphsBuilder(0).getGraphDefBuilder().getLibraryBuilder();
        int f = 0;
        while (!library.getFunction(f).getSignature().getName().startsWith("__inference_predict")) {
            f++;
        }
        var body = library.getFunctionBuilder(f);
        int n = 0;
        while (!body.getNodeDef(n).getOp().equals("MatMul")) {
            n++;
        }
        body.getNodeDefBuilder(n).setOp("FancyMatMul");
        Files.write(copy.resolve(SavedModelFile.PB), model.build().toByteArray());
        UnimplementedException e = assertThrows(UnimplementedException.class,
                () -> SavedModel.load(copy, SavedModel.SERVE));
        assertTrue(e.getMessage().contains("[FancyMatMul]"), e.getMessage());
    }

    /** The tf.Module's object graph as the generator built it: variables w [3, 2], b [2], scale [] and two functions. */
    @Test
    void tf2ObjectGraphDescribesTheModulesVariablesAndFunctions() throws Exception {
        var model = SavedModelFile.read(caseDir("tf_module_two_signatures").resolve("saved_model"));
        var graph = model.getMetaGraphs(0).getObjectGraphDef();
        Map<String, List<Long>> variables = new java.util.TreeMap<>();
        int functions = 0;
        for (var node : graph.getNodesList()) {
            if (node.hasVariable()) {
                var v = node.getVariable();
                assertEquals(dev.tensorgraph.proto.DataType.DT_FLOAT, v.getDtype());
                variables.put(v.getName(), v.getShape().getDimList().stream().map(d -> d.getSize()).toList());
            }
            if (node.hasFunction()) {
                functions++;
                for (String f : node.getFunction().getConcreteFunctionsList()) {
                    assertTrue(graph.containsConcreteFunctions(f), f);
                }
            }
        }
        assertEquals(Map.of("w", List.of(3L, 2L), "b", List.of(2L), "scale", List.of()), variables);
        assertTrue(functions >= 2, "predict and scaled_power: " + functions);
        var root = graph.getNodes(0).getChildrenList().stream().map(c -> c.getLocalName()).toList();
        assertTrue(root.containsAll(List.of("w", "b", "scale", "predict", "scaled_power")), root.toString());
    }

    @Test
    void aMissingTagOrSignatureIsNotFoundListingWhatThereIs() throws Exception {
        Path dir = caseDir("tf1_simple_save").resolve("saved_model");
        NotFoundException tag = assertThrows(NotFoundException.class, () -> SavedModel.load(dir, "train"));
        assertTrue(tag.getMessage().contains("[train]") && tag.getMessage().contains("[serve]"), tag.getMessage());
        try (SavedModel model = SavedModel.load(dir, SavedModel.SERVE)) {
            NotFoundException sig = assertThrows(NotFoundException.class, () -> model.signature("predict"));
            assertTrue(sig.getMessage().contains("'predict'") && sig.getMessage().contains("serving_default"),
                    sig.getMessage());
        }
    }

    @Test
    void badFeedsNameTheSignatureInput() throws Exception {
        Path dir = caseDir("tf1_simple_save").resolve("saved_model");
        try (SavedModel model = SavedModel.load(dir, SavedModel.SERVE)) {
            Signature sig = model.signature("serving_default");
            Tensor ok = Tensor.of(new float[][] {{1, 2, 3, 4}});
            String unknown = assertThrows(InvalidArgumentException.class,
                    () -> sig.call(Map.of("x", ok, "y", ok))).getMessage();
            assertTrue(unknown.contains("'y'") && unknown.contains("[x]"), unknown);
            String missing = assertThrows(InvalidArgumentException.class, () -> sig.call(Map.of())).getMessage();
            assertTrue(missing.contains("input 'x' is missing"), missing);
            String dtype = assertThrows(InvalidArgumentException.class,
                    () -> sig.call(Map.of("x", Tensor.of(new double[][] {{1, 2, 3, 4}})))).getMessage();
            assertTrue(dtype.contains("input 'x' must be float32, got float64"), dtype);
            String shape = assertThrows(InvalidArgumentException.class,
                    () -> sig.call(Map.of("x", Tensor.of(new float[] {1, 2, 3, 4})))).getMessage();
            assertTrue(shape.contains("input 'x' must have shape"), shape);
            assertEquals(Shape.of(1, 3), sig.call(Map.of("x", ok)).get("probs").shape());
        }
    }

    private Path copyOf(Path dir) throws Exception {
        Path copy = tmp.resolve("model");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.toList()) {
                Path to = copy.resolve(dir.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return copy;
    }

    @Test
    void aMissingVariablesFileIsNotFoundNamingIt() throws Exception {
        Path copy = copyOf(caseDir("tf1_simple_save").resolve("saved_model"));
        Files.delete(copy.resolve("variables/variables.data-00000-of-00001"));
        NotFoundException e = assertThrows(NotFoundException.class, () -> SavedModel.load(copy, SavedModel.SERVE));
        assertTrue(e.getMessage().contains("variables.data-00000-of-00001"), e.getMessage());
    }

    @Test
    void aTruncatedOrMissingSavedModelFileIsATypedErrorNamingIt() throws Exception {
        Path copy = copyOf(caseDir("tf1_simple_save").resolve("saved_model"));
        Path pb = copy.resolve("saved_model.pb");
        byte[] bytes = Files.readAllBytes(pb);
        for (int keep : new int[] {bytes.length / 2, bytes.length - 3, 7}) {
            Files.write(pb, java.util.Arrays.copyOf(bytes, keep));
            TensorgraphException e = assertThrows(TensorgraphException.class,
                    () -> SavedModel.load(copy, SavedModel.SERVE));
            assertTrue(e instanceof DataLossException || e instanceof InvalidArgumentException, e.toString());
            assertTrue(e.getMessage().contains("saved_model.pb"), e.getMessage());
        }
        Files.delete(pb);
        NotFoundException e = assertThrows(NotFoundException.class, () -> SavedModel.load(copy, SavedModel.SERVE));
        assertTrue(e.getMessage().contains("saved_model.pb"), e.getMessage());
    }

    @Test
    void signatureTensorsPrintAsSavedModelCliDoes() {
        assertEquals("dtype: DT_FLOAT, shape: (-1, 4), name: x:0",
                new SignatureTensor("x:0", DType.FLOAT32, Shape.of(-1, 4)).toString());
        assertEquals("dtype: DT_INT32, shape: (), name: power:0",
                new SignatureTensor("power:0", DType.INT32, Shape.scalar()).toString());
        assertEquals("unknown_rank", new SignatureTensor("t:0", DType.STRING, Shape.unknown()).shapeText());
    }
}
