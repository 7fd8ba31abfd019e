package dev.tensorgraph.cuda;

import static org.bytedeco.cuda.global.cudart.cuCtxSetCurrent;
import static org.bytedeco.cuda.global.cudart.cuDeviceGet;
import static org.bytedeco.cuda.global.cudart.cuDevicePrimaryCtxRelease;
import static org.bytedeco.cuda.global.cudart.cuDevicePrimaryCtxRetain;
import static org.bytedeco.cuda.global.cudart.cuLaunchKernel;
import static org.bytedeco.cuda.global.cudart.cudaDevAttrComputeCapabilityMajor;
import static org.bytedeco.cuda.global.cudart.cudaDevAttrComputeCapabilityMinor;
import static org.bytedeco.cuda.global.cudart.cudaDeviceGetAttribute;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaFreeHost;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceProperties;
import static org.bytedeco.cuda.global.cudart.cudaGetLastError;
import static org.bytedeco.cuda.global.cudart.cudaGraphDestroy;
import static org.bytedeco.cuda.global.cudart.cudaGraphExecDestroy;
import static org.bytedeco.cuda.global.cudart.cudaGraphInstantiate;
import static org.bytedeco.cuda.global.cudart.cudaGraphLaunch;
import static org.bytedeco.cuda.global.cudart.cudaMallocHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToDevice;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaMemsetAsync;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamBeginCapture;
import static org.bytedeco.cuda.global.cudart.cudaStreamCaptureModeRelaxed;
import static org.bytedeco.cuda.global.cudart.cudaStreamCreateWithFlags;
import static org.bytedeco.cuda.global.cudart.cudaStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cudaStreamEndCapture;
import static org.bytedeco.cuda.global.cudart.cudaStreamNonBlocking;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;
import static org.bytedeco.cuda.global.cudart.cudaSuccess;

