package dev.tensorgraph.cuda;

import static org.bytedeco.cuda.global.cudart.cudaEventDestroy;
import static org.bytedeco.cuda.global.cudart.cudaEventRecord;
import static org.bytedeco.cuda.global.cudart.cudaEventSynchronize;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaFreeHost;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaMallocHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToDevice;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;
import static org.bytedeco.cuda.global.cudart.cudaStreamWaitEvent;

import dev.tensorgraph.DType;
import dev.tensorgraph.StagedFeed;
import dev.tensorgraph.errors.FailedPreconditionException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.Pointer;

/**
 * Feeds copied to the device ahead of their run ({@link CudaDevice#stage}). Each staged value gets a slot: a
 * pinned host buffer the calling thread fills (outside any lock the executor takes, so a prefetch thread's
 * memcpy never holds up a run) and a device buffer of its own that the copy stream fills from it. A later upload
 * of the same host array ({@link #take}) moves the device copy into place on the compute stream after the copy's
 * event: one device-to-device copy instead of a transfer over PCIe. Slots are reused: the host buffer once its
 * copy has read it, the device buffer (the copy stream waits on an event) once the compute stream has copied out
 * of it. The device buffers are not the caching allocator's: a block it hands out may still be read by queued
 * compute work, and waiting for that would put the copy behind the very work it should overlap.
 */
final class StagedFeeds implements AutoCloseable {
    /**
     * Values smaller than this are not staged: their upload at run time is one launch, as the move of a staged
     * copy would be. Larger ones are, however small next to a transfer's cost: a batch of 200 KB copied at run
     * time still waits for its transfer while the device idles between two steps that each fetch a result
     * ({@code -Dtensorgraph.cuda.stageMinBytes}).
     */
    static final long MIN_BYTES = Long.getLong("tensorgraph.cuda.stageMinBytes", 4096);

    private final String deviceName;
    private final CUstream_st copyStream;
    /** The device's run lock: held while slots are allocated or freed, so no recording is under way meanwhile. */
    private final ReentrantLock runLock;
    /** Read-held while a value is staged (its memcpy included), write-held by {@link #close}. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final List<Slot> all = new ArrayList<>();
    private final List<Slot> free = new ArrayList<>();
    private final IdentityHashMap<Object, Ticket> pending = new IdentityHashMap<>();
    private boolean closed;

    private static final class Slot {
        Pointer host;
        Pointer device;
        long capacity;
        CUevent_st copied;
        CUevent_st consumed;
    }

    StagedFeeds(String deviceName, CUstream_st copyStream, ReentrantLock runLock) {
        this.deviceName = deviceName;
        this.copyStream = copyStream;
        this.runLock = runLock;
    }

    /** A staged value: the slot holding its device copy until an upload takes it or it is closed. */
    final class Ticket implements StagedFeed {
        private final Object array;
        private final long bytes;
        private final Slot slot;
        private boolean used;
        private boolean done;

        private Ticket(Object array, long bytes, Slot slot) {
            this.array = array;
            this.bytes = bytes;
            this.slot = slot;
        }

        @Override
        public boolean staged() {
            return true;
        }

        @Override
        public boolean used() {
            synchronized (StagedFeeds.this) {
                return used;
            }
        }

        @Override
        public void close() {
            synchronized (StagedFeeds.this) {
                if (done) {
                    return;
                }
                done = true;
                pending.remove(array, this);
                free.add(slot);
            }
        }

        /** Copies the staged bytes to {@code dst} on {@code stream}, after the staging copy; frees the slot. */
        void moveInto(long dst, CUstream_st stream) {
            CudaErrors.check(cudaStreamWaitEvent(stream, slot.copied, 0), deviceName, "ordering a staged feed");
            CudaErrors.check(cudaMemcpyAsync(CudaDevice.pointer(dst), slot.device, bytes, cudaMemcpyDeviceToDevice,
                    stream), deviceName, "moving a " + bytes + "-byte staged feed into place");
            CudaErrors.check(cudaEventRecord(slot.consumed, stream), deviceName, "recording a staged feed event");
            synchronized (StagedFeeds.this) {
                free.add(slot);
            }
        }
    }

