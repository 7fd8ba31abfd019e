package dev.tensorgraph.cuda;

import static org.bytedeco.cuda.global.cudart.cudaErrorMemoryAllocation;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaGetLastError;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;
import static org.bytedeco.cuda.global.cudart.cudaSuccess;

import dev.tensorgraph.device.DeviceBuffer;
import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.errors.InternalException;
import dev.tensorgraph.errors.ResourceExhaustedException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's device memory: blocks are cudaMalloc'ed on a miss and kept for reuse after release. All of a
 * session's work runs on one stream, so a released block may be handed to later work at once: that work is
 * enqueued after everything that used the block before. While work is being recorded, run memory comes from
 * the recording's {@link CapturePool} instead, and memory released during the recording stays with it.
 */
final class CachingAllocator {
    private static final Logger LOG = LoggerFactory.getLogger(CachingAllocator.class);

    private final String deviceName;
    private final CUstream_st stream;
    private final FreeBlocks cache = new FreeBlocks();
    /** Every block cudaMalloc'ed and not yet freed, wherever it is now. */
    private final Map<Long, DeviceBlock> allocated = new HashMap<>();
    private CapturePool recording;
    private long inUse;
    private long peak;
    private boolean closed;

    CachingAllocator(String deviceName, CUstream_st stream) {
        this.deviceName = deviceName;
        this.stream = stream;
    }

    /**
     * A buffer of at least {@code bytes}; {@code what} describes the request for an out-of-memory message,
     * e.g. "a float32 tensor of shape [2, 3]".
     */
    synchronized CudaBuffer allocate(long bytes, boolean persistent, Supplier<String> what) {
        if (closed) {
            throw new FailedPreconditionException(deviceName + " is closed");
        }
        long size = BlockSizes.round(bytes);
        if (recording != null && !persistent) {
            DeviceBlock reused = recording.takeFree(size);
            if (reused != null) {
                inUse += reused.size();
                peak = Math.max(peak, inUse);
                return new CudaBuffer(this, reused, CudaBuffer.Owner.CAPTURE, recording, true);
            }
            DeviceBlock b = obtain(size, bytes, what);
            recording.own(b);
            return new CudaBuffer(this, b, CudaBuffer.Owner.CAPTURE, recording, false);
        }
        return new CudaBuffer(this, obtain(size, bytes, what),
                persistent ? CudaBuffer.Owner.PERSISTENT : CudaBuffer.Owner.SHARED, null, false);
    }

    private DeviceBlock obtain(long size, long requested, Supplier<String> what) {
        DeviceBlock b = cache.take(size);
        if (b == null) {
            b = malloc(size, requested, what);
        }
        inUse += b.size();
        peak = Math.max(peak, inUse);
        return b;
    }

    private DeviceBlock malloc(long size, long requested, Supplier<String> what) {
        Pointer p = new Pointer();
        int r = cudaMalloc(p, size);
        if (r == cudaErrorMemoryAllocation) {
            cudaGetLastError();
            LOG.debug("cudaMalloc of {} bytes on {} failed; freeing {} cached bytes and trying again", size,
                    deviceName, cache.bytes());
            emptyCache();
            r = cudaMalloc(p, size);
            if (r == cudaErrorMemoryAllocation) {
                cudaGetLastError();
                throw new ResourceExhaustedException("out of GPU memory allocating " + requested + " bytes for "
                        + what.get() + " on " + deviceName + " (" + inUse + " bytes in use, " + cache.bytes()
                        + " cached)");
            }
        }
        CudaErrors.check(r, deviceName, "cudaMalloc of " + size + " bytes");
        DeviceBlock b = new DeviceBlock(p.address(), size);
        allocated.put(b.address(), b);
        return b;
    }

    /** Frees every cached block. Outside a recording, waits for the stream first: queued work may use them. */
    private void emptyCache() {
        if (recording == null) {
            int r = cudaStreamSynchronize(stream);
            if (r != cudaSuccess) {
                LOG.warn("waiting for {} before freeing cached memory failed: {}", deviceName, CudaErrors.runtimeText(r));
                return;
            }
        }
        for (DeviceBlock b : cache.drain()) {
            allocated.remove(b.address());
            int r = cudaFree(CudaDevice.pointer(b.address()));
            if (r != cudaSuccess) {
                LOG.warn("cudaFree on {} failed: {}", deviceName, CudaErrors.runtimeText(r));
            }
        }
    }

    synchronized void release(DeviceBuffer buffer) {
        if (!(buffer instanceof CudaBuffer b) || b.allocator != this) {
            throw new InternalException("buffer " + buffer + " was not allocated by " + deviceName);
        }
        if (closed) {
            return;
        }
        if (b.released) {
            LOG.debug("ignoring a second release of {} on {}", b, deviceName);
            return;
        }
        b.released = true;
        if (b.owner == CudaBuffer.Owner.CAPTURE) {
            // A finished recording keeps its blocks until it is closed.
            if (b.pool == recording && recording.released(b.block)) {
                // Idle until later recorded work takes it: reserved by the recording, not in use.
                inUse -= b.block.size();
            }
            return;
        }
        if (recording != null) {
            // Recorded work may use this block on every replay: the recording keeps it from now on.
            recording.own(b.block);
            return;
        }
        inUse -= b.block.size();
        cache.put(b.block);
    }

    /**
     * Whether an upload into {@code b} during a recording may be copied at once (outside the recording): true
     * unless recorded work used the block before, in which case the copy must be recorded in stream order.
     * A block copied into at once keeps its contents for the life of the recording.
     */
    synchronized boolean mayUploadAtOnce(CudaBuffer b) {
        if (b.owner != CudaBuffer.Owner.CAPTURE || b.pool != recording) {
            return true;
        }
        if (b.reusedInCapture) {
            return false;
        }
        recording.holdUpload(b.block);
        return true;
    }

    synchronized CapturePool beginRecording() {
        if (recording != null) {
            throw new InternalException(deviceName + " is already recording");
        }
        recording = new CapturePool();
        return recording;
    }

    /** Stops serving from the pool; it keeps its blocks until {@link #returnPool}. */
    synchronized void endRecording() {
        recording = null;
    }

    synchronized boolean isRecording() {
        return recording != null;
    }

    /** Gives a recording's blocks back to the shared cache once nothing can run that uses them. */
    synchronized void returnPool(CapturePool pool) {
        if (closed) {
            return;
        }
        inUse -= pool.ownedBytes() - pool.idleBytes();
        for (DeviceBlock b : pool.takeAll()) {
            cache.put(b);
        }
    }

    /** Device memory obtained from CUDA and not freed: in use, cached, or held by recordings. */
    synchronized long reservedBytes() {
        long total = 0;
        for (DeviceBlock b : allocated.values()) {
            total += b.size();
        }
        return total;
    }

    synchronized long bytesInUse() {
        return inUse;
    }

    synchronized long peakBytesInUse() {
        return peak;
    }

    synchronized void resetPeakBytes() {
        peak = inUse;
    }

    synchronized long cachedBytes() {
        return cache.bytes();
    }

    /** Frees every block, cached, in use or recorded; the caller has waited for the stream. */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        recording = null;
        cache.drain();
        for (DeviceBlock b : List.copyOf(allocated.values())) {
            int r = cudaFree(CudaDevice.pointer(b.address()));
            if (r != cudaSuccess) {
                LOG.warn("cudaFree on {} failed: {}", deviceName, CudaErrors.runtimeText(r));
            }
        }
        allocated.clear();
        inUse = 0;
    }
}
