package dev.tensorgraph.ops;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.image.ResizeMethod;
import dev.tensorgraph.ops.image.ResizeOps;

/**
 * The {@code tf.image} namespace as TensorFlow 1.x spells it: {@code resizeBilinear}, {@code resizeNearestNeighbor}
 * (the ops, with {@code align_corners} and {@code half_pixel_centers}) and {@code resize} ({@code resize_images}).
 * Definitions: the {@code dev.tensorgraph.ops.image} family.
 *
 * <pre>{@code
 * Output up = tf.image.resizeBilinear(x, new int[] {64, 64});                 // float32 [n, 64, 64, c]
 * Output same = tf.image.resize(img, new int[] {32, 32}, ResizeMethod.NEAREST_NEIGHBOR, false);
 * }</pre>
 */
public final class TfImage {
    private final Tf tf;

    TfImage(Tf tf) {
        this.tf = tf;
    }

    private Graph graph() {
        return tf.graph();
    }

    /** {@code tf.image.resize_bilinear(images, size)}: images NHWC, size {new_height, new_width}. */
    public Output resizeBilinear(Output images, int[] size) {
        return resizeBilinear(images, size, false, false, null);
    }

    public Output resizeBilinear(Output images, int[] size, boolean alignCorners, boolean halfPixelCenters, String name) {
        return resizeBilinear(images, ConstantOps.intVector(graph(), size, "size"), alignCorners, halfPixelCenters, name);
    }

    /** With the size as an int32 tensor of 2 elements. */
    public Output resizeBilinear(Output images, Output size, boolean alignCorners, boolean halfPixelCenters, String name) {
        return ResizeOps.resizeBilinear(graph(), images, size, alignCorners, halfPixelCenters, name);
    }

    /** {@code tf.image.resize_nearest_neighbor(images, size)}. */
    public Output resizeNearestNeighbor(Output images, int[] size) {
        return resizeNearestNeighbor(images, size, false, false, null);
    }

    public Output resizeNearestNeighbor(Output images, int[] size, boolean alignCorners, boolean halfPixelCenters,
                                        String name) {
        return resizeNearestNeighbor(images, ConstantOps.intVector(graph(), size, "size"), alignCorners,
                halfPixelCenters, name);
    }

    public Output resizeNearestNeighbor(Output images, Output size, boolean alignCorners, boolean halfPixelCenters,
                                        String name) {
        return ResizeOps.resizeNearestNeighbor(graph(), images, size, alignCorners, halfPixelCenters, name);
    }

    /** {@code tf.image.resize(images, size)} (TensorFlow 1.x's {@code resize_images}), bilinear; 3-D or 4-D images. */
    public Output resize(Output images, int[] size) {
        return resize(images, size, ResizeMethod.BILINEAR, false, null);
    }

    public Output resize(Output images, int[] size, ResizeMethod method, boolean alignCorners) {
        return resize(images, size, method, alignCorners, null);
    }

    public Output resize(Output images, int[] size, ResizeMethod method, boolean alignCorners, String name) {
        return ResizeOps.resize(graph(), images, size, method, alignCorners, name);
    }
}
