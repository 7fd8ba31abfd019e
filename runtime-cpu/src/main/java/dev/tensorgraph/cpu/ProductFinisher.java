package dev.tensorgraph.cpu;

/**
 * Work on a finished block of a product's C, done by the thread that computed the block right after it, while
 * the block is still in that core's cache: a dense layer's bias and activation. The blocks of one product are
 * disjoint and cover C; they may be finished on several threads at once.
 */
@FunctionalInterface
interface ProductFinisher {
    /** Rows {@code [r0, r1)} and columns {@code [j0, j1)} of C hold their product. */
    void finish(int r0, int r1, int j0, int j1);
}
