package dev.tensorgraph.data.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tensorgraph.data.image.ImageDecoder;
import dev.tensorgraph.fuzz.AllocationBudget;

/**
 * The JPEG and PNG decoders on arbitrary bytes, to 0 (as stored), 1 and 3 channels, under a limit of 2^20 pixels.
 * Seeds ({@code ImageDecoderFuzzTestInputs/decode}): the TensorFlow-encoded test images.
 */
class ImageDecoderFuzzTest {
    private static final long MAX_PIXELS = 1 << 20;

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] input) {
        for (int channels : new int[] {0, 1, 3}) {
            AllocationBudget.check(input.length, 1024, "ImageDecoder.decode to " + channels + " channels",
                    () -> ImageDecoder.decode(input, channels, "fuzz input", MAX_PIXELS));
        }
    }
}
