package dev.tensorgraph.data;

/**
 * Derives independent 64-bit seeds from (seed, epoch, index) tuples with SplitMix64's finalizer, so that the
 * random numbers an element gets depend on its position in the data set only, never on which thread ran it.
 */
final class Seeds {
    private Seeds() {}

    /** A well-mixed combination of {@code a} and {@code b}; distinct pairs give unrelated values. */
    static long mix(long a, long b) {
        return finish(finish(a) + 0x9e3779b97f4a7c15L * (b + 1));
    }

    static long mix(long a, long b, long c) {
        return mix(mix(a, b), c);
    }

    private static long finish(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
