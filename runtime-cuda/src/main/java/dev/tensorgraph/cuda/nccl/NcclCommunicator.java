package dev.tensorgraph.cuda.nccl;

import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceCount;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamCreate;
import static org.bytedeco.cuda.global.cudart.cudaStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;
import static org.bytedeco.cuda.global.cudart.cudaSuccess;
import static org.bytedeco.cuda.global.nccl.ncclAllReduce;
import static org.bytedeco.cuda.global.nccl.ncclCommAbort;
import static org.bytedeco.cuda.global.nccl.ncclCommDestroy;
import static org.bytedeco.cuda.global.nccl.ncclCommInitRank;
import static org.bytedeco.cuda.global.nccl.ncclFloat32;
import static org.bytedeco.cuda.global.nccl.ncclGetErrorString;
import static org.bytedeco.cuda.global.nccl.ncclGetUniqueId;
import static org.bytedeco.cuda.global.nccl.ncclSuccess;
import static org.bytedeco.cuda.global.nccl.ncclSum;

import dev.tensorgraph.errors.CancelledException;
import dev.tensorgraph.errors.InternalException;
import dev.tensorgraph.errors.InvalidArgumentException;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.nccl.ncclComm;
import org.bytedeco.cuda.nccl.ncclUniqueId;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;

/**
 * One rank of an NCCL communicator: a GPU that sums float arrays with the other ranks' GPUs (all-reduce), in one
 * process (a thread per GPU) or across machines. Ranks join with the same unique id, made by one of them with
 * {@link #newUniqueId} and passed to the others (a Spark barrier stage's {@code allGather}); {@link #join} blocks
 * until every rank has joined, so the ranks of one process must join from threads of their own.
 *
 * <p>Values travel host to GPU, are summed by NCCL on the rank's stream, and come back; a bucket of gradients is
 * one call. A communicator is used by one thread at a time; {@link #abort} may come from any thread.
 */
public final class NcclCommunicator implements AllReduceGroup, AutoCloseable {
    /** The size of NCCL's unique id ({@code NCCL_UNIQUE_ID_BYTES}). */
    public static final int UNIQUE_ID_BYTES = 128;

    private final int gpu;
    private final int rank;
    private final int ranks;
    private final ncclComm comm;
    private final CUstream_st stream;
    private Pointer deviceBuffer = new Pointer();
    private long capacity;
    private FloatPointer hostBuffer = new FloatPointer(0L);
    private boolean closed;
    /** Why the communicator was aborted, or null; set once, from any thread. */
    private volatile Throwable abortedBy;

    private NcclCommunicator(int gpu, int rank, int ranks, ncclComm comm, CUstream_st stream) {
        this.gpu = gpu;
        this.rank = rank;
        this.ranks = ranks;
        this.comm = comm;
        this.stream = stream;
    }

    /** Why NCCL cannot run here (no GPU, no NCCL library), or null when it can. */
    public static String unavailableReason() {
        try {
            int[] count = new int[1];
            if (cudaGetDeviceCount(count) != cudaSuccess || count[0] == 0) {
                return "no CUDA device is present";
            }
            Loader.load(org.bytedeco.cuda.global.nccl.class);
            return null;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            return "the NCCL library does not load: " + e.getMessage();
        }
    }

    /** A new unique id, made by one rank (rank 0) for all of them. */
    public static byte[] newUniqueId() {
        ncclUniqueId id = new ncclUniqueId();
        check(ncclGetUniqueId(id), "ncclGetUniqueId");
        byte[] bytes = new byte[UNIQUE_ID_BYTES];
        id.internal().get(bytes);
        return bytes;
    }

