package dev.tensorgraph.cuda;

import static org.bytedeco.cuda.global.cublas.CUBLAS_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cublas.CUBLAS_TF32_TENSOR_OP_MATH;
import static org.bytedeco.cuda.global.cublas.cublasCreate_v2;
import static org.bytedeco.cuda.global.cublas.cublasDestroy_v2;
import static org.bytedeco.cuda.global.cublas.cublasSetMathMode;
import static org.bytedeco.cuda.global.cublas.cublasSetStream_v2;
import static org.bytedeco.cuda.global.cublas.cublasSetWorkspace_v2;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudnn.CUDNN_STATUS_SUCCESS;
import static org.bytedeco.cuda.global.cudnn.cudnnCreate;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroy;
import static org.bytedeco.cuda.global.cudnn.cudnnGetErrorString;
import static org.bytedeco.cuda.global.cudnn.cudnnSetStream;

import dev.tensorgraph.errors.InternalException;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.javacpp.Pointer;

/**
 * A session's cuBLAS and cuDNN handles, created on first use (sessions without matrix products or
 * convolutions never pay for them; a plan's first run is never recorded, so creation happens outside
 * recordings) and bound to the session's stream. cuBLAS gets a fixed workspace so recorded calls allocate
 * nothing.
 */
final class LibraryHandles {
    private static final long CUBLAS_WORKSPACE_BYTES = 32L << 20;

    private final String deviceName;
    private final CUstream_st stream;
    private final boolean allowTf32;
    private cublasContext cublas;
    private Pointer cublasWorkspace;
    private cudnnContext cudnn;

    LibraryHandles(String deviceName, CUstream_st stream, boolean allowTf32) {
        this.deviceName = deviceName;
        this.stream = stream;
        this.allowTf32 = allowTf32;
    }

    synchronized cublasContext cublas() {
        if (cublas == null) {
            Pointer workspace = new Pointer();
            CudaErrors.check(cudaMalloc(workspace, CUBLAS_WORKSPACE_BYTES), deviceName, "allocating the cuBLAS workspace");
            cublasContext h = new cublasContext();
            try {
                cublasCheck(cublasCreate_v2(h), "creating the cuBLAS handle");
                cublasCheck(cublasSetStream_v2(h, stream), "binding cuBLAS to the stream");
                cublasCheck(cublasSetWorkspace_v2(h, workspace, CUBLAS_WORKSPACE_BYTES), "setting the cuBLAS workspace");
                cublasCheck(cublasSetMathMode(h, allowTf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH),
                        "setting the cuBLAS math mode");
            } catch (InternalException e) {
                if (!h.isNull()) {
                    cublasDestroy_v2(h);
                }
                cudaFree(workspace);
                throw e;
            }
            cublasWorkspace = workspace;
            cublas = h;
        }
        return cublas;
    }

    synchronized cudnnContext cudnn() {
        if (cudnn == null) {
            cudnnContext h = new cudnnContext();
            int r = cudnnCreate(h);
            if (r != CUDNN_STATUS_SUCCESS) {
                throw new InternalException("creating the cuDNN handle on " + deviceName + " failed: "
                        + cudnnGetErrorString(r).getString());
            }
            r = cudnnSetStream(h, stream);
            if (r != CUDNN_STATUS_SUCCESS) {
                cudnnDestroy(h);
                throw new InternalException("binding cuDNN to the stream on " + deviceName + " failed: "
                        + cudnnGetErrorString(r).getString());
            }
            cudnn = h;
        }
        return cudnn;
    }

    /** Destroys the handles; the caller has waited for the stream. */
    synchronized void close() {
        if (cublas != null) {
            cublasDestroy_v2(cublas);
            cublas = null;
            cudaFree(cublasWorkspace);
            cublasWorkspace = null;
        }
        if (cudnn != null) {
            cudnnDestroy(cudnn);
            cudnn = null;
        }
    }

    private void cublasCheck(int status, String what) {
        if (status != 0) {
            throw new InternalException(what + " on " + deviceName + " failed: cublasStatus " + status);
        }
    }
}
