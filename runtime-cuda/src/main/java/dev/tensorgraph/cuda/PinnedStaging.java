package dev.tensorgraph.cuda;

import static org.bytedeco.cuda.global.cudart.cudaEventCreateWithFlags;
import static org.bytedeco.cuda.global.cudart.cudaEventDestroy;
import static org.bytedeco.cuda.global.cudart.cudaEventDisableTiming;
import static org.bytedeco.cuda.global.cudart.cudaEventRecord;
import static org.bytedeco.cuda.global.cudart.cudaEventSynchronize;
import static org.bytedeco.cuda.global.cudart.cudaFreeHost;
import static org.bytedeco.cuda.global.cudart.cudaMallocHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;

import dev.tensorgraph.DType;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.Pointer;

/**
 * Page-locked host buffers that copies between Java arrays and the device go through. Uploads rotate over
 * a small ring, each buffer guarded by an event recorded after the copy that read it, so many small uploads
 * do not wait for one another; large transfers go in chunks so the pinned memory stays bounded.
 */
final class PinnedStaging implements AutoCloseable {
    static final long CHUNK_BYTES = 32L << 20;
    private static final int RING = 4;

    private final String deviceName;
    private final Slot[] ring = new Slot[RING];
    private final Slot downloads;
    private int next;

    private static final class Slot {
        Pointer host;
        long capacity;
        CUevent_st event;
        boolean pending;
    }

    PinnedStaging(String deviceName) {
        this.deviceName = deviceName;
        for (int i = 0; i < RING; i++) {
            ring[i] = new Slot();
        }
        downloads = new Slot();
    }

    /**
     * Copies elements of {@code array} to device address {@code dst} with copies enqueued on {@code stream};
     * with {@code waitEachChunk} each chunk is waited for (a side stream during a recording).
     */
    void upload(Object array, DType dtype, int n, long dst, CUstream_st stream, boolean waitEachChunk) {
        int es = dtype.byteSize();
        int perChunk = (int) Math.max(1, CHUNK_BYTES / es);
        for (int from = 0; from < n; from += perChunk) {
            int count = Math.min(perChunk, n - from);
            long bytes = (long) count * es;
            Slot s = ring[next];
            next = (next + 1) % RING;
            if (s.pending) {
                CudaErrors.check(cudaEventSynchronize(s.event), deviceName, "waiting for an earlier upload");
                s.pending = false;
            }
            ensureCapacity(s, bytes);
            HostArrays.writeShared(array, from, count, s.host, es);
            CudaErrors.check(cudaMemcpyAsync(CudaDevice.pointer(dst + (long) from * es), s.host, bytes,
                    cudaMemcpyHostToDevice, stream), deviceName, "copying " + bytes + " bytes to the device");
            if (waitEachChunk) {
                CudaErrors.check(cudaStreamSynchronize(stream), deviceName, "copying " + bytes + " bytes to the device");
            } else {
                if (s.event == null) {
                    s.event = new CUevent_st();
                    CudaErrors.check(cudaEventCreateWithFlags(s.event, cudaEventDisableTiming), deviceName, "creating an event");
                }
                CudaErrors.check(cudaEventRecord(s.event, stream), deviceName, "recording an upload event");
                s.pending = true;
            }
        }
    }

    /** Copies {@code n} elements at device address {@code src} into {@code array}, waiting for {@code stream}. */
    void download(long src, DType dtype, int n, Object array, CUstream_st stream) {
        int es = dtype.byteSize();
        int perChunk = (int) Math.max(1, CHUNK_BYTES / es);
        for (int from = 0; from < n; from += perChunk) {
            int count = Math.min(perChunk, n - from);
            long bytes = (long) count * es;
            ensureCapacity(downloads, bytes);
            CudaErrors.check(cudaMemcpyAsync(downloads.host, CudaDevice.pointer(src + (long) from * es), bytes,
                    cudaMemcpyDeviceToHost, stream), deviceName, "copying " + bytes + " bytes from the device");
            CudaErrors.check(cudaStreamSynchronize(stream), deviceName, "running the enqueued work");
            HostArrays.readShared(downloads.host, array, from, count, es);
        }
    }

    /** Forgets pending events after the caller waited for the whole stream (no event may be waited on later). */
    void markIdle() {
        for (Slot s : ring) {
            s.pending = false;
        }
    }

    private void ensureCapacity(Slot s, long bytes) {
        if (s.capacity >= bytes) {
            return;
        }
        if (s.host != null) {
            cudaFreeHost(s.host);
            s.host = null;
            s.capacity = 0;
        }
        long size = Math.max(bytes, 64L << 10);
        Pointer p = new Pointer();
        CudaErrors.check(cudaMallocHost(p, size), deviceName, "allocating " + size + " bytes of pinned host memory");
        s.host = p;
        s.capacity = size;
    }

    @Override
    public void close() {
        for (Slot s : ring) {
            free(s);
        }
        free(downloads);
    }

    private static void free(Slot s) {
        if (s.host != null) {
            cudaFreeHost(s.host);
            s.host = null;
        }
        if (s.event != null) {
            cudaEventDestroy(s.event);
            s.event = null;
        }
    }
}
