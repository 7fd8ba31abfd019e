package dev.tensorgraph.cuda.kernels;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.kernel.KernelFactory;
import dev.tensorgraph.kernel.KernelRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which GPU kernels declare that they take bfloat16 and float16 values themselves (no GPU needed: only the
 * registry's declarations). A kernel that does not is widened: its 16-bit inputs are cast to float32 and its
 * outputs back on every run, which for a kernel that only passes a buffer on is two passes over the tensor
 * for nothing (a mixed precision AlexNet step did this for every gradient {@code tuple/control_dependency}),
 * and so is one for a layout kernel, which moves words of the element size whatever they hold.
 */
class SixteenBitDeclarationsTest {
    @ParameterizedTest
    @ValueSource(strings = {"Identity", "StopGradient", "IdentityN", "PlaceholderWithDefault", "Reshape", "ExpandDims",
            "Squeeze", "Switch", "Merge", "Shape", "Size", "Rank", "Transpose", "ConcatV2", "Pack", "Unpack", "Slice",
            "StridedSlice", "Tile", "GatherV2", "Gather", "Split", "SplitV"})
    void kernelsThatOnlyPassBuffersOnOrMoveWordsTakeSixteenBitValues(String opType) {
        KernelFactory f = KernelRegistry.global().find(KernelRegistry.GPU, opType);
        assertNotNull(f, opType);
        assertTrue(f.halfPrecision(), opType + " would be widened to float32 around 16-bit values");
    }

    @ParameterizedTest
    @ValueSource(strings = {"VariableV2", "Assign"})
    void variablesOfSixteenBitTypesStayWhereTheyWere(String opType) {
        // Their kernels only move bytes too, but a 16-bit variable's upload and assignment are not GPU-tested yet.
        assertFalse(KernelRegistry.global().find(KernelRegistry.GPU, opType).halfPrecision(), opType);
    }
}
