package dev.tensorgraph.device;

import dev.tensorgraph.SessionOptions;

/**
 * A device family on the class path (found with {@link java.util.ServiceLoader}), e.g. runtime-cuda's
 * GPUs. A session asks it for a {@link DeviceContext} when the options allow that device.
 */
public interface DeviceRuntime {
    /** The kernel registry's device type it serves, e.g. {@code "GPU"}. */
    String deviceType();

    /** Devices present and usable now; 0 (never an exception) when drivers or hardware are missing. */
    int deviceCount();

    /** Why {@link #deviceCount()} is 0, for error messages; empty when devices are present. */
    String unavailableReason();

    /** Opens device {@code index} for one session. */
    DeviceContext open(int index, SessionOptions options);
}
