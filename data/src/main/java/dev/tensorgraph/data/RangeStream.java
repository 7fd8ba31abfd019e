package dev.tensorgraph.data;

import dev.tensorgraph.Tensor;
import java.util.Map;

/** {@link Dataset#range}: int64 scalars {@code start, start + step, ...} before {@code stop}, as component "value". */
final class RangeStream implements ItemStream {
    private final long stop;
    private final long step;
    private long next;
    private long index;

    RangeStream(long start, long stop, long step) {
        this.next = start;
        this.stop = stop;
        this.step = step;
    }

    @Override
    public Item next() {
        if (step > 0 ? next >= stop : next <= stop) {
            return null;
        }
        long v = next;
        next += step;
        return new Item(Map.of(Dataset.VALUE, Tensor.of(v)), "element " + index++);
    }

    @Override
    public void close() {
        next = stop;
    }
}
