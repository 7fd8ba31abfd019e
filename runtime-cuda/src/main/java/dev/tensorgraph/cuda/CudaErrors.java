package dev.tensorgraph.cuda;

import static org.bytedeco.cuda.global.cudart.cuGetErrorName;
import static org.bytedeco.cuda.global.cudart.cuGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorName;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaSuccess;

import dev.tensorgraph.errors.InternalException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;

/** Turns CUDA runtime and driver status codes into readable text and typed errors. */
final class CudaErrors {
    private CudaErrors() {}

    /** e.g. {@code cudaErrorMemoryAllocation (out of memory)}. */
    static String runtimeText(int code) {
        return string(cudaGetErrorName(code)) + " (" + string(cudaGetErrorString(code)) + ")";
    }

    /** e.g. {@code CUDA_ERROR_INVALID_VALUE (invalid argument)}. */
    static String driverText(int code) {
        try (PointerPointer<BytePointer> name = new PointerPointer<>(1);
             PointerPointer<BytePointer> text = new PointerPointer<>(1)) {
            String n = cuGetErrorName(code, name) == 0 ? string(name.get(BytePointer.class, 0)) : "CUresult " + code;
            String t = cuGetErrorString(code, text) == 0 ? string(text.get(BytePointer.class, 0)) : "unknown error";
            return n + " (" + t + ")";
        }
    }

    /** Throws an {@link InternalException} "{@code what} on {@code device} failed: ..." unless {@code code} is success. */
    static void check(int code, String device, String what) {
        if (code != cudaSuccess) {
            throw new InternalException(what + " on " + device + " failed: " + runtimeText(code));
        }
    }

    static void checkDriver(int code, String device, String what) {
        if (code != 0) {
            throw new InternalException(what + " on " + device + " failed: " + driverText(code));
        }
    }

    private static String string(BytePointer p) {
        return p == null || p.isNull() ? "?" : p.getString();
    }
}
