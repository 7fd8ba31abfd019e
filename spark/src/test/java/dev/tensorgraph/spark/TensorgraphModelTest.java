package dev.tensorgraph.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.ops.Tf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
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

class TensorgraphModelTest {
    private static final int ROWS = 50;
    private static SparkSession spark;
    private static Path prefix;
    private static float[][] images;
    private static float[][] expected;
    private static Dataset<Row> data;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.start("TensorgraphModelTest");
        prefix = TestCnn.save(dir);
        images = TestCnn.images(ROWS, 1);
        expected = TestCnn.logits(prefix, images);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(RowFactory.create(i, images[i]));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
                .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        data = spark.createDataFrame(rows, schema).repartition(3);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static TensorgraphModel model() {
        return new TensorgraphModel().setModelPath(prefix + ".meta").setInputCols("pixels").setFeeds(TestCnn.INPUT)
                .setFetches(TestCnn.LOGITS).setOutputCols("logits").setBatchSize(16).setDevice("cpu");
    }

    private static void assertLogits(Dataset<Row> scored) {
        List<Row> rows = scored.select("id", "logits").collectAsList();
        assertEquals(ROWS, rows.size());
        for (Row r : rows) {
            int id = r.getInt(0);
            List<Float> got = r.getList(1);
            float[] actual = new float[got.size()];
            for (int k = 0; k < actual.length; k++) {
                actual[k] = got.get(k);
            }
            assertArrayEquals(expected[id], actual, 1e-5f, "row " + id);
        }
    }

    @Test
    void transformGivesTheLogitsOfOnePlainSessionRun() {
        Dataset<Row> scored = model().transform(data);
        assertEquals(DataTypes.createArrayType(DataTypes.FloatType, false), scored.schema().apply("logits").dataType());
        assertLogits(scored);
    }

    @Test
    void eachExecutorJvmLoadsTheModelOnceForAllTasks() {
        TensorgraphModel m = model();
        int before = ModelCache.loads();
        assertLogits(m.transform(data));
        assertLogits(m.transform(data.repartition(5)));
        // local mode: the driver is the only executor JVM, so one load for 3 + 5 tasks over two jobs
        assertTrue(ModelCache.loads() - before <= 1, "loads: " + (ModelCache.loads() - before));
    }

    @Test
    void runsInAPipelineThatSavesAndLoads() throws Exception {
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {model()});
        PipelineModel fitted = pipeline.fit(data);
        Path saved = dir.resolve("pipeline");
        fitted.write().overwrite().save(saved.toString());
        PipelineModel loaded = PipelineModel.load(saved.toString());
        assertLogits(loaded.transform(data));
        TensorgraphModel stage = (TensorgraphModel) loaded.stages()[0];
        assertEquals(16, stage.getBatchSize());
    }

    /**
     * A frozen GraphDef whose output for each row is the number of rows in its session run, so the batches the
     * transformer makes can be seen: one partition of 50 rows in batches of 16 runs 16, 16, 16 and 2 rows.
     */
    @Test
    void rowsRunInBatchesOfBatchSize() throws Exception {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1), "x");
        tf.add(tf.zerosLike(x), tf.cast(tf.size(x), DType.FLOAT32), "rows_in_run");
        Path graphFile = dir.resolve("batch-size.pb");
        Files.write(graphFile, g.toGraphDef());
        TensorgraphModel m = new TensorgraphModel().setModelPath(graphFile.toString()).setInputCols("value")
                .setFeeds("x").setFetches("rows_in_run").setOutputCols("rows_in_run").setBatchSize(16);
        Dataset<Row> one = data.coalesce(1).withColumn("value", org.apache.spark.sql.functions.lit(1.0f));
        List<Float> runs = new ArrayList<>();
        for (Row r : m.transform(one).select("rows_in_run").collectAsList()) {
            runs.add(r.getFloat(0));
        }
        List<Float> expected = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            expected.add(i < 48 ? 16f : 2f);
        }
        assertEquals(expected, runs);
        assertThrows(IllegalArgumentException.class, () -> m.setBatchSize(0));
    }

    @Test
    void aModelPathWithNoModelIsNotFoundNamingIt() {
        Path missing = dir.resolve("no-such-model.meta");
        TensorgraphModel m = model().setModelPath(missing.toString());
        NotFoundException e = assertThrows(NotFoundException.class, () -> m.transform(data));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void aMissingColumnIsNotFoundNamingIt() {
        TensorgraphModel m = model().setInputCols("image");
        NotFoundException e = assertThrows(NotFoundException.class, () -> m.transformSchema(data.schema()));
        assertTrue(e.getMessage().contains("'image'") && e.getMessage().contains("pixels"), e.getMessage());
    }

    @Test
    void aColumnOfTheWrongKindIsRefusedNamingIt() {
        Dataset<Row> withText = data.withColumn("text", org.apache.spark.sql.functions.lit("x"));
        TensorgraphModel m = model().setInputCols("text");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> m.transform(withText));
        assertTrue(e.getMessage().contains("'text'") && e.getMessage().contains("images"), e.getMessage());
    }

    @Test
    void anUnknownFeedIsNotFoundListingThePlaceholders() {
        TensorgraphModel m = model().setFeeds("image");
        NotFoundException e = assertThrows(NotFoundException.class, () -> m.transform(data));
        assertTrue(e.getMessage().contains("'image'") && e.getMessage().contains("images (float32"), e.getMessage());
    }
}
