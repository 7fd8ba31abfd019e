package dev.tensorgraph.cuda.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.cuda.CudaSource;
import org.junit.jupiter.api.Test;

/** One NVRTC source per op: each holds that op's kernels only, and only 16-bit binary ones the 8-wide variant. */
class ElementwiseSourceSplitTest {
    @Test
    void eachOpHasASourceOfItsOwnHoldingOnlyItsKernels() {
        CudaSource add = ElementwiseSources.binarySource(DType.FLOAT32, "add");
        assertSame(add, ElementwiseSources.binarySource(DType.FLOAT32, "add"));
        assertTrue(add.code().contains("void add_f32_flat("));
        assertTrue(add.code().contains("void add_f32_bcast("));
        assertFalse(add.code().contains("void mul_f32_flat("));
        CudaSource mulBf16 = ElementwiseSources.binarySource(DType.BFLOAT16, "mul");
        assertTrue(mulBf16.code().contains("void mul_bf16_flat_x8("));
        assertFalse(mulBf16.code().contains("mul_f16"));
        assertNotEquals(mulBf16.code(), ElementwiseSources.binarySource(DType.HALF, "mul").code());
        CudaSource less = ElementwiseSources.compareSource(DType.INT64, "less");
        assertTrue(less.code().contains("void less_i64_flat("));
        assertFalse(less.code().contains("less_f32"));
        assertEquals(1, count(ElementwiseSources.unarySource(DType.BFLOAT16, "relu").code(), "__global__"));
    }

    @Test
    void onlySixteenBitBinarySourcesHaveEightWideKernels() {
        assertTrue(ElementwiseSources.hasEightWide(ElementwiseSources.binarySource(DType.BFLOAT16, "add")));
        assertTrue(ElementwiseSources.hasEightWide(ElementwiseSources.binarySource(DType.HALF, "relu_grad")));
        assertFalse(ElementwiseSources.hasEightWide(ElementwiseSources.binarySource(DType.FLOAT32, "add")));
        assertFalse(ElementwiseSources.hasEightWide(ElementwiseSources.unarySource(DType.BFLOAT16, "relu")));
        assertFalse(ElementwiseSources.hasEightWide(ElementwiseSources.HALF_CAST));
        assertFalse(ElementwiseSources.hasEightWide(ElementwiseSources.compareSource(DType.FLOAT32, "less")));
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
