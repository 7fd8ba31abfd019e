package dev.tensorgraph.data;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The first pass of {@link Dataset#cache()}: reads its input and records every item; when the input ends without
 * an element failing, hands the whole list to {@code complete}. A pass closed early or with a failed element
 * records nothing, so the next pass reads the input again.
 */
final class CacheStream implements ItemStream {
    private final ItemStream input;
    private final Consumer<List<Item>> complete;
    private List<Item> recorded = new ArrayList<>();

    CacheStream(ItemStream input, Consumer<List<Item>> complete) {
        this.input = input;
        this.complete = complete;
    }

    @Override
    public Item next() {
        Item item;
        try {
            item = input.next();
        } catch (RuntimeException | Error e) {
            recorded = null;
            throw e;
        }
        if (recorded != null) {
            if (item == null) {
                complete.accept(List.copyOf(recorded));
                recorded = null;
            } else {
                recorded.add(item);
            }
        }
        return item;
    }

    @Override
    public void close() {
        recorded = null;
        input.close();
    }
}
