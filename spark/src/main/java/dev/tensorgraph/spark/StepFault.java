package dev.tensorgraph.spark;

import java.io.Serializable;

/**
 * A test's way to make a worker task fail before it computes a step's gradients (as a lost executor or a bad disk
 * would), to check that Spark's retry of the task and the driver's checkpoints keep training exact.
 */
@FunctionalInterface
interface StepFault extends Serializable {
    StepFault NONE = (step, partition, attempt) -> {};

    /** Throws to fail the task computing {@code step} on {@code partition} in its {@code attempt} (0 first). */
    void before(long step, int partition, int attempt) throws Exception;
}