    /**
     * Joins rank {@code rank} of {@code ranks} on GPU {@code gpu}; blocks until all ranks have joined.
     *
     * @param uniqueId the bytes of rank 0's {@link #newUniqueId}
     */
    public static NcclCommunicator join(int gpu, int ranks, int rank, byte[] uniqueId) {
        if (ranks < 1 || rank < 0 || rank >= ranks) {
            throw new InvalidArgumentException("NCCL rank " + rank + " of " + ranks + " is out of range");
        }
        if (uniqueId == null || uniqueId.length != UNIQUE_ID_BYTES) {
            throw new InvalidArgumentException("an NCCL unique id has " + UNIQUE_ID_BYTES + " bytes, got "
                    + (uniqueId == null ? "none" : uniqueId.length));
        }
        checkCuda(cudaSetDevice(gpu), "cudaSetDevice(" + gpu + ")");
        ncclUniqueId id = new ncclUniqueId();
        id.internal().put(uniqueId);
        ncclComm comm = new ncclComm();
        check(ncclCommInitRank(comm, ranks, id, rank), "ncclCommInitRank(rank " + rank + " of " + ranks + ")");
        CUstream_st stream = new CUstream_st();
        checkCuda(cudaStreamCreate(stream), "cudaStreamCreate on GPU " + gpu);
        return new NcclCommunicator(gpu, rank, ranks, comm, stream);
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int ranks() {
        return ranks;
    }

    /** Replaces {@code values} by their sum over all ranks, element by element; every rank calls it in turn. */
    @Override
    public void allReduceSum(float[] values) {
        checkNotAborted();
        if (closed) {
            throw new InvalidArgumentException("NCCL communicator of rank " + rank + " is closed");
        }
        try {
            reduceOnGpu(values);
        } catch (InternalException e) {
            checkNotAborted();
            throw e;
        }
    }

    private void reduceOnGpu(float[] values) {
        long bytes = (long) values.length * Float.BYTES;
        checkCuda(cudaSetDevice(gpu), "cudaSetDevice(" + gpu + ")");
        ensureCapacity(bytes);
        hostBuffer.put(values);
        checkCuda(cudaMemcpyAsync(deviceBuffer, hostBuffer, bytes, cudaMemcpyHostToDevice, stream), "copy to GPU");
        check(ncclAllReduce(deviceBuffer, deviceBuffer, values.length, ncclFloat32, ncclSum, comm, stream),
                "ncclAllReduce of " + values.length + " floats");
        checkCuda(cudaMemcpyAsync(hostBuffer, deviceBuffer, bytes, cudaMemcpyDeviceToHost, stream), "copy from GPU");
        checkCuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
        hostBuffer.get(values);
    }

    private void ensureCapacity(long bytes) {
        if (bytes <= capacity) {
            return;
        }
        if (capacity > 0) {
            cudaFree(deviceBuffer);
            hostBuffer.close();
        }
        deviceBuffer = new Pointer();
        checkCuda(cudaMalloc(deviceBuffer, bytes), "cudaMalloc(" + bytes + ")");
        hostBuffer = new FloatPointer(bytes / Float.BYTES);
        capacity = bytes;
    }

    /**
     * Aborts the communicator ({@code ncclCommAbort}): an all-reduce this rank waits in returns, and later calls fail
     * with {@link CancelledException}. The other ranks' calls fail only when their own communicators are aborted too
     * (as {@code MultiGpuTrainer} does for the ranks of one process), or when their process ends.
     */
    @Override
    public synchronized void abort(Throwable cause) {
        if (abortedBy != null || closed) {
            return;
        }
        abortedBy = cause == null ? new CancelledException("aborted") : cause;
        ncclCommAbort(comm);
    }

    private void checkNotAborted() {
        Throwable cause = abortedBy;
        if (cause != null) {
            throw new CancelledException("NCCL communicator of rank " + rank + " of " + ranks + " was aborted: "
                    + cause.getMessage(), cause);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        cudaSetDevice(gpu);
        if (capacity > 0) {
            cudaFree(deviceBuffer);
        }
        hostBuffer.close();
        cudaStreamDestroy(stream);
        if (abortedBy == null) {
            ncclCommDestroy(comm);
        }
    }

    private static void check(int result, String what) {
        if (result != ncclSuccess) {
            throw new InternalException(what + " failed: NCCL " + result + " (" + ncclGetErrorString(result).getString()
                    + ")");
        }
    }

    private static void checkCuda(int result, String what) {
        if (result != cudaSuccess) {
            throw new InternalException(what + " failed: " + cudaGetErrorString(result).getString());
        }
    }
}