    /** Starts copying {@code n} elements of {@code array} to the device on the copy stream. */
    Ticket stage(Object array, DType dtype, int n) {
        long bytes = (long) n * dtype.byteSize();
        lifecycle.readLock().lock();
        try {
            Slot slot;
            synchronized (this) {
                checkOpen();
                slot = takeSlot(bytes);
            }
            boolean ok = false;
            try {
                // The slot's last staging copy must have read the host buffer before it is written again, and its
                // last move into place must have read the device buffer before the copy stream writes it.
                CudaErrors.check(cudaEventSynchronize(slot.copied), deviceName, "waiting for an earlier staged copy");
                ensureCapacity(slot, bytes);
                HostArrays.writeShared(array, 0, n, slot.host, dtype.byteSize());
                CudaErrors.check(cudaStreamWaitEvent(copyStream, slot.consumed, 0), deviceName,
                        "ordering a staged feed");
                CudaErrors.check(cudaMemcpyAsync(slot.device, slot.host, bytes, cudaMemcpyHostToDevice, copyStream),
                        deviceName, "staging " + bytes + " bytes on the device");
                CudaErrors.check(cudaEventRecord(slot.copied, copyStream), deviceName, "recording a staged copy");
                ok = true;
            } finally {
                if (!ok) {
                    synchronized (this) {
                        free.add(slot);
                    }
                }
            }
            Ticket t = new Ticket(array, bytes, slot);
            synchronized (this) {
                Ticket earlier = pending.put(array, t);
                if (earlier != null) {
                    earlier.done = true;
                    free.add(earlier.slot);
                }
            }
            return t;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** The staged copy of {@code array} for an upload of {@code bytes}, taken (used), or null. */
    synchronized Ticket take(Object array, long bytes) {
        Ticket t = pending.remove(array);
        if (t == null) {
            return null;
        }
        t.done = true;
        if (t.bytes != bytes) {
            free.add(t.slot);
            return null;
        }
        t.used = true;
        return t;
    }

    /** Device bytes held by staging slots, for tests. */
    synchronized long deviceBytes() {
        long sum = 0;
        for (Slot s : all) {
            sum += s.capacity;
        }
        return sum;
    }

    /** Staged copies no upload has taken and nobody has given back, for tests. */
    synchronized int pendingCount() {
        return pending.size();
    }

    private void checkOpen() {
        if (closed) {
            throw new FailedPreconditionException(deviceName + " is closed (its session was closed)");
        }
    }

    /** A free slot, the smallest that holds {@code bytes} if any, else the largest (to grow), else a new one. */
    private Slot takeSlot(long bytes) {
        Slot best = null;
        for (Slot s : free) {
            boolean fits = s.capacity >= bytes;
            if (best == null || (fits && (best.capacity < bytes || s.capacity < best.capacity))
                    || (!fits && best.capacity < bytes && s.capacity > best.capacity)) {
                best = s;
            }
        }
        if (best != null) {
            free.remove(best);
            return best;
        }
        Slot s = new Slot();
        s.copied = OverlappedUploads.newEvent(deviceName);
        s.consumed = OverlappedUploads.newEvent(deviceName);
        all.add(s);
        return s;
    }

    /**
     * Gives the slot room for {@code bytes}. Allocating and freeing happen under the run lock: cudaFree waits for
     * the device, which must not happen while a run records its stream (rare: a slot grows only for a larger value).
     */
    private void ensureCapacity(Slot s, long bytes) {
        if (s.capacity >= bytes) {
            return;
        }
        runLock.lock();
        try {
            allocate(s, bytes);
        } finally {
            runLock.unlock();
        }
    }

    private void allocate(Slot s, long bytes) {
        if (s.device != null) {
            CudaErrors.check(cudaEventSynchronize(s.consumed), deviceName, "waiting for a staged feed's move");
            cudaFree(s.device);
            cudaFreeHost(s.host);
            s.device = null;
            s.host = null;
            s.capacity = 0;
        }
        Pointer host = new Pointer();
        CudaErrors.check(cudaMallocHost(host, bytes), deviceName, "allocating " + bytes + " bytes of pinned host memory");
        Pointer device = new Pointer();
        int r = cudaMalloc(device, bytes);
        if (r != 0) {
            cudaFreeHost(host);
        }
        CudaErrors.check(r, deviceName, "allocating " + bytes + " bytes for a staged feed");
        s.host = host;
        s.device = device;
        s.capacity = bytes;
    }

    /** Waits for the copy stream and frees every slot; the caller has waited for the compute stream. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                cudaStreamSynchronize(copyStream);
                for (Slot s : all) {
                    if (s.device != null) {
                        cudaFree(s.device);
                        cudaFreeHost(s.host);
                    }
                    cudaEventDestroy(s.copied);
                    cudaEventDestroy(s.consumed);
                }
                all.clear();
                free.clear();
                pending.values().forEach(t -> t.done = true);
                pending.clear();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