import dev.tensorgraph.DType;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.StagedFeed;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.device.CapturedWork;
import dev.tensorgraph.device.DeviceBuffer;
import dev.tensorgraph.device.DeviceContext;
import dev.tensorgraph.device.DeviceTensor;
import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.errors.InternalException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelContext;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUgraphExec_st;
import org.bytedeco.cuda.cudart.CUgraph_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's use of one NVIDIA GPU: a non-blocking stream all its work goes to, a caching allocator,
 * cuBLAS and cuDNN handles bound to the stream, NVRTC-compiled kernels, and recording of work as CUDA
 * graphs. The executor holds {@link #runLock()} around runs, so kernels enqueue from one thread at a time;
 * any thread may be that thread, so every entry point makes the device's context current first.
 */
public final class CudaDevice implements DeviceContext {
    private static final Logger LOG = LoggerFactory.getLogger(CudaDevice.class);
    private static final int BLOCK_1D = 256;
    private static final long MAX_GRID_1D = 65535L * 8;
    /** The GPU whose primary context each thread has current, as set here (-1: not yet). */
    private static final ThreadLocal<int[]> BOUND_ORDINAL = ThreadLocal.withInitial(() -> new int[] {-1});

    private final int ordinal;
    private final String name;
    private final int[] computeCapability;
    private final boolean allowTf32;
    private final int cuDevice;
    private final CUctx_st primaryContext = new CUctx_st();
    private final CUstream_st stream = new CUstream_st();
    /** Uploads while recording go here: the recorded stream must not see them. */
    private final CUstream_st copyStream = new CUstream_st();
    private final CachingAllocator allocator;
    private final PinnedStaging staging;
    /** Null where {@code -Dtensorgraph.cuda.overlapFeeds=false} copies every feed on the compute stream. */
    private final OverlappedUploads overlapped;
    /** Feeds copied ahead of their run ({@link #stage}); null where overlapped feeds are off. */
    private final StagedFeeds stagedFeeds;
    private final ReentrantLock runLock = new ReentrantLock();
    private final ConcurrentHashMap<Object, Object> cache = new ConcurrentHashMap<>();
    private final Object launchLock = new Object();
    private final KernelArguments arguments = new KernelArguments();
    private final LibraryHandles libraries;
    private volatile boolean recording;
    private volatile boolean closed;

    /** The session's CUDA device, as GPU kernels see it. */
    public static CudaDevice of(KernelContext ctx) {
        return (CudaDevice) ctx.device();
    }

    CudaDevice(int ordinal, SessionOptions options) {
        this.ordinal = ordinal;
        this.allowTf32 = options.allowTf32();
        String where = "GPU:" + ordinal;
        CudaErrors.check(cudaSetDevice(ordinal), where, "selecting the device");
        // Any runtime call creates the primary context, which the driver-API calls below then share.
        CudaErrors.check(cudaFree(null), where, "initializing the device");
        cudaDeviceProp prop = new cudaDeviceProp();
        CudaErrors.check(cudaGetDeviceProperties(prop, ordinal), where, "reading the device properties");
        this.name = where + " (" + prop.name().getString() + ")";
        prop.close();
        int[] major = new int[1];
        int[] minor = new int[1];
        CudaErrors.check(cudaDeviceGetAttribute(major, cudaDevAttrComputeCapabilityMajor, ordinal), name,
                "reading the compute capability");
        CudaErrors.check(cudaDeviceGetAttribute(minor, cudaDevAttrComputeCapabilityMinor, ordinal), name,
                "reading the compute capability");
        this.computeCapability = new int[] {major[0], minor[0]};
        int[] dev = new int[1];
        CudaErrors.checkDriver(cuDeviceGet(dev, ordinal), name, "finding the device for the driver API");
        this.cuDevice = dev[0];
        CudaErrors.checkDriver(cuDevicePrimaryCtxRetain(primaryContext, cuDevice), name, "retaining the primary context");
        boolean ok = false;
        try {
            CudaErrors.checkDriver(cuCtxSetCurrent(primaryContext), name, "making the primary context current");
            BOUND_ORDINAL.get()[0] = ordinal;
            CudaErrors.check(cudaStreamCreateWithFlags(stream, cudaStreamNonBlocking), name, "creating a stream");
            CudaErrors.check(cudaStreamCreateWithFlags(copyStream, cudaStreamNonBlocking), name, "creating a stream");
            this.allocator = new CachingAllocator(name, stream);
            this.staging = new PinnedStaging(name);
            boolean overlap = !"false".equals(System.getProperty("tensorgraph.cuda.overlapFeeds"));
            this.overlapped = overlap ? new OverlappedUploads(name) : null;
            this.stagedFeeds = overlap ? new StagedFeeds(name, copyStream, runLock) : null;
            this.libraries = new LibraryHandles(name, stream, allowTf32);
            ok = true;
        } finally {
            if (!ok) {
                if (!stream.isNull()) {
                    cudaStreamDestroy(stream);
                }
                if (!copyStream.isNull()) {
                    cudaStreamDestroy(copyStream);
                }
                cuDevicePrimaryCtxRelease(cuDevice);
            }
        }
        LOG.debug("opened {} (compute capability {}.{}, TF32 {})", name, major[0], minor[0], allowTf32 ? "on" : "off");
    }

    /** A JavaCPP pointer at a device address, for cuBLAS and cuDNN arguments. */
    public static Pointer pointer(long address) {
        return new DevicePointer(address);
    }

    /** A pointer JavaCPP passes through as is; it never owns or frees what it points at. */
    private static final class DevicePointer extends Pointer {
        DevicePointer(long deviceAddress) {
            this.address = deviceAddress;
        }
    }

    public static Pointer pointer(DeviceTensor t) {
        return pointer(t.address());
    }

    public static Pointer pointer(DeviceBuffer b) {
        return pointer(b.address());
    }

    public int ordinal() {
        return ordinal;
    }

    /** Compute capability {major, minor}, e.g. {9, 0} for an H100. */
    public int[] computeCapability() {
        return computeCapability.clone();
    }

    /** The session's stream: all work of the session is enqueued here. */
    public CUstream_st stream() {
        bind();
        return stream;
    }

    /** cuBLAS bound to the stream, with a fixed workspace (capture-safe) and TF32 as the options say. */
    public cublasContext cublas() {
        bind();
        return libraries.cublas();
    }

    /** cuDNN bound to the stream. */
    public cudnnContext cudnn() {
        bind();
        return libraries.cudnn();
    }

    public boolean allowTf32() {
        return allowTf32;
    }

    /** A kernel function of {@code source}, compiled with NVRTC on first use and cached. */
    public CudaFunction function(CudaSource source, String kernelName) {
        bind();
        return KernelCompiler.function(this, source, kernelName);
    }

    /**
     * Enqueues a kernel. Arguments: {@link DeviceTensor} or {@link DeviceBuffer} (passed as a device
     * pointer), Integer (int), Long (long long), Float, Double, Boolean (bool), a JavaCPP Pointer (its address)
     * or null (a null pointer). A grid with a zero dimension launches nothing.
     */
    public void launch(CudaFunction f, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                       int sharedBytes, Object... args) {
        if (gridX == 0 || gridY == 0 || gridZ == 0) {
            return;
        }
        if (gridX < 0 || gridY < 0 || gridZ < 0 || blockX <= 0 || blockY <= 0 || blockZ <= 0 || sharedBytes < 0) {
            throw new InvalidArgumentException("bad launch configuration for CUDA kernel " + f + ": grid (" + gridX
                    + ", " + gridY + ", " + gridZ + "), block (" + blockX + ", " + blockY + ", " + blockZ + "), "
                    + sharedBytes + " shared bytes");
        }
        bind();
        synchronized (launchLock) {
            PointerPointer<Pointer> params = arguments.fill(f, args);
            int r = cuLaunchKernel(f.handle(), gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes, stream,
                    params, (PointerPointer<?>) null);
            if (r != 0) {
                throw new InternalException("launching CUDA kernel " + f + " on " + name + " (grid " + gridX + "x"
                        + gridY + "x" + gridZ + ", block " + blockX + "x" + blockY + "x" + blockZ + ") failed: "
                        + CudaErrors.driverText(r));
            }
        }
    }

    /** Enqueues a 1-D launch covering {@code threads} with 256-thread blocks (grid capped; use grid-stride loops). */
    public void launch1d(CudaFunction f, long threads, Object... args) {
        if (threads <= 0) {
            return;
        }
        long blocks = Math.min((threads + BLOCK_1D - 1) / BLOCK_1D, MAX_GRID_1D);
        launch(f, (int) blocks, 1, 1, BLOCK_1D, 1, 1, 0, args);
    }

    /** Temporary device memory (a workspace): release it right after enqueueing the work that uses it. */
    public DeviceBuffer scratch(long bytes) {
        if (bytes < 0) {
            throw new InvalidArgumentException("a workspace of " + bytes + " bytes was asked for on " + name);
        }
        bind();
        return allocator.allocate(bytes, false, () -> "a workspace");
    }

    /** The value {@link #cache} holds for {@code key}, or null: never creates one. */
    @SuppressWarnings("unchecked")
    public <T> T cached(Object key) {
        return (T) cache.get(key);
    }

    /**
     * Per-device cache for algorithm choices, descriptors and the like; {@code create} runs once per key
     * (it may itself use the device). Values that are AutoCloseable are closed with the device.
     */
    @SuppressWarnings("unchecked")
    public <T> T cache(Object key, Supplier<T> create) {
        Object v = cache.get(key);
        if (v == null) {
            v = create.get();
            Object prev = cache.putIfAbsent(key, v);
            if (prev != null) {
                closeQuietly(v);
                v = prev;
            }
        }
        return (T) v;
    }

    /** Fills {@code bytes} at {@code t}'s address with zero bytes, enqueued. */
    public void zero(DeviceTensor t) {
        if (t.byteSize() == 0) {
            return;
        }
        bind();
        CudaErrors.check(cudaMemsetAsync(pointer(t.address()), 0, t.byteSize(), stream), name,
                "zeroing " + t.byteSize() + " bytes");
    }

    /** Bytes held in the cache for reuse (not in any live tensor). */
    public long cachedBytes() {
        return allocator.cachedBytes();
    }

    /** Whether work is being recorded now (between {@link #beginCapture} and {@link #endCapture}). */
    public boolean isRecording() {
        return recording;
    }

    // ---- DeviceContext ----

    @Override
    public String deviceType() {
        return "GPU";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DeviceTensor allocate(DType dtype, Shape shape) {
        return allocate(dtype, shape, false);
    }

    @Override
    public DeviceTensor allocatePersistent(DType dtype, Shape shape) {
        return allocate(dtype, shape, true);
    }

    private DeviceTensor allocate(DType dtype, Shape shape, boolean persistent) {
        if (dtype == DType.STRING) {
            throw HostArrays.unsupported();
        }
        if (!shape.isFullyDefined()) {
            throw new InvalidArgumentException("a GPU tensor needs a fully defined shape, got " + shape);
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(shape.numElements(), (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new InvalidArgumentException("a " + dtype + " tensor of shape " + shape + " is too large");
        }
        bind();
        CudaBuffer b = allocator.allocate(bytes, persistent, () -> "a " + dtype + " tensor of shape " + shape);
        return new DeviceTensor(dtype, shape, b);
    }

    @Override
    public void release(DeviceBuffer buffer) {
        if (buffer != null) {
            allocator.release(buffer);
        }
    }

    @Override
    public void upload(Tensor src, DeviceTensor dst) {
        if (src.dtype() == DType.STRING || dst.dtype() == DType.STRING) {
            throw HostArrays.unsupported();
        }
        if (src.dtype() != dst.dtype() || src.numElements() != dst.numElements()) {
            throw new InvalidArgumentException("cannot upload a " + src.dtype() + " tensor of shape " + src.shape()
                    + " into a " + dst.dtype() + " tensor of shape " + dst.shape() + " on " + name);
        }
        bind();
        int n = src.numElements();
        if (n == 0) {
            return;
        }
        if (!recording) {
            StagedFeeds.Ticket ticket = stagedFeeds == null ? null
                    : stagedFeeds.take(src.array(), (long) n * src.dtype().byteSize());
            if (ticket != null) {
                ticket.moveInto(dst.address(), stream);
                return;
            }
            if (overlapped != null && (long) n * src.dtype().byteSize() >= OverlappedUploads.MIN_BYTES) {
                overlapped.upload(staging, src.array(), src.dtype(), n, dst.address(), stream, copyStream);
            } else {
                staging.upload(src.array(), src.dtype(), n, dst.address(), stream, false);
            }
            return;
        }
        CudaBuffer target = (CudaBuffer) dst.buffer();
        if (allocator.mayUploadAtOnce(target)) {
            // Copied now on the side stream; the recorded stream must not contain it (the executor re-uploads
            // feeds before each replay, and other uploaded values are fixed for the recording).
            staging.upload(src.array(), src.dtype(), n, dst.address(), copyStream, true);
        } else {
            recordUpload(src, dst, target.pool);
        }
    }

    /**
     * Copies a feed of {@link StagedFeeds#MIN_BYTES} or more to the device now, on the copy stream, into a buffer
     * of its own; the upload of the same tensor by a later run (not while recording) moves it into place on the
     * device. Smaller values, strings, and devices with {@code -Dtensorgraph.cuda.overlapFeeds=false} stage
     * nothing.
     */
    @Override
    public StagedFeed stage(Tensor value) {
        long bytes = (long) value.numElements() * value.dtype().byteSize();
        if (stagedFeeds == null || value.dtype() == DType.STRING || bytes < StagedFeeds.MIN_BYTES) {
            return StagedFeed.NONE;
        }
        bind();
        return stagedFeeds.stage(value.array(), value.dtype(), value.numElements());
    }

    /** Device bytes held for staged feeds, and staged feeds no run has taken; for tests. */
    long stagedDeviceBytes() {
        return stagedFeeds == null ? 0 : stagedFeeds.deviceBytes();
    }

    int stagedPending() {
        return stagedFeeds == null ? 0 : stagedFeeds.pendingCount();
    }

    /** Records a copy from a pinned host copy of {@code src}, so every replay writes it in stream order. */
    private void recordUpload(Tensor src, DeviceTensor dst, CapturePool pool) {
        long bytes = (long) src.numElements() * src.dtype().byteSize();
        Pointer host = new Pointer();
        CudaErrors.check(cudaMallocHost(host, bytes), name, "allocating " + bytes + " bytes of pinned host memory");
        pool.addHostCopy(host);
        HostArrays.write(src.array(), 0, src.numElements(), host);
        CudaErrors.check(cudaMemcpyAsync(pointer(dst.address()), host, bytes, cudaMemcpyHostToDevice, stream), name,
                "recording a copy of " + bytes + " bytes to the device");
    }

    @Override
    public Tensor download(DeviceTensor src) {
        if (src.dtype() == DType.STRING) {
            throw HostArrays.unsupported();
        }
        bind();
        if (recording) {
            throw new InternalException("cannot copy " + src + " to the host while " + name + " records work");
        }
        int n = Math.toIntExact(src.numElements());
        Object array = HostArrays.newArray(src.dtype(), n);
        if (n == 0) {
            synchronize();
        } else {
            staging.download(src.address(), src.dtype(), n, array, stream);
        }
        return Tensor.wrap(src.dtype(), src.shape(), array);
    }

    @Override
    public void copy(DeviceTensor src, DeviceTensor dst) {
        if (src.byteSize() != dst.byteSize()) {
            throw new InvalidArgumentException("cannot copy " + src + " (" + src.byteSize() + " bytes) into " + dst
                    + " (" + dst.byteSize() + " bytes) on " + name);
        }
        if (src.byteSize() == 0 || src.address() == dst.address()) {
            return;
        }
        bind();
        CudaErrors.check(cudaMemcpyAsync(pointer(dst.address()), pointer(src.address()), src.byteSize(),
                cudaMemcpyDeviceToDevice, stream), name, "copying " + src.byteSize() + " bytes on the device");
    }

    @Override
    public void synchronize() {
        bind();
        if (recording) {
            throw new InternalException("cannot wait for " + name + " while it records work");
        }
        int r = cudaStreamSynchronize(stream);
        if (r != cudaSuccess) {
            throw new InternalException("running enqueued work on " + name + " failed: " + CudaErrors.runtimeText(r));
        }
    }

    @Override
    public ReentrantLock runLock() {
        return runLock;
    }

    @Override
    public boolean supportsCapture() {
        return true;
    }

    @Override
    public synchronized void beginCapture() {
        bind();
        if (recording) {
            throw new InternalException(name + " is already recording work");
        }
        // Everything enqueued so far must be done: blocks the recording takes from the cache are then idle,
        // so the side-stream uploads of the recording can write them at once.
        synchronize();
        staging.markIdle();
        CapturePool pool = allocator.beginRecording();
        int r = cudaStreamBeginCapture(stream, cudaStreamCaptureModeRelaxed);
        if (r != cudaSuccess) {
            allocator.endRecording();
            allocator.returnPool(pool);
            cudaGetLastError();
            throw new InternalException("starting to record work on " + name + " failed: " + CudaErrors.runtimeText(r));
        }
        recordingPool = pool;
        recording = true;
    }

    private CapturePool recordingPool;

    @Override
    public synchronized CapturedWork endCapture() {
        bind();
        if (!recording) {
            throw new InternalException("endCapture on " + name + " without beginCapture");
        }
        CapturePool pool = recordingPool;
        recordingPool = null;
        recording = false;
        allocator.endRecording();
        CUgraph_st graph = new CUgraph_st();
        int r = cudaStreamEndCapture(stream, graph);
        if (r != cudaSuccess) {
            return recordingFailed("ending the recording", r, graph, pool);
        }
        CUgraphExec_st exec = new CUgraphExec_st();
        r = cudaGraphInstantiate(exec, graph, 0L);
        if (r != cudaSuccess) {
            return recordingFailed("instantiating the recorded graph", r, graph, pool);
        }
        cudaGraphDestroy(graph);
        return new CudaCapture(this, exec, pool);
    }

    private CapturedWork recordingFailed(String stage, int code, CUgraph_st graph, CapturePool pool) {
        LOG.warn("recording work on {} failed while {}: {}; running step by step instead", name, stage,
                CudaErrors.runtimeText(code));
        cudaGetLastError();
        if (graph != null && !graph.isNull()) {
            cudaGraphDestroy(graph);
        }
        // Nothing recorded ever ran, so the pool's memory is idle.
        freeHostCopies(pool);
        allocator.returnPool(pool);
        return null;
    }

    void launchGraph(CUgraphExec_st exec, boolean workClosed) {
        if (workClosed) {
            throw new FailedPreconditionException("replaying recorded work that was closed on " + name);
        }
        bind();
        int r = cudaGraphLaunch(exec, stream);
        if (r != cudaSuccess) {
            throw new InternalException("replaying recorded work on " + name + " failed: " + CudaErrors.runtimeText(r));
        }
    }

    synchronized void destroyCapture(CUgraphExec_st exec, CapturePool pool) {
        if (closed) {
            return; // closing the device freed all of its memory
        }
        bindUnchecked();
        if (recording) {
            throw new InternalException("cannot free recorded work on " + name + " while it records work");
        }
        int r = cudaStreamSynchronize(stream);
        if (r != cudaSuccess) {
            LOG.warn("waiting for replays on {} failed: {}", name, CudaErrors.runtimeText(r));
        }
        cudaGraphExecDestroy(exec);
        freeHostCopies(pool);
        allocator.returnPool(pool);
    }

    private static void freeHostCopies(CapturePool pool) {
        for (Pointer p : pool.takeHostCopies()) {
            cudaFreeHost(p);
        }
    }

    @Override
    public long reservedBytes() {
        return allocator.reservedBytes();
    }

    @Override
    public long bytesInUse() {
        return allocator.bytesInUse();
    }

    @Override
    public long peakBytesInUse() {
        return allocator.peakBytesInUse();
    }

    @Override
    public void resetPeakBytes() {
        allocator.resetPeakBytes();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        bindUnchecked();
        if (recording) {
            CUgraph_st graph = new CUgraph_st();
            cudaStreamEndCapture(stream, graph);
            if (!graph.isNull()) {
                cudaGraphDestroy(graph);
            }
            recording = false;
            cudaGetLastError();
        }
        int r = cudaStreamSynchronize(stream);
        if (r != cudaSuccess) {
            LOG.warn("waiting for {} while closing it failed: {}", name, CudaErrors.runtimeText(r));
        }
        for (Object v : cache.values()) {
            closeQuietly(v);
        }
        cache.clear();
        libraries.close();
        allocator.close();
        staging.close();
        if (overlapped != null) {
            overlapped.close();
        }
        if (stagedFeeds != null) {
            stagedFeeds.close();
        }
        cudaStreamDestroy(copyStream);
        cudaStreamDestroy(stream);
        synchronized (launchLock) {
            arguments.close();
        }
        cuDevicePrimaryCtxRelease(cuDevice);
        LOG.debug("closed {}", name);
    }

    /** Makes this device's context current on the calling thread; an error once the device is closed. */
    private void bind() {
        if (closed) {
            throw new FailedPreconditionException(name + " is closed (its session was closed)");
        }
        bindUnchecked();
    }

    private void bindUnchecked() {
        int[] bound = BOUND_ORDINAL.get();
        if (bound[0] != ordinal) {
            CudaErrors.check(cudaSetDevice(ordinal), name, "selecting the device");
            CudaErrors.checkDriver(cuCtxSetCurrent(primaryContext), name, "making the primary context current");
            bound[0] = ordinal;
        }
    }

    private static void closeQuietly(Object v) {
        if (v instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing a cached device object failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
