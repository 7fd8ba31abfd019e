package dev.tensorgraph.data;

import dev.tensorgraph.FeedStaging;
import dev.tensorgraph.Output;
import dev.tensorgraph.StagedFeed;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * {@link Dataset#prefetchToDevice}: a {@link PrefetchStream} whose thread, after reading each element, starts the
 * copies of its named components to the session's device ({@link FeedStaging}), so the next batches travel while
 * the consumer's current step computes. The consumer gets the elements unchanged, in order; a run that feeds one of
 * them finds its copy on the device. Staging errors (a component of the wrong shape or dtype, naming the
 * placeholder) take the element's place, as any error of the input does. The copies of an element are given back
 * (where no run took them) when the consumer takes the next one, and all that are left when the stream closes.
 */
final class DevicePrefetchStream implements ItemStream {
    /** An element read ahead and the copies started for it. */
    private record Staged(Item item, List<StagedFeed> copies) {}

    private final ConcurrentLinkedQueue<Staged> ahead = new ConcurrentLinkedQueue<>();
    private final PrefetchStream prefetch;
    private List<StagedFeed> current = List.of();

    DevicePrefetchStream(ItemStream input, int size, FeedStaging staging, Map<String, Output> feeds) {
        this.prefetch = new PrefetchStream(new StagingStream(input, staging, feeds), size);
    }

    /** Runs on the prefetch thread: stages each element's named components, in the order it reads them. */
    private final class StagingStream implements ItemStream {
        private final ItemStream input;
        private final FeedStaging staging;
        private final Map<String, Output> feeds;

        StagingStream(ItemStream input, FeedStaging staging, Map<String, Output> feeds) {
            this.input = input;
            this.staging = staging;
            this.feeds = feeds;
        }

        @Override
        public Item next() {
            Item item = input.next();
            if (item == null) {
                return null;
            }
            List<StagedFeed> copies = new ArrayList<>(feeds.size());
            try {
                for (Map.Entry<String, Output> f : feeds.entrySet()) {
                    Tensor value = item.element().get(f.getKey());
                    if (value == null) {
                        throw new InvalidArgumentException("prefetchToDevice: " + item.origin() + " has no component '"
                                + f.getKey() + "' to feed '" + f.getValue().name() + "' (it has "
                                + item.element().keySet() + ")");
                    }
                    copies.add(staging.stage(f.getValue(), value));
                }
            } catch (RuntimeException | Error e) {
                copies.forEach(StagedFeed::close);
                throw e;
            }
            ahead.add(new Staged(item, copies));
            return item;
        }

        @Override
        public void close() {
            input.close();
        }
    }

    @Override
    public Item next() {
        release(current);
        current = List.of();
        Item item = prefetch.next();
        if (item == null) {
            return null;
        }
        Staged s = ahead.poll();
        if (s == null || s.item() != item) {
            throw new IllegalStateException("prefetchToDevice: staged copies out of step with the elements");
        }
        current = s.copies();
        return item;
    }

    @Override
    public void close() {
        prefetch.close();
        release(current);
        current = List.of();
        for (Staged s = ahead.poll(); s != null; s = ahead.poll()) {
            release(s.copies());
        }
    }

    private static void release(List<StagedFeed> copies) {
        copies.forEach(StagedFeed::close);
    }
}
