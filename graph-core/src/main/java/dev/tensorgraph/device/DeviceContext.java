package dev.tensorgraph.device;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.StagedFeed;
import dev.tensorgraph.Tensor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One session's use of one device: its memory, its stream of work, and copies to and from the host. Work
 * is enqueued in order on one stream; {@link #download} waits for it. The executor holds {@link #runLock()}
 * for a whole run, so kernels never race on the stream.
 */
public interface DeviceContext extends AutoCloseable {
    /** The kernel registry's device type, e.g. {@code "GPU"}. */
    String deviceType();

    /** For messages and logs, e.g. {@code "GPU:0 (NVIDIA H100 80GB HBM3)"}. */
    String name();

    /**
     * Memory for a value of one run, garbage-filled. Inside a capture it belongs to the capture. Out of
     * memory is a {@link dev.tensorgraph.errors.ResourceExhaustedException} that names the bytes asked for.
     */
    DeviceTensor allocate(DType dtype, Shape shape);

    /** Memory that outlives runs and captures: variables, constants, per-op state. */
    DeviceTensor allocatePersistent(DType dtype, Shape shape);

    /** Gives a buffer back; work already enqueued that uses it still sees valid memory (stream order). */
    void release(DeviceBuffer buffer);

    /** Copies a host tensor into {@code dst} (same dtype and element count). */
    void upload(Tensor src, DeviceTensor dst);

    /** Waits for enqueued work, then copies {@code src} into a new host tensor. */
    Tensor download(DeviceTensor src);

    /**
     * Starts copying {@code value}'s bytes into device memory of their own on a side stream, while enqueued work
     * goes on, so that a later {@link #upload} of the same tensor (the same backing array) becomes a copy on the
     * device. May be called from any thread, during runs. By default nothing is staged ({@link StagedFeed#NONE}):
     * uploads copy from the host as before.
     */
    default StagedFeed stage(Tensor value) {
        return StagedFeed.NONE;
    }

    /** Device-to-device copy of {@code src} into {@code dst} (same byte size), enqueued. */
    void copy(DeviceTensor src, DeviceTensor dst);

    /** Waits until every enqueued piece of work has finished; device errors surface here. */
    void synchronize();

    /** Held by the executor for the whole of a run that touches this device. */
    ReentrantLock runLock();

    /** Whether {@link #beginCapture} is supported. */
    boolean supportsCapture();

    /**
     * A recorder for the runs of one plan whose device work can be recorded (the planner asks only when
     * {@link #supportsCapture()}), or null to run it step by step. By default a {@link CaptureRecorder} over
     * {@link #beginCapture()} and {@link #endCapture()}.
     */
    default RunRecorder newRecorder() {
        return new CaptureRecorder(this);
    }

    /**
     * Starts recording: work enqueued from now on is recorded, not run, and {@link #allocate} serves from
     * memory the capture will own.
     */
    void beginCapture();

    /** Ends recording and returns the replayable work, or null (after logging why) if recording failed. */
    CapturedWork endCapture();

    /**
     * Bytes of device memory in live tensors now, and the most since the last {@link #resetPeakBytes} (as
     * PyTorch's {@code memory_allocated}; memory a recording keeps idle between its uses does not count).
     */
    long bytesInUse();

    long peakBytesInUse();

    void resetPeakBytes();

    /** Bytes obtained from the device and not given back: in use, cached for reuse, or held by recordings. */
    long reservedBytes();

    /** Frees all device memory this context holds. */
    @Override
    void close();
}
