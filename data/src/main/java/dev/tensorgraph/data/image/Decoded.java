package dev.tensorgraph.data.image;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;

/** Decoded pixels: {@code height x width x channels} interleaved bytes, row-major. */
record Decoded(byte[] pixels, int height, int width, int channels) {
    Tensor tensor() {
        return Tensor.wrap(DType.UINT8, Shape.of(height, width, channels), pixels);
    }
}
