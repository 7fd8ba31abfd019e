package dev.tensorgraph.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tensorgraph.cuda.kernels.ElementwiseDataSources;
import dev.tensorgraph.cuda.kernels.ElementwiseSources;
import dev.tensorgraph.cuda.kernels.TrainingSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles every elementwise and training CUDA source with {@code nvcc} for sm_90, catching syntax errors
 * on machines without a GPU. Skipped where nvcc is not on the PATH. NVRTC compiles the same text at run
 * time; the sources include no headers, so nvcc's implicit CUDA runtime header adds nothing they rely on
 * beyond NVRTC's built-in math functions.
 */
class ElementwiseSourcesTest {
    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> everySourceCompiles() {
        Assumptions.assumeTrue(nvccOnPath(), "nvcc is not on the PATH");
        List<CudaSource> sources = new ArrayList<>();
        sources.addAll(ElementwiseSources.all());
        sources.addAll(ElementwiseDataSources.all());
        sources.addAll(TrainingSources.all());
        return sources.stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> compile(s)));
    }

    private void compile(CudaSource source) throws IOException, InterruptedException {
        Path cu = dir.resolve(source.name() + ".cu");
        Files.writeString(cu, source.code(), StandardCharsets.UTF_8);
        Path log = dir.resolve(source.name() + ".log");
        Process p = new ProcessBuilder("nvcc", "-cubin", "-arch=sm_90", "-o", dir.resolve(source.name() + ".cubin").toString(),
                cu.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
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

    private static boolean nvccOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "nvcc"))) {
                return true;
            }
        }
        return false;
    }
}
