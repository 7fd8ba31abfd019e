package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.errors.InternalException;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.BytePointer;

/** Turns cuBLAS and cuDNN status codes into typed errors that name the op and the call. */
final class DnnStatus {
    private DnnStatus() {}

    static void checkCudnn(int status, String op, String call) {
        if (status != cudnn.CUDNN_STATUS_SUCCESS) {
            BytePointer text = cudnn.cudnnGetErrorString(status);
            throw new InternalException(op + ": " + call + " failed: "
                    + (text == null || text.isNull() ? "cudnnStatus " + status : text.getString()));
        }
    }

    static void checkCublas(int status, String op, String call) {
        if (status != cublas.CUBLAS_STATUS_SUCCESS) {
            BytePointer text = cublas.cublasGetStatusString(status);
            throw new InternalException(op + ": " + call + " failed: "
                    + (text == null || text.isNull() ? "cublasStatus " + status : text.getString()));
        }
    }
}
