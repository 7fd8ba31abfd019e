package dev.tensorgraph.ops.device;

import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.device.DeviceContext;
import dev.tensorgraph.device.DeviceRuntime;

/** Offers the {@link FakeDevice} to sessions, only while a test has switched it on. */
public final class FakeDeviceRuntime implements DeviceRuntime {
    static volatile boolean enabled;
    static volatile FakeDevice lastOpened;

    @Override
    public String deviceType() {
        return FakeDevice.TYPE;
    }

    @Override
    public int deviceCount() {
        return enabled ? 1 : 0;
    }

    @Override
    public String unavailableReason() {
        return enabled ? "" : "the test device is switched off";
    }

    @Override
    public DeviceContext open(int index, SessionOptions options) {
        FakeDeviceKernels.registerOnce();
        lastOpened = new FakeDevice();
        return lastOpened;
    }
}
