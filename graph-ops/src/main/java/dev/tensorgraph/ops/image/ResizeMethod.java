package dev.tensorgraph.ops.image;

/** How {@code tf.image.resize} interpolates: TensorFlow's {@code ResizeMethod.BILINEAR} or {@code NEAREST_NEIGHBOR}. */
public enum ResizeMethod {
    /** Bilinear interpolation ({@code ResizeBilinear}); the result is float32. */
    BILINEAR,
    /** The nearest pixel ({@code ResizeNearestNeighbor}); the result keeps the image's dtype. */
    NEAREST_NEIGHBOR
}
