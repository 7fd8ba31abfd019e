package dev.tensorgraph.cuda;

import static org.bytedeco.cuda.global.cudart.cudaGetDeviceCount;
import static org.bytedeco.cuda.global.cudart.cudaGetLastError;
import static org.bytedeco.cuda.global.cudart.cudaSuccess;

import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.device.DeviceContext;
import dev.tensorgraph.device.DeviceRuntime;
import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.kernel.KernelRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NVIDIA GPUs through the CUDA runtime, found with {@link java.util.ServiceLoader}. Probing never throws:
 * without the CUDA libraries, a driver or a device, it reports zero devices and says why.
 */
public final class CudaRuntime implements DeviceRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(CudaRuntime.class);
    private static volatile Probe probe;

    private record Probe(int count, String reason) {}

    @Override
    public String deviceType() {
        return KernelRegistry.GPU;
    }

    @Override
    public int deviceCount() {
        return probe().count();
    }

    @Override
    public String unavailableReason() {
        return probe().reason();
    }

    @Override
    public DeviceContext open(int index, SessionOptions options) {
        Probe p = probe();
        if (index < 0 || index >= p.count()) {
            throw new FailedPreconditionException("cannot open GPU " + index + ": "
                    + (p.count() == 0 ? p.reason() : "only " + p.count() + " GPU(s) are present"));
        }
        return new CudaDevice(index, options);
    }

    private static Probe probe() {
        Probe p = probe;
        if (p == null) {
            synchronized (CudaRuntime.class) {
                p = probe;
                if (p == null) {
                    p = detect();
                    probe = p;
                    LOG.debug("CUDA devices: {}{}", p.count(), p.reason().isEmpty() ? "" : " (" + p.reason() + ")");
                }
            }
        }
        return p;
    }

    private static Probe detect() {
        try {
            int[] count = new int[1];
            int r = cudaGetDeviceCount(count);
            if (r != cudaSuccess) {
                cudaGetLastError();
                return new Probe(0, "cudaGetDeviceCount returned " + r + " " + CudaErrors.runtimeText(r));
            }
            if (count[0] == 0) {
                return new Probe(0, "no CUDA device is present");
            }
            return new Probe(count[0], "");
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            // Missing libcudart or libcuda surfaces as a linkage error while the presets load.
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Probe(0, "CUDA driver not found: " + message);
        }
    }
}
