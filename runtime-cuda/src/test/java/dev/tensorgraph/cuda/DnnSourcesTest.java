package dev.tensorgraph.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.cuda.kernels.DnnSourceCatalog;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles the convolution, pooling and batch-norm NVRTC sources with nvcc for sm_90, so a syntax error shows
 * on a machine without a GPU. Skipped where nvcc is not installed.
 */
class DnnSourcesTest {
    @TempDir
    Path dir;

    @Test
    void everySourceCompilesWithNvcc() throws IOException, InterruptedException {
        Path nvcc = findNvcc();
        Assumptions.assumeTrue(nvcc != null, "nvcc not found on PATH or under CUDA_HOME / CUDA_PATH");
        for (CudaSource source : DnnSourceCatalog.all()) {
            Path cu = dir.resolve(source.name() + ".cu");
            Files.writeString(cu, source.code(), StandardCharsets.UTF_8);
            Path log = dir.resolve(source.name() + ".log");
            List<String> cmd = new ArrayList<>(List.of(nvcc.toString(), "-cubin", "-arch=sm_90", "-o",
                    dir.resolve(source.name() + ".cubin").toString(), cu.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean done = p.waitFor(5, TimeUnit.MINUTES);
            if (!done) {
                p.destroyForcibly();
            }
            assertEquals(0, done ? p.exitValue() : -1,
                    () -> "nvcc failed on source '" + source.name() + "':\n" + read(log));
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static Path findNvcc() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                if (!d.isEmpty()) {
                    candidates.add(Path.of(d, "nvcc"));
                }
            }
        }
        for (String env : new String[] {"CUDA_HOME", "CUDA_PATH"}) {
            String home = System.getenv(env);
            if (home != null && !home.isEmpty()) {
                candidates.add(Path.of(home, "bin", "nvcc"));
            }
        }
        for (Path c : candidates) {
            if (Files.isExecutable(c)) {
                return c;
            }
        }
        return null;
    }
}
