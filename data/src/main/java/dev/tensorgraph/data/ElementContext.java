package dev.tensorgraph.data;

import java.util.SplittableRandom;

/**
 * What a {@link Transform} knows about the element it is given: the pass over the data set ({@code epoch}), the
 * element's position in that pass ({@code index}, counted where the transform is applied), and where it came
 * from ({@code origin}, e.g. a file name, for error messages). {@link #random(long)} gives the element its own
 * random numbers, derived from (seed, epoch, index) alone, so that a random transform gives the same result on
 * every run and with any number of threads.
 */
public final class ElementContext {
    private final long epoch;
    private final long index;
    private final String origin;

    public ElementContext(long epoch, long index, String origin) {
        this.epoch = epoch;
        this.index = index;
        this.origin = origin;
    }

    public long epoch() {
        return epoch;
    }

    public long index() {
        return index;
    }

    /** Where the element came from, as error messages should name it. */
    public String origin() {
        return origin;
    }

    /** A generator for this element and {@code seed}: the same numbers for the same (seed, epoch, index). */
    public SplittableRandom random(long seed) {
        return new SplittableRandom(Seeds.mix(seed, epoch, index));
    }
}
