package dev.tensorgraph.kernel;

import dev.tensorgraph.DType;
import dev.tensorgraph.FileAccessPolicy;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.device.DeviceContext;
import dev.tensorgraph.device.DeviceTensor;
import java.util.function.Supplier;

/** What a kernel sees during one run: its inputs, where to put outputs, and session resources. */
public interface KernelContext {
    Operation op();

    int numInputs();

    /** Input {@code i}; the kernel must not write its array. */
    Tensor input(int i);

    /** True when input {@code i} comes from an untaken branch (only Merge-like kernels ask). */
    boolean isInputDead(int i);

    void setOutput(int i, Tensor t);

    /** Marks output {@code i} dead: consumers downstream are skipped (Switch's untaken side). */
    void setOutputDead(int i);

    /**
     * A tensor for an output, from the run's buffer pool; its contents are garbage, so the kernel must
     * write every element.
     */
    Tensor allocate(DType dtype, Shape shape);

    /** As {@link #allocate} with every element zero. */
    Tensor allocateZeroed(DType dtype, Shape shape);

    /**
     * The variable slot behind ref input {@code i}, or, for a variable op itself, its own slot ({@code i = -1}).
     */
    VariableSlot variable(int i);

    /**
     * The ref variable whose own host value input {@code i} was planned to be (the variable op's output, through ops
     * that forward refs, not fed), or null. A kernel may keep a copy of that value in its own layout while the
     * variable's {@link VariableSlot#version() version} and host array stay the same; it must check that the input
     * is that array, since the plan cannot promise it.
     */
    default VariableSlot variableValue(int i) {
        return null;
    }

    /**
     * The session's storage of the resource variable {@code sharedName} in {@code container} ({@code ""}: the
     * default one), created empty on first use; every handle naming it reaches the same slot (see
     * {@link VariableHandle}). A context without a session has none.
     */
    default VariableSlot sharedVariable(String container, String sharedName) {
        throw new dev.tensorgraph.errors.FailedPreconditionException("resource variable " + sharedName
                + " needs a session to live in");
    }

    /** Declares that {@code t} outlives this run (stored in a variable or session state): never pooled. */
    void retain(Tensor t);

    /** State kept by this op's kernels for the life of the session, e.g. a random generator. */
    <T> T sessionState(Supplier<T> create);

    /** Threads the session allows one kernel to use. */
    int intraOpThreads();

    /**
     * The files this run's ops may read and write. A kernel that touches a file calls
     * {@code fileAccess().checkRead(op(), path)} or {@code checkWrite} for every file before it opens any, so
     * a path outside what the application granted fails with a {@code PermissionDeniedException} and nothing
     * is read or written. A context without a session allows nothing.
     */
    default FileAccessPolicy fileAccess() {
        return FileAccessPolicy.none();
    }

    // ---- device kernels (a host-only context need not implement these) ----

    /** The session's device, or null when the session runs on the CPU only. */
    default DeviceContext device() {
        return null;
    }

    /** Input {@code i} in device memory (for a device kernel's inputs not declared host-memory). */
    default DeviceTensor deviceInput(int i) {
        throw noDevice();
    }

    /** Device memory for an output, garbage-filled; released by the executor after its last reader. */
    default DeviceTensor allocateOnDevice(DType dtype, Shape shape) {
        throw noDevice();
    }

    /** Sets device output {@code i}; a view of an input (same buffer) is allowed. */
    default void setOutput(int i, DeviceTensor t) {
        throw noDevice();
    }

    /** Declares that {@code t} outlives this run (now owned by a variable): never released by the executor. */
    default void retain(DeviceTensor t) {
        throw noDevice();
    }

    /** Releases {@code t}'s buffer after this run ends (a variable's old value that this run may still read). */
    default void releaseAfterRun(DeviceTensor t) {
        throw noDevice();
    }

    private dev.tensorgraph.errors.InternalException noDevice() {
        return new dev.tensorgraph.errors.InternalException("a device kernel ran in a context without a device");
    }
}
