/**
 * The image op family: resizing ({@link dev.tensorgraph.ops.image.ResizeOps}, bilinear and nearest neighbour
 * with TensorFlow's {@code align_corners} and {@code half_pixel_centers}) and their gradients.
 */
package dev.tensorgraph.ops.image;
