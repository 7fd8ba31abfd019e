package dev.tensorgraph.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Whether this CPU runs 512-bit vector instructions on 256-bit units, as AMD's Zen 4 (family 25 with AVX-512) does:
 * each 512-bit multiply-add there takes both halves of a unit, so OpenBLAS's AVX-512 kernels gain nothing over its
 * 256-bit ones while our vector kernels, which keep their operands in panels across runs and lay them out for the
 * JVM's 16-lane vectors, outrun both on big products and convolutions. On a 2-core Zen 4 with OpenBLAS 0.3.21
 * named {@code SkylakeX}, against everything big in the vector kernels: W2 176-181 against 209-213 GFLOP/s and
 * W5 702 against 630 ms a step. Zen 5 (family 26) and Intel's server cores have full-width units and are not
 * counted.
 */
final class HalfWidthVectorUnits {
    private static final int ZEN4_FAMILY = 25;
    private static final boolean PRESENT = describedBy(readCpuinfo());

    private HalfWidthVectorUnits() {}

    /** Whether the CPU this JVM runs on has them; false where {@code /proc/cpuinfo} cannot be read. */
    static boolean present() {
        return PRESENT;
    }

    /** Whether the first processor that {@code cpuinfo} (the text of {@code /proc/cpuinfo}) lists has them. */
    static boolean describedBy(String cpuinfo) {
        String vendor = field(cpuinfo, "vendor_id");
        String family = field(cpuinfo, "cpu family");
        String flags = field(cpuinfo, "flags");
        if (!"AuthenticAMD".equals(vendor) || flags == null) {
            return false;
        }
        try {
            return family != null && Integer.parseInt(family) == ZEN4_FAMILY
                    && Arrays.asList(flags.toLowerCase(Locale.ROOT).split("\\s+")).contains("avx512f");
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The value of the first line that names {@code name} before its colon, trimmed, or null. */
    private static String field(String cpuinfo, String name) {
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static String readCpuinfo() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        try {
            return Files.isReadable(cpuinfo) ? Files.readString(cpuinfo) : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
