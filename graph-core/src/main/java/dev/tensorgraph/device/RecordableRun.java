package dev.tensorgraph.device;

import dev.tensorgraph.Tensor;
import java.util.List;

/**
 * One run of a plan whose device work can be recorded, as a {@link RunRecorder} drives it. Such a plan is:
 * uploads of the feeds, then a body whose host-side work depends only on the key, then downloads of the
 * fetches. The executor implements it; a recorder calls either {@link #runStepByStep()} alone, or
 * {@link #runUploads()} and {@link #runBody()} while the device records, then reads what it needs to replay.
 */
public interface RecordableRun {
    /**
     * What a recording of this run depends on besides device memory: the feeds' shapes and the values of the
     * few small feeds read on the host. Equal keys may share a recording; null when this run cannot be
     * recorded (a fed value read on the host is too large to key by).
     */
    List<Object> key();

    /** Runs every step, nothing recorded, and returns the fetched tensors. */
    List<Tensor> runStepByStep();

    /** Runs the uploads of the feeds; returns the device tensors they filled, one per feed upload. */
    DeviceTensor[] runUploads();

    /** After {@link #runUploads()}: runs the steps between the uploads and the downloads of the fetches. */
    void runBody();

    /** The host tensors the uploads copy, in the order of {@link #runUploads()}'s result. */
    Tensor[] uploadedValues();

    /**
     * After {@link #runBody()}: for each fetch, the device tensor it is downloaded from; null for a fetch
     * that was not computed (on a conditional's untaken branch).
     */
    DeviceTensor[] fetchSources();

    /**
     * The device values of the plan's variables now. A recording reads and writes the addresses it was
     * recorded with, so it may replay only while each variable still has the same value object.
     */
    DeviceTensor[] variableValues();

    /** Drops this run's references to device memory it allocated, which a recording now owns. */
    void handOverDeviceValues();

    /**
     * Undoes a pass whose recording was discarded: drops device references as {@link #handOverDeviceValues()},
     * and everything the pass computed, keeping the feeds, so that the run can go step by step.
     */
    void restart();
}
