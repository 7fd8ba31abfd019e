package dev.tensorgraph.data;

import dev.tensorgraph.errors.CancelledException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link Dataset#map} on worker threads, with results handed out in input order. Element i is given the context
 * (epoch, i) whichever thread runs it, so the output does not depend on the number of threads or on scheduling.
 * At most {@code capacity} elements are pulled ahead of the consumer. Workers take turns pulling from the input,
 * so the input is only ever read by one thread at a time; a failure is kept in the failed element's place and
 * thrown when the consumer reaches it. The workers are daemon threads named {@code tensorgraph-data-map-*};
 * {@link #close()} interrupts and joins them before closing the input.
 */
final class ParallelMapStream implements ItemStream {
    private static final AtomicInteger STREAMS = new AtomicInteger();

    /** An element's outcome: the item, or what its transform threw. */
    private record Outcome(Item item, Throwable failure, String origin) {}

    private final ItemStream input;
    private final Transform fn;
    private final long epoch;
    private final Semaphore room;
    private final Thread[] workers;
    private final Object pullLock = new Object();
    private final Object lock = new Object();
    private final Map<Long, Outcome> done = new HashMap<>();
    // guarded by pullLock
    private long nextToPull;
    private boolean inputEnded;
    // guarded by lock
    private long nextToDeliver;
    private long end = Long.MAX_VALUE;
    private boolean closed;

    ParallelMapStream(ItemStream input, Transform fn, long epoch, int threads) {
        this.input = input;
        this.fn = fn;
        this.epoch = epoch;
        this.room = new Semaphore(2 * threads);
        this.workers = new Thread[threads];
        int id = STREAMS.incrementAndGet();
        for (int i = 0; i < threads; i++) {
            workers[i] = Threads.start("tensorgraph-data-map-" + id + "-" + i, this::work);
        }
    }

    private void work() {
        try {
            while (true) {
                room.acquire();
                long index;
                Item in;
                Throwable pullFailure = null;
                synchronized (pullLock) {
                    if (inputEnded || Thread.currentThread().isInterrupted()) {
                        return;
                    }
                    index = nextToPull++;
                    try {
                        in = input.next();
                    } catch (RuntimeException | Error e) {
                        in = null;
                        pullFailure = e;
                    }
                    if (in == null && pullFailure == null) {
                        inputEnded = true;
                        finish(index, null);
                        return;
                    }
                }
                Outcome outcome;
                if (pullFailure != null) {
                    outcome = new Outcome(null, pullFailure, "element " + index);
                } else {
                    try {
                        outcome = new Outcome(MapStream.apply(fn, in, epoch, index), null, in.origin());
                    } catch (RuntimeException | Error e) {
                        outcome = new Outcome(null, e, in.origin());
                    }
                }
                finish(index, outcome);
            }
        } catch (InterruptedException e) {
            // closed: exit quietly
        }
    }

    /** Records element {@code index}'s outcome, or (outcome null) that the input ended before it. */
    private void finish(long index, Outcome outcome) {
        synchronized (lock) {
            if (outcome == null) {
                end = index;
            } else if (!closed) {
                done.put(index, outcome);
            }
            lock.notifyAll();
        }
    }

    @Override
    public Item next() {
        Outcome o;
        synchronized (lock) {
            while (true) {
                if (closed || nextToDeliver >= end) {
                    return null;
                }
                o = done.remove(nextToDeliver);
                if (o != null) {
                    nextToDeliver++;
                    break;
                }
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancelledException("interrupted while waiting for the map workers", e);
                }
            }
        }
        room.release();
        if (o.failure() != null) {
            throw Failures.rethrowable(o.failure(), "map", o.origin());
        }
        return o.item();
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            done.clear();
            lock.notifyAll();
        }
        for (Thread w : workers) {
            w.interrupt();
        }
        Threads.joinAll(workers);
        input.close();
    }
}
