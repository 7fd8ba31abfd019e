package dev.tensorgraph;

/**
 * Starts moving a value fed to {@code fed} toward the device of the session that will run it, ahead of that
 * run: {@code Session::stageFeed}. The input pipeline's {@code Dataset.prefetchToDevice} calls it from its
 * prefetch thread for the next batches while the current step computes, knowing nothing of the device behind it;
 * a test can pass a fake. Implementations may be called from any thread, while runs go on.
 */
@FunctionalInterface
public interface FeedStaging {
    /**
     * Checks {@code value} against {@code fed} as a feed would (a wrong dtype or shape is an
     * {@link dev.tensorgraph.errors.InvalidArgumentException} naming {@code fed}) and starts its copy; returns
     * {@link StagedFeed#NONE} where there is nothing to copy ahead.
     */
    StagedFeed stage(Output fed, Tensor value);
}
