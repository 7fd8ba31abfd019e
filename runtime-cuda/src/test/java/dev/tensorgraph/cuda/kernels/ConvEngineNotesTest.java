package dev.tensorgraph.cuda.kernels;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.cuda.global.cudnn;
import org.junit.jupiter.api.Test;

/**
 * Which cuDNN engines {@link ConvEngines} passes over by their behaviour notes (no GPU needed): those that
 * compile their kernel when a plan is finalized, unless asked for with a system property.
 */
class ConvEngineNotesTest {
    @Test
    void enginesCompiledAtRunTimeArePassedOverByDefault() {
        assertFalse(ConvEngines.RUNTIME_COMPILED, "-Dtensorgraph.cudnn.runtimeCompiledEngines is not set in tests");
        assertTrue(ConvEngines.compiledAtRunTime(new int[] {cudnn.CUDNN_BEHAVIOR_NOTE_RUNTIME_COMPILATION}));
        assertTrue(ConvEngines.compiledAtRunTime(new int[] {cudnn.CUDNN_BEHAVIOR_NOTE_SUPPORTS_CUDA_GRAPH_NATIVE_API,
                cudnn.CUDNN_BEHAVIOR_NOTE_RUNTIME_COMPILATION}));
    }

    @Test
    void precompiledEnginesAreKept() {
        assertFalse(ConvEngines.compiledAtRunTime(new int[0]));
        assertFalse(ConvEngines.compiledAtRunTime(new int[] {cudnn.CUDNN_BEHAVIOR_NOTE_SUPPORTS_CUDA_GRAPH_NATIVE_API,
                cudnn.CUDNN_BEHAVIOR_NOTE_CUBLASLT_DEPENDENCY}));
    }
}
