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
 * when it loads, from the CPU or from {@code OPENBLAS_CORETYPE}. On Intel CPUs with full-width AVX-512 units a
 * value such as {@code Haswell} leaves half of each vector unit unused, which a benchmark reader should know. AMD's
 * Zen 4 runs AVX-512 on 256-bit units, and there OpenBLAS's Haswell kernels are the faster ones: one core of the
 * project's 2-core EPYC, 1024^3 in C, best of 30: 105.1 GFLOP/s with {@code Haswell}, 99.0 with {@code SkylakeX},
 * 97.0 as detected; W2 198.6 and 205.6 GFLOP/s with {@code Haswell} against 187.7 and 189.9 unset, alternated.
 * So the note is for Intel CPUs only.
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
        String vendor = cpuinfoField("vendor_id");
        Set<String> flags = new HashSet<>(Arrays.asList(cpuinfoField("flags").split("\\s+")));
        if (!vendor.equals("GenuineIntel") || !flags.containsAll(Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl"))) {
            return null;
        }
        String chosen = System.getenv("OPENBLAS_CORETYPE");
        if (chosen != null && !chosen.isBlank() && !AVX512_CORES.contains(chosen.toLowerCase(java.util.Locale.ROOT))) {
            return "OPENBLAS_CORETYPE=" + chosen + " in the environment keeps OpenBLAS off this CPU's AVX-512 kernels "
                    + "(unset it to let OpenBLAS detect the CPU)";
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
