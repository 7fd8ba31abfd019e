package dev.tensorgraph.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.ops.Saver;
import dev.tensorgraph.ops.train.AdamOptimizer;
import dev.tensorgraph.ops.train.GradientDescentOptimizer;
import dev.tensorgraph.ops.train.Optimizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
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

class DistributedTrainerTest {
    /**
     * 69 rows in batches of 7: 10 steps an epoch, the last of 6 rows; two epochs make the 20 steps compared. Two
     * workers get 4 and 3 rows of most batches, so the shards' gradients must be weighted by their sizes.
     */
    private static final int ROWS = 69;
    private static final int BATCH = 7;
    private static final int EPOCHS = 2;
    private static final int STEPS = 20;
    private static final Supplier<Optimizer> ADAM = () -> new AdamOptimizer(1e-2);
    /** Faults injected (local mode: the tasks run in this JVM). */
    private static final AtomicInteger FAULTS = new AtomicInteger();

    private static SparkSession spark;
    private static float[][] images;
    private static int[] labels;
    private static Dataset<Row> data;
    private static Map<String, float[]> adamReference;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.start("DistributedTrainerTest");
        images = TestCnn.images(ROWS, 3);
        labels = TestCnn.labels(ROWS, 4);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(RowFactory.create(images[i], (double) labels[i]));
        }
        StructType schema = new StructType()
                .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("label", DataTypes.DoubleType, false);
        // three input partitions, dealt out to two workers
        data = spark.createDataFrame(rows, schema).coalesce(3);
        adamReference = SingleProcessTraining.train(ADAM, images, labels, BATCH, STEPS);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static DistributedTrainer trainer() {
        return new DistributedTrainer().feed("pixels", TestCnn.INPUT).feed("label", TestCnn.LABELS).workers(2);
    }

    @Test
    void twoWorkersMatchSingleProcessAdamAfterTwentySteps() {
        TrainingResult r = trainer().fit(data, TestCnn.buildWithLoss(), TestCnn.LOSS, ADAM.get(), BATCH, EPOCHS);
        assertEquals(STEPS, r.globalStep());
        assertEquals(STEPS, r.losses().size());
        TrainingAssertions.assertMatches(adamReference, r);
    }

    @Test
    void twoWorkersMatchSingleProcessGradientDescent() {
        Supplier<Optimizer> sgd = () -> new GradientDescentOptimizer(0.1);
        Map<String, float[]> reference = SingleProcessTraining.train(sgd, images, labels, BATCH, STEPS);
        TrainingAssertions.assertMatches(reference, trainer().fit(data, TestCnn.buildWithLoss(), TestCnn.LOSS, sgd.get(), BATCH, EPOCHS));
    }

    @Test
    void aFailedTaskIsRetriedAndTrainingEndsTheSame() {
        // worker 1's first attempt at step 5 fails; Spark runs it again
        StepFault failOnce = (step, partition, attempt) -> {
            if (step == 5 && partition == 1 && attempt == 0) {
                FAULTS.incrementAndGet();
                throw new IllegalStateException("injected failure of step 5 on worker 1");
            }
        };
        int before = FAULTS.get();
        TrainingResult r = trainer().fault(failOnce).fit(data, TestCnn.buildWithLoss(), TestCnn.LOSS, ADAM.get(),
                BATCH, EPOCHS);
        assertEquals(1, FAULTS.get() - before);
        TrainingAssertions.assertMatches(adamReference, r);
    }

    @Test
    void trainingResumesFromTheDriversCheckpointAfterAFailure() {
        // every attempt at step 13 fails, so the job and fit fail; checkpoints were written after steps 5 and 10
        StepFault stuck = (step, partition, attempt) -> {
            if (step == 13) {
                throw new IllegalStateException("injected failure of step 13");
            }
        };
        Path ckpt = dir.resolve("ckpt");
        assertThrows(Exception.class, () -> trainer().checkpointDir(ckpt).checkpointEvery(5).fault(stuck)
                .fit(data, TestCnn.buildWithLoss(), TestCnn.LOSS, ADAM.get(), BATCH, EPOCHS));
        Path latest = Saver.latestCheckpoint(ckpt);
        assertNotNull(latest);
        assertEquals("model-10", latest.getFileName().toString());
        TrainingResult resumed = trainer().checkpointDir(ckpt).checkpointEvery(5)
                .fit(data, TestCnn.buildWithLoss(), TestCnn.LOSS, ADAM.get(), BATCH, EPOCHS);
        assertEquals(10, resumed.firstStep());
        assertEquals(10, resumed.losses().size());
        assertEquals(STEPS, resumed.globalStep());
        assertEquals("model-20", resumed.lastCheckpoint().getFileName().toString());
        TrainingAssertions.assertMatches(adamReference, resumed);
    }
}
