package dev.tensorgraph.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.ops.train.AdamOptimizer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark's local-cluster mode: a standalone master and worker in this JVM and two executor JVMs of their own, so
 * the model and the gradients really travel (serialized, broadcast) and an executor can die.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterTest {
    private static final int ROWS = 41;
    private static final int BATCH = 5;
    private static SparkSession spark;
    private static float[][] images;
    private static int[] labels;
    private static Dataset<Row> data;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        // an empty Spark home for the executor launcher (see the surefire configuration)
        Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));
        spark = SparkSession.builder().master("local-cluster[2,1,1024]").appName("LocalClusterTest")
                .config("spark.ui.enabled", "false")
                .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .config("spark.task.maxFailures", "4")
                .getOrCreate();
        images = TestCnn.images(ROWS, 11);
        labels = TestCnn.labels(ROWS, 12);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(RowFactory.create(i, images[i], labels[i]));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
                .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("label", DataTypes.IntegerType, false);
        data = spark.createDataFrame(rows, schema).repartition(4);
        awaitExecutors(2);
    }

    /** Executors register after the session starts; a job started before both have would run on one only. */
    private static void awaitExecutors(int executors) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        // the driver is listed among the executors too
        while (spark.sparkContext().statusTracker().getExecutorInfos().length < executors + 1) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("local-cluster executors did not register within 60 s");
            }
            Thread.sleep(100);
        }
    }

    /** Model loads per executor JVM, from probe jobs repeated until {@code executors} JVMs have answered. */
    private static Map<String, Integer> loadsPerExecutor(int executors) {
        Map<String, Integer> loads = new HashMap<>();
        for (int probe = 0; probe < 10 && loads.size() < executors; probe++) {
            for (String s : spark.range(0, 16, 1, 16).map(
                    (org.apache.spark.api.java.function.MapFunction<Long, String>) x ->
                            ManagementFactory.getRuntimeMXBean().getName() + "=" + ModelCache.loads(),
                    Encoders.STRING()).collectAsList()) {
                loads.put(s.substring(0, s.indexOf('=')), Integer.parseInt(s.substring(s.indexOf('=') + 1)));
            }
        }
        return loads;
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    @Order(1) // before the executor-killing test, whose replacement executor has loaded nothing
    void inferenceOnTwoExecutorsGivesTheSingleProcessResultsAndLoadsOncePerExecutor() {
        Path prefix = TestCnn.save(dir.resolve("model"));
        float[][] expected = TestCnn.logits(prefix, images);
        TensorgraphModel m = new TensorgraphModel().setModelPath(prefix + ".meta").setInputCols("pixels")
                .setFeeds(TestCnn.INPUT).setFetches(TestCnn.LOGITS).setOutputCols("logits").setBatchSize(4);
        for (int pass = 0; pass < 2; pass++) {
            for (Row r : m.transform(data.repartition(6)).select("id", "logits").collectAsList()) {
                List<Float> got = r.getList(1);
                float[] actual = new float[got.size()];
                for (int k = 0; k < actual.length; k++) {
                    actual[k] = got.get(k);
                }
                assertArrayEquals(expected[r.getInt(0)], actual, 1e-5f, "row " + r.getInt(0));
            }
        }
        // every executor JVM that ran tasks loaded the model once for its 6 tasks of two jobs
        Map<String, Integer> loads = loadsPerExecutor(2);
        assertEquals(2, loads.size(), loads.toString());
        assertTrue(loads.values().stream().allMatch(n -> n == 1), loads.toString());
    }

    @Test
    @Order(2)
    void trainingSurvivesAnExecutorThatDiesAndMatchesSingleProcessTraining() {
        Map<String, float[]> reference = SingleProcessTraining.train(() -> new AdamOptimizer(1e-2), images, labels,
                BATCH, 18);
        // the executor running worker 1's step 4 exits, as a killed JVM would, once (a marker file says it did:
        // Spark's retry of a lost stage numbers its task attempts from 0 again)
        String marker = dir.resolve("executor-killed").toString();
        StepFault killExecutor = (step, partition, attempt) -> {
            if (step == 4 && partition == 1 && new java.io.File(marker).createNewFile()) {
                Runtime.getRuntime().halt(1);
            }
        };
        TrainingResult r = new DistributedTrainer().feed("pixels", TestCnn.INPUT).feed("label", TestCnn.LABELS)
                .workers(2).fault(killExecutor)
                .fit(data.orderBy("id"), TestCnn.buildWithLoss(), TestCnn.LOSS, new AdamOptimizer(1e-2), BATCH, 2);
        assertTrue(Files.exists(Path.of(marker)), "the executor was not killed");
        assertEquals(18, r.globalStep());
        TrainingAssertions.assertMatches(reference, r);
    }
}
