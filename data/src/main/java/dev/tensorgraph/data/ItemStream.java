package dev.tensorgraph.data;

/**
 * One running pass over a dataset. {@link #next()} returns the next item, or null once the pass has ended (and
 * on every later call). An exception from {@code next()} stands for one element (a file that cannot be read, a
 * transform that failed) and consumes it: the following call goes on with the element after it, which is what
 * lets {@link Dataset#ignoreErrors()} skip bad elements and never loop on the same one. {@link #close()} stops
 * the stream's threads and closes its inputs; it may be called from any thread, once or more.
 */
interface ItemStream extends AutoCloseable {
    Item next();

    @Override
    void close();
}
