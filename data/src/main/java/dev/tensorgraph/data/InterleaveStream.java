package dev.tensorgraph.data;

import dev.tensorgraph.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@link Dataset#interleave}: tf.data's interleave. Up to {@code cycleLength} inner data sets (one per input
 * element, made by {@code fn}) are open at once; {@code blockLength} elements are taken from each in turn, and an
 * exhausted one is replaced by the next input element's.
 */
final class InterleaveStream implements ItemStream {
    private final ItemStream input;
    private final Function<Map<String, Tensor>, Dataset> fn;
    private final int cycleLength;
    private final int blockLength;
    private final long epoch;
    private final List<ItemStream> cycle = new ArrayList<>();
    private boolean inputEnded;
    private int current;
    private int takenFromCurrent;
    private long opened;

    InterleaveStream(ItemStream input, Function<Map<String, Tensor>, Dataset> fn, int cycleLength, int blockLength,
                     long epoch) {
        this.input = input;
        this.fn = fn;
        this.cycleLength = cycleLength;
        this.blockLength = blockLength;
        this.epoch = epoch;
    }

    @Override
    public Item next() {
        while (true) {
            fillCycle();
            if (cycle.isEmpty()) {
                return null;
            }
            if (current >= cycle.size()) {
                current = 0;
            }
            ItemStream s = cycle.get(current);
            Item item = s.next();
            if (item == null) {
                // As in tf.data, the next input element's data set takes the exhausted one's place in the cycle,
                // and reading goes on with the next place.
                s.close();
                ItemStream replacement = openNext();
                if (replacement != null) {
                    cycle.set(current, replacement);
                    current++;
                } else {
                    cycle.remove(current);
                }
                takenFromCurrent = 0;
                continue;
            }
            if (++takenFromCurrent >= blockLength) {
                takenFromCurrent = 0;
                current++;
            }
            return item;
        }
    }

    private void fillCycle() {
        while (cycle.size() < cycleLength) {
            ItemStream s = openNext();
            if (s == null) {
                return;
            }
            cycle.add(s);
        }
    }

    /** The data set of the next input element, opened; null once the input has ended. */
    private ItemStream openNext() {
        if (inputEnded) {
            return null;
        }
        Item outer = input.next();
        if (outer == null) {
            inputEnded = true;
            return null;
        }
        Dataset inner;
        try {
            inner = fn.apply(outer.element());
        } catch (RuntimeException e) {
            throw Failures.rethrowable(e, "interleave", outer.origin());
        }
        return inner.open(Seeds.mix(epoch, opened++));
    }

    @Override
    public void close() {
        for (ItemStream s : cycle) {
            s.close();
        }
        cycle.clear();
        input.close();
    }
}
