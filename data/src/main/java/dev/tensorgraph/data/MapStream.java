package dev.tensorgraph.data;

import dev.tensorgraph.Tensor;
import java.util.Map;

/** {@link Dataset#map} on the consuming thread: element i of the pass gets context (epoch, i). */
final class MapStream implements ItemStream {
    private final ItemStream input;
    private final Transform fn;
    private final long epoch;
    private long index;

    MapStream(ItemStream input, Transform fn, long epoch) {
        this.input = input;
        this.fn = fn;
        this.epoch = epoch;
    }

    @Override
    public Item next() {
        Item in = input.next();
        if (in == null) {
            return null;
        }
        return apply(fn, in, epoch, index++);
    }

    /** Applies {@code fn} to element {@code index} of pass {@code epoch}; failures name the element's origin. */
    static Item apply(Transform fn, Item in, long epoch, long index) {
        Map<String, Tensor> out;
        try {
            out = fn.apply(in.element(), new ElementContext(epoch, index, in.origin()));
        } catch (RuntimeException e) {
            throw Failures.rethrowable(e, "map", in.origin());
        }
        if (out == null) {
            throw Failures.rethrowable(new NullPointerException("the map function returned null"), "map", in.origin());
        }
        return new Item(out, in.origin());
    }

    @Override
    public void close() {
        input.close();
    }
}
