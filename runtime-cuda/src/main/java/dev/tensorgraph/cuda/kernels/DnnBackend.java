package dev.tensorgraph.cuda.kernels;

import static dev.tensorgraph.cuda.kernels.DnnStatus.checkCudnn;

import dev.tensorgraph.cuda.CudaDevice;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.cuda.cudnn.cudnnBackendDescriptor_t;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.BoolPointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * A set of cuDNN backend ("graph" API) descriptors that live and die together, with typed setters and
 * getters over cudnnBackendSetAttribute / GetAttribute. The backend API takes every attribute as an array
 * of elements in host memory; the helpers here make those arrays so that callers name only values.
 */
final class DnnBackend implements AutoCloseable {
    private final String op;
    private final List<cudnnBackendDescriptor_t> owned = new ArrayList<>();

    DnnBackend(String op) {
        this.op = op;
    }

    /** A new, empty descriptor of {@code type} (a CUDNN_BACKEND_*_DESCRIPTOR), destroyed with this set. */
    cudnnBackendDescriptor_t create(int type) {
        cudnnBackendDescriptor_t d = new cudnnBackendDescriptor_t();
        checkCudnn(cudnn.cudnnBackendCreateDescriptor(type, d), op, "cudnnBackendCreateDescriptor(" + type + ")");
        owned.add(d);
        return d;
    }

    /** Destroys {@code d} now (it must have been created here), e.g. a candidate that was not chosen. */
    void destroy(cudnnBackendDescriptor_t d) {
        if (owned.remove(d)) {
            cudnn.cudnnBackendDestroyDescriptor(d);
        }
    }

    void setLongs(cudnnBackendDescriptor_t d, int attribute, long... values) {
        try (LongPointer p = new LongPointer(values)) {
            set(d, attribute, cudnn.CUDNN_TYPE_INT64, values.length, p);
        }
    }

    /** An enum-valued attribute: {@code type} is the CUDNN_TYPE_* of the enum (data type, mode ...). */
    void setEnum(cudnnBackendDescriptor_t d, int attribute, int type, int value) {
        try (IntPointer p = new IntPointer(1)) {
            p.put(value);
            set(d, attribute, type, 1, p);
        }
    }

    void setBoolean(cudnnBackendDescriptor_t d, int attribute, boolean value) {
        try (BoolPointer p = new BoolPointer(1)) {
            p.put(value);
            set(d, attribute, cudnn.CUDNN_TYPE_BOOLEAN, 1, p);
        }
    }

    void setFloat(cudnnBackendDescriptor_t d, int attribute, float value) {
        try (FloatPointer p = new FloatPointer(1)) {
            p.put(value);
            set(d, attribute, cudnn.CUDNN_TYPE_FLOAT, 1, p);
        }
    }

    void setHandle(cudnnBackendDescriptor_t d, int attribute, cudnnContext handle) {
        try (PointerPointer<Pointer> p = new PointerPointer<>(1)) {
            p.put(0, handle);
            set(d, attribute, cudnn.CUDNN_TYPE_HANDLE, 1, p);
        }
    }

    void setDescriptors(cudnnBackendDescriptor_t d, int attribute, cudnnBackendDescriptor_t... values) {
        try (PointerPointer<Pointer> p = new PointerPointer<>(values.length)) {
            for (int i = 0; i < values.length; i++) {
                p.put(i, values[i]);
            }
            set(d, attribute, cudnn.CUDNN_TYPE_BACKEND_DESCRIPTOR, values.length, p);
        }
    }

    /** Device addresses (data pointers, workspace); 0 stands for none. */
    void setAddresses(cudnnBackendDescriptor_t d, int attribute, long... addresses) {
        try (PointerPointer<Pointer> p = new PointerPointer<>(addresses.length)) {
            for (int i = 0; i < addresses.length; i++) {
                p.put(i, CudaDevice.pointer(addresses[i]));
            }
            set(d, attribute, cudnn.CUDNN_TYPE_VOID_PTR, addresses.length, p);
        }
    }

    private void set(cudnnBackendDescriptor_t d, int attribute, int type, long count, Pointer values) {
        checkCudnn(cudnn.cudnnBackendSetAttribute(d, attribute, type, count, values), op,
                "cudnnBackendSetAttribute(" + attribute + ")");
    }

    /** Finalizes {@code d}; returns the status instead of throwing (unsupported configurations are common). */
    static int tryFinalize(cudnnBackendDescriptor_t d) {
        return cudnn.cudnnBackendFinalize(d);
    }

    void finish(cudnnBackendDescriptor_t d, String what) {
        checkCudnn(tryFinalize(d), op, "cudnnBackendFinalize(" + what + ")");
    }

    long getLong(cudnnBackendDescriptor_t d, int attribute) {
        try (LongPointer count = new LongPointer(1); LongPointer value = new LongPointer(1)) {
            checkCudnn(cudnn.cudnnBackendGetAttribute(d, attribute, cudnn.CUDNN_TYPE_INT64, 1, count, value), op,
                    "cudnnBackendGetAttribute(" + attribute + ")");
            return value.get();
        }
    }

    /** Up to {@code max} enum values of an array attribute (numerical or behavior notes). */
    int[] getEnums(cudnnBackendDescriptor_t d, int attribute, int type, int max) {
        try (LongPointer count = new LongPointer(1); IntPointer values = new IntPointer(max)) {
            checkCudnn(cudnn.cudnnBackendGetAttribute(d, attribute, type, max, count, values), op,
                    "cudnnBackendGetAttribute(" + attribute + ")");
            int[] out = new int[(int) Math.min(max, count.get())];
            values.get(out);
            return out;
        }
    }

    /** The number of descriptors an array attribute holds (e.g. heuristic results). */
    long countDescriptors(cudnnBackendDescriptor_t d, int attribute) {
        try (LongPointer count = new LongPointer(1)) {
            checkCudnn(cudnn.cudnnBackendGetAttribute(d, attribute, cudnn.CUDNN_TYPE_BACKEND_DESCRIPTOR, 0, count,
                    (Pointer) null), op, "cudnnBackendGetAttribute(" + attribute + ") count");
            return count.get();
        }
    }

    /**
     * Fills descriptors of {@code type}, created here, from an array attribute of {@code d}: cuDNN copies
     * into descriptors the caller made rather than handing out its own.
     */
    List<cudnnBackendDescriptor_t> getDescriptors(cudnnBackendDescriptor_t d, int attribute, int type, int n) {
        List<cudnnBackendDescriptor_t> out = new ArrayList<>(n);
        try (PointerPointer<Pointer> p = new PointerPointer<>(Math.max(1, n)); LongPointer count = new LongPointer(1)) {
            for (int i = 0; i < n; i++) {
                cudnnBackendDescriptor_t e = create(type);
                out.add(e);
                p.put(i, e);
            }
            checkCudnn(cudnn.cudnnBackendGetAttribute(d, attribute, cudnn.CUDNN_TYPE_BACKEND_DESCRIPTOR, n, count, p),
                    op, "cudnnBackendGetAttribute(" + attribute + ")");
            for (int i = (int) count.get(); i < n; i++) {
                destroy(out.get(i));
            }
            return new ArrayList<>(out.subList(0, (int) Math.min(n, count.get())));
        }
    }

    @Override
    public void close() {
        // Destroyed in reverse so that descriptors go before those they were built from.
        for (int i = owned.size() - 1; i >= 0; i--) {
            cudnn.cudnnBackendDestroyDescriptor(owned.get(i));
        }
        owned.clear();
    }
}
