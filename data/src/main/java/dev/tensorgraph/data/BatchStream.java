package dev.tensorgraph.data;

import java.util.ArrayList;
import java.util.List;

/** {@link Dataset#batch} and {@link Dataset#paddedBatch}: groups of {@code size} consecutive elements, stacked. */
final class BatchStream implements ItemStream {
    private final ItemStream input;
    private final int size;
    private final boolean dropRemainder;
    private final Batching.Padding padding;

    BatchStream(ItemStream input, int size, boolean dropRemainder, Batching.Padding padding) {
        this.input = input;
        this.size = size;
        this.dropRemainder = dropRemainder;
        this.padding = padding;
    }

    @Override
    public Item next() {
        List<Item> items = new ArrayList<>(size);
        while (items.size() < size) {
            Item item = input.next();
            if (item == null) {
                break;
            }
            items.add(item);
        }
        if (items.isEmpty() || (dropRemainder && items.size() < size)) {
            return null;
        }
        return Batching.stack(items, padding);
    }

    @Override
    public void close() {
        input.close();
    }
}
