package dev.tensorgraph;

/**
 * Told of each fetched value of one {@link Session.Runner#run} as soon as the run has computed it, while the run's
 * remaining ops still run: what a data-parallel trainer needs to start summing early gradients with other replicas
 * while the backward pass goes on (see {@link Session.Runner#onFetchReady}).
 *
 * <p>Called on the thread running the session, once per fetch, in the order the values become final (a fetched
 * feed first); a fetch whose branch was not taken is not told (the run then fails as without a listener). The tensor is the one {@code run} returns; a fetched variable's own value may change later in the
 * same run, so read it during the call. An exception thrown here ends the run and reaches {@code run}'s caller.
 */
@FunctionalInterface
public interface FetchListener {
    /** Fetch {@code index} (its position in the run's fetches) has its final value {@code value}, on the host. */
    void ready(int index, Tensor value);
}
