package dev.tensorgraph.cuda;

/**
 * How requests are rounded into block sizes: fine steps for small tensors, coarser ones for large, so a
 * freed block fits the next request of about the same size (batches of varying length reuse memory).
 */
final class BlockSizes {
    static final long SMALL_LIMIT = 1L << 20;
    private static final long MEDIUM_LIMIT = 16L << 20;
    private static final long SMALL_STEP = 512;
    private static final long MEDIUM_STEP = 128L << 10;
    private static final long LARGE_STEP = 2L << 20;

    private BlockSizes() {}

    static long round(long bytes) {
        if (bytes <= 0) {
            return SMALL_STEP;
        }
        long step = bytes < SMALL_LIMIT ? SMALL_STEP : bytes < MEDIUM_LIMIT ? MEDIUM_STEP : LARGE_STEP;
        return (bytes + step - 1) / step * step;
    }
}
