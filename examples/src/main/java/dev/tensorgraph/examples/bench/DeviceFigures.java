package dev.tensorgraph.examples.bench;

import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import java.util.Map;

/** What a GPU figure needs beside its time: the device, the session's peak and reserved memory, the options. */
final class DeviceFigures {
    private DeviceFigures() {}

    /** Adds the device's figures to {@code extra}; nothing for a session without a device. */
    static void add(Session s, SessionOptions options, Map<String, Object> extra) {
        if (s.device() == null) {
            return;
        }
        extra.put("device", s.device().name());
        extra.put("peak GPU MiB", s.device().peakBytesInUse() / (1024.0 * 1024.0));
        extra.put("GPU MiB reserved", s.device().reservedBytes() / (1024.0 * 1024.0));
        extra.put("tf32", options.allowTf32());
        extra.put("mixed precision", String.valueOf(options.mixedPrecision()));
        extra.put("fusion", options.fuseOps());
        extra.put("device graphs", options.deviceGraphs());
    }
}
