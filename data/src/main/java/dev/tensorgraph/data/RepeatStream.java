package dev.tensorgraph.data;

import java.util.function.LongFunction;

/**
 * {@link Dataset#repeat}: opens its input again each time it ends, {@code count} times in all (forever when
 * negative). Pass r of pass {@code epoch} opens the input as its own pass, so a shuffle under it reshuffles.
 */
final class RepeatStream implements ItemStream {
    private final LongFunction<ItemStream> open;
    private final long count;
    private final long epoch;
    private long pass;
    private ItemStream current;
    private boolean passHadElements;

    RepeatStream(LongFunction<ItemStream> open, long count, long epoch) {
        this.open = open;
        this.count = count;
        this.epoch = epoch;
    }

    @Override
    public Item next() {
        while (count < 0 || pass < count) {
            if (current == null) {
                current = open.apply(Seeds.mix(epoch, pass));
                passHadElements = false;
            }
            Item item = current.next();
            if (item != null) {
                passHadElements = true;
                return item;
            }
            current.close();
            current = null;
            pass++;
            if (!passHadElements && count < 0) {
                // An empty input repeated forever would spin without end.
                return null;
            }
        }
        return null;
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
