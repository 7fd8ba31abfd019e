package dev.tensorgraph.cuda;

import dev.tensorgraph.cuda.kernels.ElementwiseDataSources;
import dev.tensorgraph.cuda.kernels.ElementwiseSources;
import dev.tensorgraph.cuda.kernels.TrainingSources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        Assumptions.assumeTrue(NvccCompiler.onPath(), "nvcc is not on the PATH");
        List<CudaSource> sources = new ArrayList<>();
        sources.addAll(ElementwiseSources.all());
        sources.addAll(ElementwiseDataSources.all());
        sources.addAll(TrainingSources.all());
        return sources.stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> NvccCompiler.assertCompiles(dir, s)));
    }
}
