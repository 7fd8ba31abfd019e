package dev.tensorgraph.data;

import dev.tensorgraph.errors.CancelledException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link Dataset#prefetch}: a daemon thread ({@code tensorgraph-data-prefetch-*}) reads up to {@code size}
 * elements ahead into a bounded queue. What the input throws is queued in its place and rethrown to the
 * consumer, and the thread goes on with the next element. {@link #close()} interrupts and joins the thread.
 */
final class PrefetchStream implements ItemStream {
    private static final AtomicInteger STREAMS = new AtomicInteger();
    private static final Object END = new Object();

    private final ItemStream input;
    private final BlockingQueue<Object> queue;
    private final Thread thread;
    private volatile boolean closed;
    private boolean ended;

    PrefetchStream(ItemStream input, int size) {
        this.input = input;
        this.queue = new ArrayBlockingQueue<>(size);
        this.thread = Threads.start("tensorgraph-data-prefetch-" + STREAMS.incrementAndGet(), this::fill);
    }

    private void fill() {
        try {
            while (!closed) {
                Object next;
                try {
                    Item item = input.next();
                    next = item == null ? END : item;
                } catch (RuntimeException | Error e) {
                    next = e;
                }
                queue.put(next);
                if (next == END) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    @Override
    public Item next() {
        if (ended || closed) {
            return null;
        }
        Object next;
        try {
            next = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException("interrupted while waiting for prefetched elements", e);
        }
        if (next == END) {
            ended = true;
            return null;
        }
        if (next instanceof RuntimeException e) {
            throw e;
        }
        if (next instanceof Error e) {
            throw e;
        }
        return (Item) next;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        thread.interrupt();
        Threads.joinAll(thread);
        queue.clear();
        input.close();
    }
}
