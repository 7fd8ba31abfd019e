package dev.tensorgraph.cuda.kernels;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.cuda.CudaDevice;
import dev.tensorgraph.cuda.CudaRuntime;
import dev.tensorgraph.device.DeviceTensor;
import org.junit.jupiter.api.Assumptions;

/** The GPU as the kernel-level tests use it directly: whether there is one, and float32 values put on it. */
final class KernelTestDevices {
    private KernelTestDevices() {}

    /** Skips the calling test, with the runtime's reason, where no usable GPU is present. */
    static void assumeGpu() {
        boolean present;
        String why;
        try {
            CudaRuntime runtime = new CudaRuntime();
            present = runtime.deviceCount() > 0;
            why = runtime.unavailableReason();
        } catch (Throwable t) {
            present = false;
            why = t.toString();
        }
        Assumptions.assumeTrue(present, "no usable GPU: " + why);
    }

    /** A new flat float32 device tensor holding {@code values}. */
    static DeviceTensor upload(CudaDevice dev, float[] values) {
        DeviceTensor t = dev.allocate(DType.FLOAT32, Shape.of(values.length));
        dev.upload(Tensor.of(DType.FLOAT32, Shape.of(values.length), values), t);
        return t;
    }
}
