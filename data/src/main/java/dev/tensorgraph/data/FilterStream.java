package dev.tensorgraph.data;

import dev.tensorgraph.Tensor;
import java.util.Map;
import java.util.function.Predicate;

/** {@link Dataset#filter}: the elements of its input for which the predicate holds. */
final class FilterStream implements ItemStream {
    private final ItemStream input;
    private final Predicate<Map<String, Tensor>> keep;

    FilterStream(ItemStream input, Predicate<Map<String, Tensor>> keep) {
        this.input = input;
        this.keep = keep;
    }

    @Override
    public Item next() {
        for (Item item = input.next(); item != null; item = input.next()) {
            boolean kept;
            try {
                kept = keep.test(item.element());
            } catch (RuntimeException e) {
                throw Failures.rethrowable(e, "filter", item.origin());
            }
            if (kept) {
                return item;
            }
        }
        return null;
    }

    @Override
    public void close() {
        input.close();
    }
}
