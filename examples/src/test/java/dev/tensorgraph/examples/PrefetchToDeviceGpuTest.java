package dev.tensorgraph.examples;

import static dev.tensorgraph.examples.GpuAssumption.assumeGpu;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.FeedStaging;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.StagedFeed;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.Variable;
import dev.tensorgraph.data.Dataset;
import dev.tensorgraph.ops.Tf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code Dataset.prefetchToDevice} on GPU 0 (skipped without one): 10 batches of 4 MiB, staged on the pipeline's
 * thread, each added once into a variable by a run that fetches nothing; the sum is exact (small integers), and
 * every run but the one that records the plan's device work took its batch's staged copy.
 */
class PrefetchToDeviceGpuTest {
    private static final int ROWS = 16;
    private static final int WIDTH = 1 << 16; // a batch of 16 rows: 4 MiB of float32

    @Test
    void batchesStagedByThePipelineLandOnceEach() {
        assumeGpu();
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(-1, WIDTH), "x");
        Variable acc = tf.variable(tf.constant(Tensor.of(DType.FLOAT32, Shape.of(WIDTH), new float[WIDTH])), "acc");
        Operation add = acc.assignAdd(tf.reduceSum(x, new int[] {0})).op();
        float[] rows = new float[10 * ROWS * WIDTH];
        float[] want = new float[WIDTH];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (i * 7) % 31 - 15;
            want[i % WIDTH] += rows[i];
        }
        Dataset batches = Dataset.fromTensorSlices(Map.of("image", Tensor.wrap(DType.FLOAT32,
                Shape.of(10 * ROWS, WIDTH), rows))).batch(ROWS);
        List<StagedFeed> copies = new ArrayList<>();
        try (Session s = new Session(g, SessionOptions.gpu(0))) {
            FeedStaging counting = (fed, value) -> {
                StagedFeed c = s.stageFeed(fed, value);
                synchronized (copies) {
                    copies.add(c);
                }
                return c;
            };
            s.run(acc.initializer());
            for (Map<String, Tensor> b : batches.prefetchToDevice(2, counting, Map.of("image", x))) {
                s.runner().feed(x, b.get("image")).target(add).run();
            }
            assertArrayEquals(want, s.run(acc.value()).floats(), 0f);
        }
        assertEquals(10, copies.size());
        assertTrue(copies.stream().allMatch(StagedFeed::staged), "4 MiB batches are staged");
        long used = copies.stream().filter(StagedFeed::used).count();
        assertTrue(used >= 9, used + " of 10 runs took their staged copy");
    }
}
