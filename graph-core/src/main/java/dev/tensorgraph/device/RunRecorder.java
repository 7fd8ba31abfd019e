package dev.tensorgraph.device;

import dev.tensorgraph.Tensor;
import java.util.List;

/**
 * Runs one plan's device work from recordings where it can (CUDA graphs: launch cost goes away). A device
 * makes one per recordable plan ({@link DeviceContext#newRecorder}); the executor hands it every run of that
 * plan, and it decides whether the run goes step by step, is recorded, or replays a recording. It is called
 * with the device's {@link DeviceContext#runLock() run lock} held, so runs of one plan never overlap.
 */
public interface RunRecorder extends AutoCloseable {
    /**
     * Computes {@code run}'s fetches: by replaying a recording of an earlier run with the same key, by
     * recording this run and replaying the recording, or with {@link RecordableRun#runStepByStep()}.
     */
    List<Tensor> run(RecordableRun run);

    /** Recordings ready to replay. */
    int numRecordings();

    /** Frees the recordings and the device memory they own. */
    @Override
    void close();
}
