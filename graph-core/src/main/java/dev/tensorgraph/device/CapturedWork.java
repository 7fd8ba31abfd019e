package dev.tensorgraph.device;

/** Device work recorded once (a CUDA graph) and replayed on the device's stream. */
public interface CapturedWork extends AutoCloseable {
    /** Enqueues the recorded work again; it reads and writes the same device addresses as when recorded. */
    void replay();

    /** Frees the recording and the memory it owns; waits for outstanding replays first. */
    @Override
    void close();
}
