package dev.tensorgraph.kernel;

import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.device.DeviceContext;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The storage of one variable in one session, in host memory or on the session's device, never both.
 * Update kernels may write the current value in place (as TensorFlow's ref variables do); the session
 * copies a fetched value that shares that memory. Reading it on the other side moves it there.
 *
 * <p>Resource variables read snapshots: {@link #share()} hands out the current value itself and marks it shared,
 * and {@link #getForUpdate()} then gives the updater a copy to write, so a value once read never changes (the
 * copy-on-write TensorFlow's resource variables do). A value nobody read is updated in place.
 */
public final class VariableSlot {
    private final String name;
    // Volatile so the executor's per-fetch aliasing check reads them without taking the lock.
    private volatile Tensor host;
    private volatile DeviceTensor device;
    private DeviceContext deviceContext;
    /** Whether a reader may still hold the host value ({@link #share}), so updates must not write it. */
    private boolean shared;
    /** Counts the changes of the value; see {@link #version()}. */
    private final AtomicLong version = new AtomicLong();

    public VariableSlot(String name) {
        this.name = name;
    }

    /**
     * A number that changes whenever the value may have changed: it is replaced, moved, handed out for an update
     * ({@link #getForUpdate}), or reached by an op through a ref input, before that op runs and again after it
     * ({@link #markWritten}). So a copy of a ref variable's host value, which only such ops write in place, stays
     * equal to it for as long as the version read before the copy began stays the current one and the host value is
     * still the same array.
     */
    public long version() {
        return version.get();
    }

    /**
     * Records that the value may be written now: called by the executor before and after each op that takes the
     * variable as a ref input, since such ops write its host array in place.
     */
    public void markWritten() {
        version.incrementAndGet();
    }

    /** The variable op's name. */
    public String name() {
        return name;
    }

    public synchronized boolean isInitialized() {
        return host != null || device != null;
    }

    /** The current value in host memory (moved from the device if it was there); an error when unassigned. */
    public synchronized Tensor get() {
        Tensor v = peek();
        if (v == null) {
            throw uninitialized();
        }
        return v;
    }

    /** The current value in host memory (moved from the device if it was there), or null. */
    public synchronized Tensor peek() {
        if (host == null && device != null) {
            host = deviceContext.download(device);
            version.incrementAndGet();
            shared = false;
            deviceContext.release(device.buffer());
            device = null;
            deviceContext = null;
        }
        return host;
    }

    /** The host value or null, without moving anything. */
    public Tensor peekHost() {
        return host;
    }

    /** A host copy of the current value wherever it lives, without moving it, or null. */
    public synchronized Tensor snapshot() {
        if (device != null) {
            return deviceContext.download(device);
        }
        return host == null ? null : host.copy();
    }

    /** Replaces the value with a host tensor, whose array the slot takes over. */
    public synchronized void set(Tensor t) {
        dropDevice();
        version.incrementAndGet();
        host = t;
        shared = false;
    }

    /**
     * Replaces the value with a host tensor that others may hold (an assigned input, a constant): the slot keeps
     * it as it is, and the next update writes a copy ({@link #getForUpdate}).
     */
    public synchronized void setShared(Tensor t) {
        set(t);
        shared = true;
    }

    /**
     * The current value in host memory for a reader that may keep it (a resource variable's read, a snapshot): the
     * slot's own tensor, which later updates leave alone ({@link #getForUpdate}); an error when unassigned.
     */
    public synchronized Tensor share() {
        Tensor v = get();
        shared = true;
        return v;
    }

    /**
     * The current value in host memory for an update that writes it in place: the slot's own tensor, or a copy
     * that replaces it when a reader may hold it ({@link #share}); an error when unassigned.
     */
    public synchronized Tensor getForUpdate() {
        Tensor v = get();
        version.incrementAndGet();
        if (shared) {
            v = v.copy();
            host = v;
            shared = false;
        }
        return v;
    }

    /** The current value on {@code ctx} (moved there from the host if it was there); an error when unassigned. */
    public synchronized DeviceTensor getOnDevice(DeviceContext ctx) {
        if (device == null) {
            if (host == null) {
                throw uninitialized();
            }
            DeviceTensor d = ctx.allocatePersistent(host.dtype(), host.shape());
            ctx.upload(host, d);
            device = d;
            deviceContext = ctx;
            host = null;
            version.incrementAndGet();
        }
        return device;
    }

    /** The device value or null, without moving anything. */
    public DeviceTensor peekOnDevice() {
        return device;
    }

    /**
     * Replaces the value with a device tensor the slot takes over (allocated persistent). Returns the
     * previous device value, which the caller releases once nothing reads it, or null.
     */
    public synchronized DeviceTensor setOnDevice(DeviceContext ctx, DeviceTensor t) {
        DeviceTensor old = device;
        version.incrementAndGet();
        host = null;
        shared = false;
        device = t;
        deviceContext = ctx;
        return old == t ? null : old;
    }

    /** Frees device memory held by this slot (the session is closing). */
    public synchronized void clear() {
        dropDevice();
        version.incrementAndGet();
        host = null;
        shared = false;
    }

    private void dropDevice() {
        if (device != null) {
            deviceContext.release(device.buffer());
            device = null;
            deviceContext = null;
        }
    }

    /**
     * TensorFlow's check for {@code Assign(validate_shape=true)}: the value's shape {@code rhs} must be the
     * variable's, its current one or, before the first assignment, the one it was declared with ({@code lhs},
     * which may be partly unknown).
     */
    public static void checkAssignShape(String variable, Shape lhs, Shape rhs) {
        if (lhs.isFullyDefined() ? lhs.equals(rhs) : rhs.isCompatibleWith(lhs)) {
            return;
        }
        throw new InvalidArgumentException("Assign requires shapes of both tensors to match. lhs shape= " + lhs
                + " rhs shape= " + rhs + " (variable " + variable + ")");
    }

    private FailedPreconditionException uninitialized() {
        return new FailedPreconditionException("Attempting to use uninitialized value " + name);
    }
}
