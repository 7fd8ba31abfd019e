package dev.tensorgraph.data;

import java.util.List;

/** The items of a list, in order: a cached pass replayed. */
final class ListStream implements ItemStream {
    private final List<Item> items;
    private int next;

    ListStream(List<Item> items) {
        this.items = items;
    }

    @Override
    public Item next() {
        return next < items.size() ? items.get(next++) : null;
    }

    @Override
    public void close() {
        next = items.size();
    }
}
