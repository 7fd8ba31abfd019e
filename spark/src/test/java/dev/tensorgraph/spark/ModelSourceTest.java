package dev.tensorgraph.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.DataLossException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a model path finds its {@link ModelSource}: the built-in ones (a SavedModel directory's included), one from
 * the class path, and none.
 */
class ModelSourceTest {
    private static final int ROWS = 12;
    private static SparkSession spark;
    private static Path prefix;
    private static float[][] images;
    private static Dataset<Row> data;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.start("ModelSourceTest");
        prefix = TestCnn.save(dir.resolve("trained"));
        images = TestCnn.images(ROWS, 5);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(RowFactory.create(i, images[i]));
        }
        data = spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType, false)
                .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false)).repartition(2);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static TensorgraphModel model(Path path) {
        return new TensorgraphModel().setModelPath(path.toString()).setInputCols("pixels").setFeeds(TestCnn.INPUT)
                .setFetches(TestCnn.LOGITS).setOutputCols("logits").setBatchSize(5);
    }

    private static void assertLogits(Dataset<Row> scored) {
        float[][] expected = TestCnn.logits(prefix, images);
        List<Row> rows = scored.select("id", "logits").collectAsList();
        assertEquals(ROWS, rows.size());
        for (Row r : rows) {
            List<Float> got = r.getList(1);
            float[] actual = new float[got.size()];
            for (int k = 0; k < actual.length; k++) {
                actual[k] = got.get(k);
            }
            assertArrayEquals(expected[r.getInt(0)], actual, 1e-5f, "row " + r.getInt(0));
        }
    }

    /** The trained model copied into the layout {@link VariablesDirectorySource} reads. */
    private static Path variablesDirectory() throws Exception {
        Path model = dir.resolve("plugged-in");
        Files.createDirectories(model.resolve("variables"));
        Files.copy(Path.of(prefix + ".meta"), model.resolve("graph.meta"));
        try (var files = Files.list(prefix.getParent())) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith("model.") && !name.endsWith(".meta")) {
                    Files.copy(f, model.resolve("variables/variables" + name.substring("model".length())));
                }
            }
        }
        Files.writeString(model.resolve(VariablesDirectorySource.MARKER), "");
        return model;
    }

    @Test
    void aSourceOnTheClassPathReadsItsDirectoriesAndItsTransformersSaveAndLoad() throws Exception {
        TensorgraphModel m = model(variablesDirectory());
        assertEquals(VariablesDirectorySource.NAME, m.modelFiles().sourceName());
        assertLogits(m.transform(data));
        Path saved = dir.resolve("saved-transformer");
        m.write().overwrite().save(saved.toString());
        assertLogits(TensorgraphModel.load(saved.toString()).transform(data));
    }

    @Test
    void aTrainingDirectoryIsReadThroughItsNewestCheckpoint() {
        TensorgraphModel m = model(prefix.getParent());
        assertEquals("META_GRAPH", m.modelFiles().sourceName());
        assertLogits(m.transform(data));
    }

    /** TensorFlow 2.21's tf.Module SavedModel among the reference cases beside this module, with its signatures. */
    private static Path tf2SavedModelCase() {
        Path caseDir = Path.of("..", "graph-ops", "src", "test", "resources", "tf-cases-2.21", "saved-model",
                "tf_module_two_signatures");
        Assumptions.assumeTrue(Files.isDirectory(caseDir), "the reference cases are beside this module");
        return caseDir;
    }

    /**
     * A SavedModel directory is read by its own source and served by signature key (serving_default's {@code x},
     * or spelled {@code serving_default/y}): a function call over restored variables gives, row by row, the
     * outputs TensorFlow gave for the same inputs (signatures.json); the transformer saves and loads.
     */
    @Test
    void aTensorFlow2SavedModelDirectoryServesItsSignatureByKey() throws Exception {
        Path caseDir = tf2SavedModelCase();
        JsonNode sig = new ObjectMapper().readTree(caseDir.resolve("signatures.json").toFile()).get("serving_default");
        JsonNode x = sig.get("feeds").get("x").get("values");
        JsonNode y = sig.get("expected").get("y").get("values");
        int n = x.size() / 3;
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(RowFactory.create(i, new float[] {x.get(3 * i).floatValue(), x.get(3 * i + 1).floatValue(),
                x.get(3 * i + 2).floatValue()}));
        }
        Dataset<Row> in = spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType, false)
                .add("x", DataTypes.createArrayType(DataTypes.FloatType, false), false));
        TensorgraphModel m = new TensorgraphModel().setModelPath(caseDir.resolve("saved_model").toString())
                .setInputCols("x").setFeeds("x").setFetches("serving_default/y").setOutputCols("y");
        assertEquals("SAVED_MODEL", m.modelFiles().sourceName());
        Path saved = dir.resolve("saved-model-transformer");
        m.write().overwrite().save(saved.toString());
        for (TensorgraphModel t : List.of(m, TensorgraphModel.load(saved.toString()))) {
            List<Row> out = t.transform(in).select("id", "y").collectAsList();
            assertEquals(n, out.size());
            for (Row r : out) {
                List<Float> got = r.getList(1);
                for (int k = 0; k < 2; k++) {
                    float want = y.get(2 * r.getInt(0) + k).floatValue();
                    assertEquals(want, got.get(k), 1e-6 + 1e-5 * Math.abs(want), "row " + r.getInt(0) + " y" + k);
                }
            }
        }
    }

    @Test
    void anUnknownSignatureOrKeyIsNotFoundListingTheModelsOwn() {
        Path savedModel = tf2SavedModelCase().resolve("saved_model");
        NotFoundException sig = assertThrows(NotFoundException.class, () -> new TensorgraphModel()
                .setModelPath(savedModel.toString()).setInputCols("pixels").setFeeds("predict/x").setFetches("y")
                .setOutputCols("y").transform(data));
        assertTrue(sig.getMessage().contains("'predict'") && sig.getMessage().contains("scaled_power"),
                sig.getMessage());
        NotFoundException key = assertThrows(NotFoundException.class, () -> new TensorgraphModel()
                .setModelPath(savedModel.toString()).setInputCols("pixels").setFeeds("images").setFetches("y")
                .setOutputCols("y").transform(data));
        assertTrue(key.getMessage().contains("'images'") && key.getMessage().contains("[x]"), key.getMessage());
    }

    @Test
    void aBrokenSavedModelDirectoryIsDataLossNamingIt() throws Exception {
        Path savedModel = Files.createDirectories(dir.resolve("saved_model_dir"));
        Files.write(savedModel.resolve("saved_model.pb"), new byte[0]);
        DataLossException e = assertThrows(DataLossException.class, () -> model(savedModel).transform(data));
        assertTrue(e.getMessage().contains(savedModel.toString()), e.getMessage());
    }

    @Test
    void aFileOfNoKnownKindIsNotFoundNamingItAndTheSources() throws Exception {
        Path weights = Files.write(dir.resolve("weights.h5"), new byte[] {1});
        NotFoundException e = assertThrows(NotFoundException.class, () -> model(weights).transform(data));
        assertTrue(e.getMessage().contains(weights.toString()) && e.getMessage().contains("META_GRAPH")
                && e.getMessage().contains(VariablesDirectorySource.NAME), e.getMessage());
    }
}
