package dev.tensorgraph.cpu;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A range cut into one contiguous share per thread, as {@link Parallel#forRange} cuts it, where a thread that has
 * finished its own share takes work from the far end of another's. Each thread works through its share from the
 * front in chunks, so when the cores are equally fast every index runs where the static split would put it (and
 * a kernel keeps its data on the core that used it last time); when one core is slower, because the host gives it
 * less time or it shares a physical core, the other takes over the rest of its share instead of waiting for it.
 * On this project's 2-core virtual machine one core often ran a product's half 10-15% slower than the other:
 * W2's product then waited about 0.6 ms a run for the slower half.
 *
 * <p>A share's state is one long, its front in the high half and its end in the low half, so that the owner
 * taking from the front and a thief taking from the end can never claim the same index.
 */
final class StealingRange {
    private final AtomicLongArray shares;
    private final int grain;
    private final Parallel.RangeBody body;

    private StealingRange(int n, int parts, int grain, Parallel.RangeBody body) {
        this.shares = new AtomicLongArray(parts);
        for (int p = 0; p < parts; p++) {
            shares.set(p, pack((int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts)));
        }
        this.grain = grain;
        this.body = body;
    }

    /** See {@link Parallel#forChunks}. */
    static void run(int n, int threads, int grain, Parallel.RangeBody body) {
        // As many shares as forRange makes, whatever the grain: a share shorter than two grains is taken in halves.
        int parts = Math.max(1, Math.min(threads, n));
        if (parts == 1) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        StealingRange range = new StealingRange(n, parts, Math.max(1, grain), body);
        Parallel.forRange(parts, parts, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                range.work(p);
            }
        });
    }

    /** Share {@code own} from its front, then the other shares from their ends, until nothing is left. */
    private void work(int own) {
        while (take(own, false)) {
            // the chunk has run
        }
        int parts = shares.length();
        for (int i = 1; i < parts; i++) {
            int victim = (own + i) % parts;
            while (take(victim, true)) {
                // the chunk has run
            }
        }
    }

    /**
     * Claims and runs a chunk of share {@code p}. From the front, the owner takes a grain, or half of what is left
     * when that is less than two grains, so that the last chunks of a share are small enough to be shared out
     * evenly; from the end, a thief takes half of what is left, at most a grain.
     */
    private boolean take(int p, boolean fromEnd) {
        while (true) {
            long state = shares.get(p);
            int front = front(state);
            int end = end(state);
            if (front >= end) {
                return false;
            }
            int left = end - front;
            int size = fromEnd ? Math.min(grain, Math.max(1, left / 2))
                    : left >= 2 * grain ? grain : Math.max(1, (left + 1) / 2);
            int start = fromEnd ? end - size : front;
            long claimed = fromEnd ? pack(front, start) : pack(front + size, end);
            if (shares.compareAndSet(p, state, claimed)) {
                body.run(start, start + size);
                return true;
            }
        }
    }

    private static long pack(int front, int end) {
        return ((long) front << 32) | (end & 0xFFFFFFFFL);
    }

    private static int front(long state) {
        return (int) (state >>> 32);
    }

    private static int end(long state) {
        return (int) state;
    }
}
