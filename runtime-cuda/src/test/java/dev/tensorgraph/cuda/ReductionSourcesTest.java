package dev.tensorgraph.cuda;

import dev.tensorgraph.cuda.kernels.ReductionSources;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles the CUDA sources of the reduction, softmax, layout and random kernels with {@code nvcc} for
 * sm_90, so syntax and type errors show up on machines without a GPU. Skipped where nvcc is not on the
 * PATH. The sources include no headers: they rely only on what NVRTC provides built in.
 */
class ReductionSourcesTest {
    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> everySourceCompiles() {
        Assumptions.assumeTrue(NvccCompiler.onPath(), "nvcc is not on the PATH");
        return ReductionSources.all().stream()
                .map(s -> DynamicTest.dynamicTest(s.name(), () -> NvccCompiler.assertCompiles(dir, s)));
    }
}
