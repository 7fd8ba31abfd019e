package dev.tensorgraph.examples;

import dev.tensorgraph.device.DeviceRuntime;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Assumptions;

/** Skips a test where no GPU runtime with a device is on the class path (machines without a GPU, CI). */
public final class GpuAssumption {
    private GpuAssumption() {}

    public static void assumeGpu() {
        boolean present;
        try {
            present = ServiceLoader.load(DeviceRuntime.class).stream().map(ServiceLoader.Provider::get)
                    .anyMatch(r -> r.deviceType().equals(KernelRegistry.GPU) && r.deviceCount() > 0);
        } catch (Throwable t) {
            present = false;
        }
        Assumptions.assumeTrue(present, "no usable GPU");
    }
}
