package dev.tensorgraph.cuda.nccl;

import dev.tensorgraph.errors.CancelledException;
import dev.tensorgraph.errors.DeadlineExceededException;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.time.Duration;

/**
 * An all-reduce group of ranks that are threads of this process, summing through shared memory at a barrier: the
 * CPU stand-in for NCCL in tests. Every rank sums the contributions in rank order, so all get the same floats. A
 * rank that fails or waits past the timeout ends the group: the others' waits fail with a typed error.
 */
final class ThreadRanks {
    private final int ranks;
    private final long timeoutNanos;
    private final float[][] given;
    private int arrived;
    private long generation;
    private Throwable failure;
    private int failedRank = -1;

    ThreadRanks(int ranks, Duration timeout) {
        this.ranks = ranks;
        this.timeoutNanos = timeout.toNanos();
        this.given = new float[ranks][];
    }

    AllReduceGroup rank(int rank) {
        return new AllReduceGroup() {
            @Override
            public int rank() {
                return rank;
            }

            @Override
            public int ranks() {
                return ranks;
            }

            @Override
            public void allReduceSum(float[] values) {
                given[rank] = values;
                meet(rank);
                float[] sum = new float[values.length];
                for (float[] v : given) {
                    if (v.length != values.length) {
                        InvalidArgumentException e = new InvalidArgumentException("rank " + rank + " sums "
                                + values.length + " floats, another rank " + v.length);
                        fail(rank, e);
                        throw e;
                    }
                    for (int i = 0; i < sum.length; i++) {
                        sum[i] += v[i];
                    }
                }
                meet(rank); // nobody gives the next values before every rank has read these
                System.arraycopy(sum, 0, values, 0, sum.length);
            }

            @Override
            public void abort(Throwable cause) {
                fail(rank, cause);
            }
        };
    }

    private synchronized void fail(int rank, Throwable cause) {
        if (failure == null) {
            failure = cause;
            failedRank = rank;
        }
        notifyAll();
    }

    private synchronized void meet(int rank) {
        checkNotFailed(rank);
        long mine = generation;
        if (++arrived == ranks) {
            arrived = 0;
            generation++;
            notifyAll();
            return;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        while (generation == mine) {
            checkNotFailed(rank);
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                DeadlineExceededException late = new DeadlineExceededException("rank " + rank + " of " + ranks
                        + " waited more than " + Duration.ofNanos(timeoutNanos) + " for the other ranks");
                fail(rank, late);
                throw late;
            }
            try {
                wait(left / 1_000_000 + 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                CancelledException stopped = new CancelledException("rank " + rank + " was interrupted");
                fail(rank, stopped);
                throw stopped;
            }
        }
    }

    private void checkNotFailed(int rank) {
        if (failure != null) {
            throw new CancelledException("rank " + rank + " of " + ranks + ": rank " + failedRank
                    + " ended the group: " + failure.getMessage(), failure);
        }
    }
}
