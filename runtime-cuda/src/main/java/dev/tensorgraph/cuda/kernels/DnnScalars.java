package dev.tensorgraph.cuda.kernels;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Host-memory alpha and beta for cuBLAS (pointer mode host) and cuDNN, which read them when the call is
 * enqueued. A class of its own so that registering kernels on a machine without native libraries allocates
 * nothing.
 */
final class DnnScalars {
    private DnnScalars() {}

    static final FloatPointer ONE_F = new FloatPointer(1f);
    static final FloatPointer ZERO_F = new FloatPointer(0f);
    static final DoublePointer ONE_D = new DoublePointer(1.0);
    static final DoublePointer ZERO_D = new DoublePointer(0.0);
}
