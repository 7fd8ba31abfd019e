package dev.tensorgraph.data;

import static dev.tensorgraph.data.TensorAssert.assertTensorEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transformations' values, compared with what tf.data gives for the same pipeline (its documented
 * examples; the values are spelled out in each test).
 */
class DatasetTest {
    @TempDir
    Path dir;

    static List<Long> values(Dataset ds) {
        List<Long> out = new ArrayList<>();
        for (Map<String, Tensor> e : ds) {
            out.add(e.get(Dataset.VALUE).longValue());
        }
        return out;
    }

    @Test
    void rangeTakeSkipRepeatAndFilter() {
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), values(Dataset.range(5)));
        assertEquals(List.of(1L, 3L, 5L), values(Dataset.range(1, 7, 2)));
        assertEquals(List.of(5L, 3L), values(Dataset.range(5, 1, -2)));
        assertEquals(List.of(2L, 3L), values(Dataset.range(6).skip(2).take(2)));
        assertEquals(List.of(0L, 1L, 2L, 0L, 1L, 2L), values(Dataset.range(3).repeat(2)));
        assertEquals(List.of(0L, 1L, 2L, 0L), values(Dataset.range(3).repeat().take(4)));
        assertEquals(List.of(), values(Dataset.range(0).repeat()));
        assertEquals(List.of(0L, 2L, 4L), values(Dataset.range(6).filter(e -> e.get(Dataset.VALUE).longValue() % 2 == 0)));
    }

    @Test
    void tensorSlicesAndMap() {
        Dataset ds = Dataset.fromTensorSlices(Map.of("x", Tensor.of(new float[][] {{1, 2}, {3, 4}, {5, 6}}),
                "y", Tensor.of(new int[] {7, 8, 9})));
        List<Map<String, Tensor>> all = new ArrayList<>();
        ds.map(e -> Map.of("sum", Tensor.of(e.get("x").floats()[0] + e.get("x").floats()[1] + e.get("y").intValue())))
                .forEach(all::add);
        assertEquals(3, all.size());
        assertEquals(10f, all.get(0).get("sum").floatValue());
        assertEquals(15f, all.get(1).get("sum").floatValue());
        assertEquals(20f, all.get(2).get("sum").floatValue());
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Dataset.fromTensorSlices(
                Map.of("a", Tensor.of(new int[] {1, 2}), "b", Tensor.of(new int[] {1, 2, 3}))));
        assertTrue(e.getMessage().contains("rows"), e.getMessage());
    }

    @Test
    void batchStacksAndKeepsOrDropsTheRemainder() {
        List<Map<String, Tensor>> batches = new ArrayList<>();
        Dataset.range(7).batch(3).forEach(batches::add);
        assertEquals(3, batches.size());
        assertTensorEquals(Tensor.of(new long[] {0, 1, 2}), batches.get(0).get(Dataset.VALUE), "batch 0");
        assertTensorEquals(Tensor.of(new long[] {6}), batches.get(2).get(Dataset.VALUE), "last batch");
        batches.clear();
        Dataset.range(7).batch(3, true).forEach(batches::add);
        assertEquals(2, batches.size());
        Dataset images = Dataset.fromTensorSlices(Tensor.of(new float[][][] {{{1, 2}}, {{3, 4}}, {{5, 6}}}));
        Map<String, Tensor> b = images.batch(2).iterator().next();
        assertTensorEquals(Tensor.of(new float[][][] {{{1, 2}}, {{3, 4}}}), b.get(Dataset.VALUE), "stacked");
    }

    @Test
    void batchOfUnequalShapesNamesTheComponentAndPaddedBatchPads() {
        // tf.data: range(1, 4).map(lambda x: fill([x], x)).padded_batch(2) -> [[1, 0], [2, 2]], [[3, 3, 3]]
        Dataset ragged = Dataset.range(1, 4, 1).map(e -> {
            long x = e.get(Dataset.VALUE).longValue();
            long[] v = new long[(int) x];
            java.util.Arrays.fill(v, x);
            return Map.of("v", Tensor.of(v));
        });
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> ragged.batch(2).iterator().next());
        assertTrue(e.getMessage().contains("'v'") && e.getMessage().contains("paddedBatch"), e.getMessage());
        List<Map<String, Tensor>> padded = new ArrayList<>();
        ragged.paddedBatch(2).forEach(padded::add);
        assertTensorEquals(Tensor.of(new long[][] {{1, 0}, {2, 2}}), padded.get(0).get("v"), "padded batch 0");
        assertTensorEquals(Tensor.of(new long[][] {{3, 3, 3}}), padded.get(1).get("v"), "padded batch 1");
        // padded_batch(2, padded_shapes=[4], padding_values=-1)
        padded.clear();
        ragged.paddedBatch(2, Map.of("v", Shape.of(4)), Map.of("v", Tensor.of(-1L)), false).forEach(padded::add);
        assertTensorEquals(Tensor.of(new long[][] {{1, -1, -1, -1}, {2, 2, -1, -1}}), padded.get(0).get("v"), "to 4");
    }

    @Test
    void paddedBatchPadsEveryDimension() {
        Dataset ds = Dataset.fromTensorSlices(Map.of("i", Tensor.of(new int[] {1, 2}))).map(e -> {
            int n = e.get("i").intValue();
            float[] v = new float[n * (3 - n)];
            for (int k = 0; k < v.length; k++) {
                v[k] = 10 * n + k;
            }
            return Map.of("m", Tensor.of(DType.FLOAT32, Shape.of(n, 3 - n), v));
        });
        Map<String, Tensor> b = ds.paddedBatch(2).iterator().next();
        // [1, 2] -> [[10, 11], [0, 0]] and [2, 1] -> [[20, 0], [21, 0]]
        assertTensorEquals(Tensor.of(new float[][][] {{{10, 11}, {0, 0}}, {{20, 0}, {21, 0}}}), b.get("m"), "2-D pad");
    }

    @Test
    void zipMergesComponentsAndStopsAtTheShortest() {
        Dataset a = Dataset.range(3);
        Dataset b = Dataset.fromTensorSlices(Map.of("w", Tensor.of(new int[] {10, 20})));
        List<Map<String, Tensor>> all = new ArrayList<>();
        Dataset.zip(a, b).forEach(all::add);
        assertEquals(2, all.size());
        assertEquals(1L, all.get(1).get(Dataset.VALUE).longValue());
        assertEquals(20, all.get(1).get("w").intValue());
        assertThrows(InvalidArgumentException.class, () -> Dataset.zip(a, a).iterator().next());
    }

    @Test
    void interleaveCyclesLikeTfData() {
        // tf.data docs: range(1, 6).interleave(lambda x: from_tensors(x).repeat(6), cycle_length=2, block_length=4)
        Dataset ds = Dataset.range(1, 6, 1).interleave(e -> Dataset.fromTensorSlices(Tensor.of(new long[] {
                e.get(Dataset.VALUE).longValue(), e.get(Dataset.VALUE).longValue(), e.get(Dataset.VALUE).longValue(),
                e.get(Dataset.VALUE).longValue(), e.get(Dataset.VALUE).longValue(), e.get(Dataset.VALUE).longValue()})),
                2, 4);
        assertEquals(List.of(1L, 1L, 1L, 1L, 2L, 2L, 2L, 2L, 1L, 1L, 2L, 2L, 3L, 3L, 3L, 3L, 4L, 4L, 4L, 4L, 3L, 3L,
                4L, 4L, 5L, 5L, 5L, 5L, 5L, 5L), values(ds));
    }

    @Test
    void shuffleIsAPermutationFixedBySeedAndEpoch() {
        Dataset ds = Dataset.range(100).shuffle(100, 7);
        List<Long> first = values(ds);
        List<Long> second = values(ds);
        assertEquals(new HashSet<>(values(Dataset.range(100))), new HashSet<>(first));
        assertNotEquals(values(Dataset.range(100)), first);
        assertNotEquals(first, second, "reshuffled each iteration");
        assertEquals(first, values(Dataset.range(100).shuffle(100, 7)), "same seed, same first epoch");
        assertEquals(second, listOf(Dataset.range(100).shuffle(100, 7).iterator(1)), "epoch 1 on its own");
        Dataset fixed = Dataset.range(100).shuffle(100, 7, false);
        assertEquals(values(fixed), values(fixed));
        // A buffer of 1 changes nothing; a small buffer only moves elements a little forward.
        assertEquals(values(Dataset.range(20)), values(Dataset.range(20).shuffle(1, 3)));
        List<Long> local = values(Dataset.range(50).shuffle(4, 3));
        for (int i = 0; i < local.size(); i++) {
            assertTrue(local.get(i) <= i + 3, "element " + local.get(i) + " came out at " + i);
        }
    }

    private static List<Long> listOf(DatasetIterator it) {
        List<Long> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(e -> out.add(e.get(Dataset.VALUE).longValue()));
        }
        return out;
    }

    @Test
    void memoryCacheReadsTheInputOnce() {
        AtomicInteger calls = new AtomicInteger();
        Dataset ds = Dataset.range(4).map(e -> {
            calls.incrementAndGet();
            return e;
        }).cache();
        assertEquals(List.of(0L, 1L, 2L, 3L), values(ds));
        assertEquals(List.of(0L, 1L, 2L, 3L), values(ds));
        assertEquals(4, calls.get());
        // A pass abandoned half-way caches nothing.
        AtomicInteger calls2 = new AtomicInteger();
        Dataset partial = Dataset.range(4).map(e -> {
            calls2.incrementAndGet();
            return e;
        }).cache();
        try (DatasetIterator it = partial.iterator()) {
            it.next();
        }
        assertEquals(List.of(0L, 1L, 2L, 3L), values(partial));
        assertEquals(5, calls2.get());
    }

    @Test
    void fileCacheIsWrittenOnceCompleteAndReadByLaterDatasets() throws Exception {
        Path file = dir.resolve("cache/images.cache");
        AtomicInteger calls = new AtomicInteger();
        Dataset ds = Dataset.fromTensorSlices(Map.of("x", Tensor.of(new float[][] {{1, 2}, {3, 4}}),
                "s", Tensor.of(DType.STRING, Shape.of(2), new byte[][] {"a".getBytes(), "bc".getBytes()}))).map(e -> {
                    calls.incrementAndGet();
                    return e;
                });
        try (DatasetIterator it = ds.cache(file).iterator()) {
            it.next();
        }
        assertFalse(Files.exists(file), "an abandoned pass leaves no cache file");
        List<Map<String, Tensor>> first = new ArrayList<>();
        ds.cache(file).forEach(first::add);
        assertTrue(Files.exists(file));
        int afterWrite = calls.get();
        List<Map<String, Tensor>> again = new ArrayList<>();
        ds.cache(file).forEach(again::add);
        assertEquals(afterWrite, calls.get(), "the second data set read the file, not its input");
        assertEquals(2, again.size());
        for (int i = 0; i < 2; i++) {
            assertTensorEquals(first.get(i).get("x"), again.get(i).get("x"), "x " + i);
            assertTensorEquals(first.get(i).get("s"), again.get(i).get("s"), "s " + i);
        }
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no partial files are left");
        }
    }

    @Test
    void fromIdxGivesImagesAndLabels() throws Exception {
        new Idx(new int[] {2, 2, 3}, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, (byte) 255})
                .write(dir.resolve("x-idx3-ubyte.gz"));
        new Idx(new int[] {2}, new byte[] {4, 9}).write(dir.resolve("y-idx1-ubyte"));
        List<Map<String, Tensor>> all = new ArrayList<>();
        Dataset.fromIdx(dir.resolve("x-idx3-ubyte.gz"), dir.resolve("y-idx1-ubyte")).forEach(all::add);
        assertEquals(2, all.size());
        assertEquals(Shape.of(2, 3), all.get(1).get(Images.IMAGE).shape());
        assertArrayEquals(new byte[] {7, 8, 9, 10, 11, (byte) 255}, all.get(1).get(Images.IMAGE).bytes());
        assertEquals(9, all.get(1).get(ImageFolder.LABEL).intValue());
    }
}
