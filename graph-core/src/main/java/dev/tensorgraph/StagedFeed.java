package dev.tensorgraph;

/**
 * A fed value on its way to a session's device ahead of the run that feeds it ({@link Session#stageFeed},
 * {@link Session.Runner#feedAsync}). The device copies the value's bytes into memory of its own on a copy stream
 * while it computes other work; a later run that feeds the same {@link Tensor} then moves that copy into place on
 * the device instead of copying from host memory. The host tensor stays valid and unchanged: a run that does not
 * use the copy (a plan that runs the consumer on the CPU, a copy given back first) copies from the host as usual,
 * so staging never changes a result, only when the bytes travel.
 *
 * <p>Close a staged feed that no run took, to give its device memory back; closing one that a run took does
 * nothing, and closing the session gives back every copy it still holds.
 */
public interface StagedFeed extends AutoCloseable {
    /** Nothing staged: a session without a device, or a value too small for a copy ahead to gain anything. */
    StagedFeed NONE = new StagedFeed() {
        @Override
        public boolean staged() {
            return false;
        }

        @Override
        public boolean used() {
            return false;
        }

        @Override
        public void close() {}

        @Override
        public String toString() {
            return "StagedFeed.NONE";
        }
    };

    /** Whether a copy was started on the device (false for {@link #NONE}). */
    boolean staged();

    /** Whether a run has taken the device copy. */
    boolean used();

    /** Gives the device copy back unless a run took it; later feeds of the value copy from the host. Idempotent. */
    @Override
    void close();
}
