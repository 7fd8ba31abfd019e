package dev.tensorgraph.cuda;

import org.bytedeco.cuda.cudart.CUfunc_st;

/** A compiled kernel function (a CUfunction) of one {@link CudaSource}, loaded in the device's context. */
public final class CudaFunction {
    private final CUfunc_st handle;
    private final String name;
    private final String sourceName;

    CudaFunction(CUfunc_st handle, String name, String sourceName) {
        this.handle = handle;
        this.name = name;
        this.sourceName = sourceName;
    }

    CUfunc_st handle() {
        return handle;
    }

    /** The kernel's name in its source. */
    public String name() {
        return name;
    }

    /** The {@link CudaSource#name()} it was compiled from. */
    public String sourceName() {
        return sourceName;
    }

    @Override
    public String toString() {
        return sourceName + "::" + name;
    }
}
