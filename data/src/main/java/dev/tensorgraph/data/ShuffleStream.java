package dev.tensorgraph.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@link Dataset#shuffle}: tf.data's buffer shuffle. The buffer is filled with the first {@code bufferSize}
 * elements; each output is a uniformly chosen element of the buffer, whose place the next input element takes.
 * A buffer at least as large as the data set gives a uniform permutation.
 */
final class ShuffleStream implements ItemStream {
    private final ItemStream input;
    private final int bufferSize;
    private final SplittableRandom random;
    private final List<Item> buffer = new ArrayList<>();
    private boolean inputEnded;

    ShuffleStream(ItemStream input, int bufferSize, long seed) {
        this.input = input;
        this.bufferSize = bufferSize;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public Item next() {
        while (!inputEnded && buffer.size() < bufferSize) {
            Item in = input.next();
            if (in == null) {
                inputEnded = true;
            } else {
                buffer.add(in);
            }
        }
        if (buffer.isEmpty()) {
            return null;
        }
        int pick = random.nextInt(buffer.size());
        Item out = buffer.get(pick);
        Item last = buffer.remove(buffer.size() - 1);
        if (pick < buffer.size()) {
            buffer.set(pick, last);
        }
        return out;
    }

    @Override
    public void close() {
        buffer.clear();
        input.close();
    }
}
