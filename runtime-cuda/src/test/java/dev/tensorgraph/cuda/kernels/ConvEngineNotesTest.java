package dev.tensorgraph.cuda.kernels;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.cuda.global.cudnn;
import org.junit.jupiter.api.Test;

/**
 * Which cuDNN engines {@link ConvEngines} passes over by their behaviour notes (no GPU needed): for 16-bit
 * problems, those that compile their kernel when a plan is finalized, unless asked for with a system property.
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

    @Test
    void onlySixteenBitProblemsPassOverEnginesCompiledAtRunTime() {
        int[] compiled = {cudnn.CUDNN_BEHAVIOR_NOTE_RUNTIME_COMPILATION};
        assertTrue(ConvEngines.passesOver(problem(cudnn.CUDNN_DATA_BFLOAT16), compiled));
        assertTrue(ConvEngines.passesOver(problem(cudnn.CUDNN_DATA_HALF), compiled));
        assertFalse(ConvEngines.passesOver(problem(cudnn.CUDNN_DATA_FLOAT), compiled), "float32 keeps its engines");
        assertFalse(ConvEngines.passesOver(problem(cudnn.CUDNN_DATA_BFLOAT16), new int[0]));
    }

    private static ConvAlgorithms.Problem problem(int dataType) {
        return new ConvAlgorithms.Problem(ConvAlgorithms.Direction.FORWARD, 128, 96, 27, 27, 256, 5, 5, 2, 2, 1, 1, 1, 1,
                false, true, 1, dataType);
    }
}
