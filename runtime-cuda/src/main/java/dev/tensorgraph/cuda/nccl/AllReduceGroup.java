package dev.tensorgraph.cuda.nccl;

/**
 * One rank of a group of ranks that sum float arrays element by element (all-reduce): NCCL across GPUs
 * ({@link NcclCommunicator}), or any other transport. Every rank makes the same calls in the same order; one call is
 * in progress at a time on a rank.
 */
public interface AllReduceGroup {
    int rank();

    int ranks();

    /** Replaces {@code values} by their sum over all ranks; returns once every rank has given its values. */
    void allReduceSum(float[] values);

    /**
     * Ends the group after {@code cause} failed this rank, so that a sum in progress and every later one fail with a
     * typed error instead of waiting for this rank forever. Safe to call from any thread, more than once.
     */
    void abort(Throwable cause);
}
