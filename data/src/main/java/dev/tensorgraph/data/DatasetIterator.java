package dev.tensorgraph.data;

import dev.tensorgraph.Tensor;
import java.lang.ref.Cleaner;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * One pass over a {@link Dataset}. Close it to stop its background threads early; it closes itself when the pass
 * ends (so a for-each loop that runs to the end leaves no thread behind), and an iterator dropped without
 * closing is closed once it has been garbage-collected. An element that failed (an unreadable file, a record that
 * does not match its spec) throws from {@link #hasNext()} or {@link #next()}; the iterator then goes on with the
 * following element.
 */
public final class DatasetIterator implements Iterator<Map<String, Tensor>>, AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Cleaner.Cleanable cleanable;
    private final ItemStream stream;
    private Item pending;
    private boolean ended;

    DatasetIterator(ItemStream stream) {
        this.stream = stream;
        this.cleanable = CLEANER.register(this, stream::close);
    }

    @Override
    public boolean hasNext() {
        if (pending != null) {
            return true;
        }
        if (ended) {
            return false;
        }
        Item item = stream.next();
        if (item == null) {
            close();
            return false;
        }
        pending = item;
        return true;
    }

    @Override
    public Map<String, Tensor> next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the data set has no more elements");
        }
        Map<String, Tensor> e = pending.element();
        pending = null;
        return e;
    }

    /** Stops the pass: its threads end before this returns. Later calls to {@link #hasNext()} return false. */
    @Override
    public void close() {
        ended = true;
        pending = null;
        cleanable.clean();
    }
}
