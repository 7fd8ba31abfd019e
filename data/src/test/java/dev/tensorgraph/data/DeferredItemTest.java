package dev.tensorgraph.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A deferred item (how {@code fromTensorSlices} hands out its rows, so that a shuffle buffer of the whole data set
 * holds markers, not a second copy of the data) is made when a consumer asks, once.
 */
class DeferredItemTest {
    @Test
    void aDeferredItemIsMadeOnFirstUseAndOnce() {
        AtomicInteger made = new AtomicInteger();
        AtomicInteger described = new AtomicInteger();
        Map<String, Tensor> element = Map.of("x", Tensor.of(3f));
        Item item = Item.deferred(() -> {
            made.incrementAndGet();
            return element;
        }, () -> "element " + described.incrementAndGet());
        assertEquals(0, made.get());
        assertSame(element, item.element());
        assertSame(element, item.element());
        assertEquals(1, made.get());
        assertEquals("element 1", item.origin());
        assertEquals("element 1", item.origin());
    }

    /** Batches copied straight from the sliced components equal batches stacked from made elements. */
    @Test
    void batchesOfSlicesEqualBatchesOfMadeElements() {
        int rows = 11;
        float[] images = new float[rows * 6];
        for (int i = 0; i < images.length; i++) {
            images[i] = i * 0.5f;
        }
        byte[][] names = new byte[rows][];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            names[i] = ("n" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            labels[i] = 100 - i;
        }
        Map<String, Tensor> components = new java.util.LinkedHashMap<>();
        components.put("image", Tensor.wrap(DType.FLOAT32, Shape.of(rows, 2, 3), images));
        components.put("name", Tensor.wrap(DType.STRING, Shape.of(rows), names));
        components.put("label", Tensor.wrap(DType.INT32, Shape.of(rows), labels));
        Dataset slices = Dataset.fromTensorSlices(components).shuffle(rows, 5);
        java.util.List<Map<String, Tensor>> direct = new java.util.ArrayList<>();
        slices.batch(4).forEach(direct::add);
        java.util.List<Map<String, Tensor>> made = new java.util.ArrayList<>();
        slices.map(e -> new java.util.LinkedHashMap<>(e)).batch(4).forEach(made::add);
        assertEquals(3, direct.size());
        for (int b = 0; b < direct.size(); b++) {
            for (String key : components.keySet()) {
                Tensor d = direct.get(b).get(key);
                Tensor m = made.get(b).get(key);
                assertEquals(m.shape(), d.shape(), key);
                assertEquals(m.dtype(), d.dtype(), key);
                assertEquals(java.util.Arrays.deepToString(new Object[] {m.array()}),
                        java.util.Arrays.deepToString(new Object[] {d.array()}), key + " of batch " + b);
            }
        }
        assertEquals(Shape.of(4, 2, 3), direct.get(0).get("image").shape());
        assertEquals(Shape.of(3), direct.get(2).get("label").shape());
    }
}
