package dev.tensorgraph.data;

import static dev.tensorgraph.data.TensorAssert.assertTensorEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's threads: parallel map and prefetch give the same elements as one thread, random transforms are
 * fixed by (seed, epoch, index) whatever the thread count, a worker's failure surfaces on the consuming thread
 * in its element's place, and no thread outlives its iterator.
 */
class PipelineThreadsTest {
    /** Images 12x10x3 made from the index, shuffled, randomly cropped and flipped, batched. */
    private static Dataset augmented(int threads) {
        return Dataset.range(40).shuffle(40, 9).map((e, c) -> {
            long i = e.get(Dataset.VALUE).longValue();
            float[] px = new float[12 * 10 * 3];
            for (int k = 0; k < px.length; k++) {
                px[k] = i * 1000 + k;
            }
            return Map.of(Images.IMAGE, Tensor.wrap(DType.FLOAT32, Shape.of(12, 10, 3), px), "i", Tensor.of(i));
        }, threads).map(Images.randomCrop(8, 7).andThen(Images.randomFlipLeftRight()), threads).batch(8).prefetch(2);
    }

    private static List<Map<String, Tensor>> all(DatasetIterator it) {
        List<Map<String, Tensor>> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void oneAndFourThreadsGiveTheSameElements() {
        for (long epoch : new long[] {0, 1}) {
            List<Map<String, Tensor>> one = all(augmented(1).iterator(epoch));
            List<Map<String, Tensor>> four = all(augmented(4).iterator(epoch));
            List<Map<String, Tensor>> fourAgain = all(augmented(4).iterator(epoch));
            assertEquals(5, one.size());
            for (int b = 0; b < one.size(); b++) {
                assertTensorEquals(one.get(b).get(Images.IMAGE), four.get(b).get(Images.IMAGE), "batch " + b);
                assertTensorEquals(one.get(b).get("i"), four.get(b).get("i"), "order in batch " + b);
                assertTensorEquals(four.get(b).get(Images.IMAGE), fourAgain.get(b).get(Images.IMAGE), "rerun " + b);
            }
        }
        assertNotEquals(java.util.Arrays.toString(all(augmented(2).iterator(0)).get(0).get("i").longs()),
                java.util.Arrays.toString(all(augmented(2).iterator(1)).get(0).get("i").longs()),
                "another epoch, another order");
    }

    @Test
    void aWorkerFailureIsThrownOnTheConsumerInItsPlace() {
        Dataset ds = Dataset.range(20).map((e, c) -> {
            if (e.get(Dataset.VALUE).longValue() == 13) {
                throw new IllegalStateException("bad pixel");
            }
            return e;
        }, 4).prefetch(3);
        AtomicReference<String> thread = new AtomicReference<>();
        AtomicReference<String> consumer = new AtomicReference<>();
        List<Long> got = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            consumer.set(Thread.currentThread().getName());
            try (DatasetIterator it = ds.iterator()) {
                while (true) {
                    try {
                        if (!it.hasNext()) {
                            break;
                        }
                        got.add(it.next().get(Dataset.VALUE).longValue());
                    } catch (InvalidArgumentException e) {
                        thread.set(Thread.currentThread().getName());
                        assertTrue(e.getMessage().contains("element 13") && e.getMessage().contains("bad pixel"),
                                e.getMessage());
                    }
                }
            }
        });
        assertEquals(consumer.get(), thread.get(), "thrown on the consuming thread");
        assertEquals(19, got.size());
        assertEquals(12L, got.get(12));
        assertEquals(14L, got.get(13));
        List<Long> skipped = DatasetTest.values(Dataset.range(20).map(e -> {
            if (e.get(Dataset.VALUE).longValue() % 5 == 0) {
                throw new InvalidArgumentException("no");
            }
            return e;
        }).ignoreErrors());
        assertEquals(16, skipped.size());
    }

    @Test
    void closingAnIteratorStopsItsThreadsEvenWithAnEndlessInput() {
        Dataset endless = Dataset.range(1).repeat().map(e -> e, 3).prefetch(4).map(e -> e, 2).prefetch(2);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int round = 0; round < 3; round++) {
                DatasetIterator it = endless.iterator();
                for (int i = 0; i < 50; i++) {
                    it.next();
                }
                assertTrue(pipelineThreads() >= 7, "threads while running: " + pipelineThreads());
                it.close();
                assertEquals(0, pipelineThreads(), "threads left after close");
            }
            for (Map<String, Tensor> e : Dataset.range(30).map(x -> x, 3).prefetch(2)) {
                assertTrue(e.containsKey(Dataset.VALUE));
            }
            assertEquals(0, pipelineThreads(), "a for-each loop run to the end leaves no thread");
        });
    }

    private static long pipelineThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("tensorgraph-data-")).count();
    }
}
