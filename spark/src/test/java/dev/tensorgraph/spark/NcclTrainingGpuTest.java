package dev.tensorgraph.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.DType;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.cuda.nccl.NcclCommunicator;
import dev.tensorgraph.ops.train.AdamOptimizer;
import dev.tensorgraph.ops.train.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * NCCL data-parallel training against single-GPU training of the same global batches (20 Adam steps, 1e-5
 * relative): one rank in one process, every GPU of the machine when it has two or more, and one rank as a Spark
 * barrier stage. Skipped without a GPU and the NCCL library.
 */
class NcclTrainingGpuTest {
    private static final int ROWS = 69;
    private static final int BATCH = 7;
    private static final int EPOCHS = 2;
    private static final int STEPS = 20;
    private static final Supplier<Optimizer> ADAM = () -> new AdamOptimizer(1e-2);
    private static float[][] images;
    private static int[] labels;
    private static Map<String, float[]> singleGpu;

    /** Skips the test without NCCL; else makes the data and the single-GPU reference, once. */
    private static synchronized void assumeNccl() {
        String why = NcclCommunicator.unavailableReason();
        Assumptions.assumeTrue(why == null, () -> "NCCL cannot run: " + why);
        if (singleGpu == null) {
            images = TestCnn.images(ROWS, 3);
            labels = TestCnn.labels(ROWS, 4);
            singleGpu = SingleProcessTraining.train(ADAM, images, labels, BATCH, STEPS, SessionOptions.gpu(0));
        }
    }

    private static Map<String, Tensor> data() {
        float[] flat = new float[ROWS * TestCnn.PIXELS];
        for (int i = 0; i < ROWS; i++) {
            System.arraycopy(images[i], 0, flat, i * TestCnn.PIXELS, TestCnn.PIXELS);
        }
        return Map.of(TestCnn.INPUT, Tensor.of(DType.FLOAT32, Shape.of(ROWS, TestCnn.SIDE, TestCnn.SIDE, 1), flat),
                TestCnn.LABELS, Tensor.of(DType.INT32, Shape.of(ROWS), labels));
    }

    @Test
    void oneRankGivesTheSingleGpuResult() {
        assumeNccl();
        // small buckets, so that the gradients travel in several
        TrainingResult r = new MultiGpuTrainer(0).bucketElements(100)
                .fit(data(), TestCnn.buildWithLoss(), TestCnn.LOSS, ADAM.get(), BATCH, EPOCHS);
        assertEquals(STEPS, r.globalStep());
        TrainingAssertions.assertMatches(singleGpu, r);
    }

    @Test
    void everyGpuOfTheMachineGivesTheSingleGpuResult() {
        assumeNccl();
        int gpus = gpuCount();
        Assumptions.assumeTrue(gpus >= 2, "one GPU only");
        int[] all = new int[gpus];
        for (int i = 0; i < gpus; i++) {
            all[i] = i;
        }
        TrainingResult r = new MultiGpuTrainer(all)
                .fit(data(), TestCnn.buildWithLoss(), TestCnn.LOSS, ADAM.get(), BATCH, EPOCHS);
        TrainingAssertions.assertMatches(singleGpu, r);
    }

    @Test
    void aBarrierStageOfOneRankGivesTheSingleGpuResult() {
        assumeNccl();
        SparkSession spark = SparkTestSession.start("NcclTrainingGpuTest");
        try {
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < ROWS; i++) {
                rows.add(RowFactory.create(images[i], labels[i]));
            }
            Dataset<Row> df = spark.createDataFrame(rows, new StructType()
                    .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                    .add("label", DataTypes.IntegerType, false)).coalesce(1);
            TrainingResult r = new BarrierGpuTrainer().ranks(1).feed("pixels", TestCnn.INPUT)
                    .feed("label", TestCnn.LABELS)
                    .fit(df, TestCnn.buildWithLoss(), TestCnn.LOSS, ADAM.get(), BATCH, EPOCHS);
            assertEquals(STEPS, r.globalStep());
            TrainingAssertions.assertMatches(singleGpu, r);
        } finally {
            spark.stop();
        }
    }

    private static int gpuCount() {
        int[] count = new int[1];
        org.bytedeco.cuda.global.cudart.cudaGetDeviceCount(count);
        return count[0];
    }
}
