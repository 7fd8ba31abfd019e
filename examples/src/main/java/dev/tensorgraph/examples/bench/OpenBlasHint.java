package dev.tensorgraph.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Whether the environment keeps OpenBLAS off the CPU's AVX-512 kernels. OpenBLAS picks its kernels once,
 * when it loads, from the CPU or from {@code OPENBLAS_CORETYPE}. A value such as {@code Haswell} leaves half of
 * each 512-bit vector unused: W2's products at 1024^3, one core, 100 GFLOP/s with {@code Haswell} against 184 with
 * {@code SkylakeX} on a Zen 5, and W3 281 against 462 steps/s on an Intel Xeon (family 6, model 207). The Zen 4
 * (AMD family 25), whose AVX-512 runs on 256-bit units, does better with {@code Haswell} (105 against 99 GFLOP/s),
 * so it gets no note.
 */
final class OpenBlasHint {
    private static final Set<String> AVX512_CORES = Set.of("skylakex", "cooperlake", "sapphirerapids");

    private OpenBlasHint() {}

    /**
     * A note for the benchmark's header, or null: where the CPU has the AVX-512 subsets of OpenBLAS's
     * SkylakeX kernels but the environment names a core type without them.
     */
    static String note() {
        if (!nativeBlasInUse()) {
            return null;
        }
        Set<String> flags = new HashSet<>(Arrays.asList(cpuinfoField("flags").split("\\s+")));
        if (!flags.containsAll(Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl"))
                || "AuthenticAMD".equals(cpuinfoField("vendor_id")) && "25".equals(cpuinfoField("cpu family"))) {
            return null;
        }
        String chosen = System.getenv("OPENBLAS_CORETYPE");
        if (chosen != null && !chosen.isBlank() && !AVX512_CORES.contains(chosen.toLowerCase(java.util.Locale.ROOT))) {
            return "OPENBLAS_CORETYPE=" + chosen + " in the environment keeps OpenBLAS off this CPU's AVX-512 kernels "
                    + "(OPENBLAS_CORETYPE=SkylakeX selects them; scripts/tensorgraph names it where the environment names none)";
        }
        return null;
    }

    /**
     * A note, or null, for the threaded OpenBLAS loaded without {@code OPENBLAS_NUM_THREADS=1}: the runtime
     * then gives it each product whole and keeps the loops around products on one thread (it is not told how
     * many threads OpenBLAS will start), which made W4 and W7 about 1.6x slower on 2 cores.
     */
    static String threadsNote() {
        if (!nativeBlasInUse() || System.getProperty("tensorgraph.blas") != null || System.getProperty("dev.ludovic.netlib.blas.nativeLibPath") != null
                || "1".equals(System.getenv("OPENBLAS_NUM_THREADS"))) {
            return null;
        }
        boolean threaded = Files.isReadable(Path.of("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"))
                || Files.isReadable(Path.of("/usr/lib/aarch64-linux-gnu/openblas-pthread/libblas.so.3"));
        return threaded ? "OpenBLAS threads each product itself because OPENBLAS_NUM_THREADS is not 1, so the loops "
                + "around products run on one thread; set OPENBLAS_NUM_THREADS=1 (scripts/tensorgraph does) to let "
                + "Tensorgraph split products over its own threads" : null;
    }

    /**
     * Whether the products may run in a native BLAS: they do wherever one is installed, unless
     * {@code -Dtensorgraph.blas=java} or {@code vector} keeps them in the JVM.
     */
    private static boolean nativeBlasInUse() {
        String choice = System.getProperty("tensorgraph.blas", "auto");
        return !"java".equalsIgnoreCase(choice) && !"vector".equalsIgnoreCase(choice);
    }

    /** The value of the first line of {@code /proc/cpuinfo} that names this field, or "" where there is none. */
    private static String cpuinfoField(String name) {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return "";
        }
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith(name) && l.indexOf(':') > 0
                            && l.substring(0, l.indexOf(':')).trim().equals(name))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
