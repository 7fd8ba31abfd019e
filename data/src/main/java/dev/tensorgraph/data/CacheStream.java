package dev.tensorgraph.data;

/**
 * The first pass of {@link Dataset#cache()} and {@link Dataset#cache(java.nio.file.Path)}: passes its input
 * through while a {@link Recorder} keeps every item; the recording is completed when the input ends without an
 * element failing, and abandoned when an element fails or the pass is closed early, so that the next pass reads
 * the input again.
 */
final class CacheStream implements ItemStream {
    /** Where a first pass is kept. */
    interface Recorder {
        void record(Item item);

        /** The pass ended with every element recorded. */
        void complete();

        /** The pass failed or stopped early: whatever was recorded is dropped. */
        void abandon();
    }

    private final ItemStream input;
    private Recorder recorder;

    CacheStream(ItemStream input, Recorder recorder) {
        this.input = input;
        this.recorder = recorder;
    }

    @Override
    public Item next() {
        Item item;
        try {
            item = input.next();
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        }
        if (recorder != null) {
            if (item == null) {
                Recorder r = recorder;
                recorder = null;
                r.complete();
            } else {
                recorder.record(item);
            }
        }
        return item;
    }

    private void stop() {
        if (recorder != null) {
            Recorder r = recorder;
            recorder = null;
            r.abandon();
        }
    }

    @Override
    public void close() {
        stop();
        input.close();
    }
}
