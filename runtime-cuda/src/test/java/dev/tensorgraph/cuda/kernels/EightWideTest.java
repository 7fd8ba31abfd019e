package dev.tensorgraph.cuda.kernels;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.device.DeviceBuffer;
import dev.tensorgraph.device.DeviceTensor;
import org.junit.jupiter.api.Test;

/**
 * When 16-bit casts and same-shape arithmetic take their 8-values-a-thread kernels (no GPU needed: only the
 * choice): a multiple of 8 values, every tensor at a 16-byte aligned address; anything else takes the scalar
 * kernels, which read any element count and alignment. Both give the same bits (see the GPU tests).
 */
class EightWideTest {
    private static DeviceTensor at(long address, DType t, long n) {
        return new DeviceTensor(t, Shape.of(n), new DeviceBuffer() {
            @Override
            public long address() {
                return address;
            }

            @Override
            public long byteSize() {
                return n * t.byteSize();
            }
        });
    }

    @Test
    void alignedMultiplesOfEightGoEightAThread() {
        assertTrue(ElementwiseGpuKernels.eightWide(1024, at(0x7f0000000000L, DType.FLOAT32, 1024),
                at(0x7f0000010000L, DType.BFLOAT16, 1024)));
        assertTrue(ElementwiseGpuKernels.eightWide(8, at(16, DType.HALF, 8), at(48, DType.HALF, 8), at(4096, DType.HALF, 8)));
    }

    @Test
    void otherCountsOrAddressesGoOneAThread() {
        assertFalse(ElementwiseGpuKernels.eightWide(1020, at(0, DType.BFLOAT16, 1020), at(4096, DType.FLOAT32, 1020)));
        // A view 2 bytes into a buffer (a slice's offset): its words are not aligned.
        assertFalse(ElementwiseGpuKernels.eightWide(1024, at(4098, DType.BFLOAT16, 1024), at(8192, DType.BFLOAT16, 1024)));
        assertFalse(ElementwiseGpuKernels.eightWide(1024, at(4096, DType.BFLOAT16, 1024), at(8200, DType.FLOAT32, 1024)));
    }
}
