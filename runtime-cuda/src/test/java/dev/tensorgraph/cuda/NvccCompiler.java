package dev.tensorgraph.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Compiles CUDA sources with {@code nvcc} for sm_90, for the tests that catch syntax and type errors in the
 * kernel sources on machines without a GPU. One helper so that every such test compiles the same way.
 */
final class NvccCompiler {
    private NvccCompiler() {}

    /** Whether an executable {@code nvcc} is on the PATH. */
    static boolean onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "nvcc"))) {
                return true;
            }
        }
        return false;
    }

    /** Compiles {@code source} to a cubin in {@code dir}; a failure shows nvcc's output. */
    static void assertCompiles(Path dir, CudaSource source) throws IOException, InterruptedException {
        Path cu = dir.resolve(source.name() + ".cu");
        Files.writeString(cu, source.code(), StandardCharsets.UTF_8);
        Path log = dir.resolve(source.name() + ".log");
        Process p = new ProcessBuilder("nvcc", "-cubin", "-arch=sm_90", "-o",
                dir.resolve(source.name() + ".cubin").toString(), cu.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        int rc = p.isAlive() ? -1 : p.exitValue();
        assertEquals(0, rc, () -> source.name() + " does not compile:\n" + readQuietly(log));
    }

    private static String readQuietly(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
