package dev.tensorgraph.data;

/** {@link Dataset#take} and {@link Dataset#skip}: the elements of its input from {@code skip} on, at most {@code take} of them. */
final class TakeSkipStream implements ItemStream {
    private final ItemStream input;
    private final long take;
    private long toSkip;
    private long taken;

    /** {@code take} negative: no limit. */
    TakeSkipStream(ItemStream input, long skip, long take) {
        this.input = input;
        this.toSkip = skip;
        this.take = take;
    }

    @Override
    public Item next() {
        while (toSkip > 0) {
            toSkip--;
            if (input.next() == null) {
                toSkip = 0;
                return null;
            }
        }
        if (take >= 0 && taken >= take) {
            return null;
        }
        Item item = input.next();
        if (item != null) {
            taken++;
        }
        return item;
    }

    @Override
    public void close() {
        input.close();
    }
}
