package dev.tensorgraph.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.UnimplementedException;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a model path finds its {@link ModelSource}: the built-in ones, one from the class path, and none. */
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

    @Test
    void aSavedModelDirectoryIsUnimplementedNamingIt() throws Exception {
        Path savedModel = Files.createDirectories(dir.resolve("saved_model_dir"));
        Files.write(savedModel.resolve("saved_model.pb"), new byte[0]);
        UnimplementedException e = assertThrows(UnimplementedException.class,
                () -> model(savedModel).transform(data));
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
