package dev.tensorgraph;

import dev.tensorgraph.device.DeviceContext;
import dev.tensorgraph.device.DeviceRuntime;
import dev.tensorgraph.errors.FailedPreconditionException;
import dev.tensorgraph.kernel.KernelRegistry;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the GPU runtime on the class path and opens the device a session's options ask for. */
final class Devices {
    private static final Logger LOG = LoggerFactory.getLogger(Devices.class);

    private Devices() {}

    /** The device for a new session, or null for the CPU only; an error only when the GPU was required. */
    static DeviceContext open(SessionOptions options) {
        if (!options.allowGpu()) {
            return null;
        }
        DeviceRuntime gpu = null;
        String why = "no GPU runtime on the class path (add the tensorgraph-runtime-cuda dependency)";
        for (DeviceRuntime r : ServiceLoader.load(DeviceRuntime.class, Devices.class.getClassLoader())) {
            if (r.deviceType().equals(KernelRegistry.CPU)) {
                continue;
            }
            int count = r.deviceCount();
            if (count > options.gpuIndex()) {
                gpu = r;
                break;
            }
            why = count == 0 ? r.unavailableReason()
                    : "GPU " + options.gpuIndex() + " was asked for but only " + count + " GPU(s) are present";
        }
        if (gpu == null) {
            return missing(options, why);
        }
        DeviceContext ctx = gpu.open(options.gpuIndex(), options);
        LOG.debug("session runs on {}", ctx.name());
        return ctx;
    }

    private static DeviceContext missing(SessionOptions options, String why) {
        if (options.requireGpu()) {
            throw new FailedPreconditionException("cannot run on GPU " + options.gpuIndex() + ": " + why);
        }
        return null;
    }
}
