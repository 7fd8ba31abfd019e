package dev.tensorgraph.ops.image;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.array.SliceOps;
import dev.tensorgraph.ops.support.ShapeArgs;
import java.util.Arrays;

/**
 * Resizing NHWC images to a {@code size} of {@code [height, width]}: {@code ResizeBilinear} (float32 result
 * whatever the image's type) and {@code ResizeNearestNeighbor} (same type), with their gradients
 * {@code ResizeBilinearGrad} and {@code ResizeNearestNeighborGrad}. The source position of output pixel
 * {@code i} is {@code i * scale} ({@code (i + 0.5) * scale - 0.5} with {@code half_pixel_centers}), where
 * {@code scale = in / out}, or {@code (in - 1) / (out - 1)} with {@code align_corners}; the two attributes
 * cannot both be true (the kernels refuse it, as TensorFlow's). Nearest takes {@code floor} of the source
 * position ({@code round}, half away from zero, with align_corners; half-pixel centers drop the {@code - 0.5}),
 * computed in float32 as TensorFlow does. TensorFlow marks ResizeBilinearGrad not differentiable and defines no
 * gradient of ResizeNearestNeighborGrad.
 */
public final class ResizeOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(attrs(OpDef.builder("ResizeBilinear").input("images").input("size"))
                .shape(c -> c.setOutput(0, DType.FLOAT32, resized(c)))
                .gradient((op, dy) -> Arrays.asList(resizeBilinearGrad(op.graph(), dy.get(0), op.input(0),
                        op.attrBool("align_corners"), op.attrBool("half_pixel_centers"), null), null)).build());
        r.register(attrs(OpDef.builder("ResizeNearestNeighbor").input("images").input("size"))
                .shape(c -> c.setOutput(0, c.inputDtype(0), resized(c)))
                .gradient((op, dy) -> {
                    Graph g = op.graph();
                    Output image = op.input(0);
                    Shape s = image.shape();
                    Output hw = s.hasKnownRank() && s.size(1) >= 0 && s.size(2) >= 0
                            ? ConstantOps.intVector(g, new int[] {(int) s.size(1), (int) s.size(2)}, null)
                            : SliceOps.slice(g, ShapeOps.shape(g, image, DType.INT32, null), new int[] {1}, new int[] {2},
                                    null);
                    return Arrays.asList(resizeNearestNeighborGrad(g, dy.get(0), hw, op.attrBool("align_corners"),
                            op.attrBool("half_pixel_centers"), null), null);
                }).build());
        r.register(attrs(OpDef.builder("ResizeBilinearGrad").input("grads").input("original_image"))
                .shape(c -> {
                    if (c.inputDtype(0) != DType.FLOAT32) {
                        throw c.fail("grads must be float32, got " + c.inputDtype(0));
                    }
                    DType t = c.inputDtype(1);
                    if (!t.isFloating()) {
                        throw c.fail("original_image must be a floating type, got " + t);
                    }
                    rank4(c, 0, "grads");
                    c.setOutput(0, t, rank4(c, 1, "original_image"));
                })
                .notDifferentiable().build());
        r.register(attrs(OpDef.builder("ResizeNearestNeighborGrad").input("grads").input("size"))
                .shape(c -> c.setOutput(0, c.inputDtype(0), resized(c)))
                .gradient((op, dy) -> {
                    throw new dev.tensorgraph.errors.UnimplementedException(
                            "TensorFlow defines no gradient for ResizeNearestNeighborGrad (op '" + op.name() + "')");
                }).build());
    }

    private static OpDef.Builder attrs(OpDef.Builder b) {
        return b.attr("T", AttrType.TYPE).attr("align_corners", AttrType.BOOL, false)
                .attr("half_pixel_centers", AttrType.BOOL, false);
    }

    private static Shape rank4(ShapeContext c, int i, String what) {
        Shape s = c.inputShape(i);
        if (!s.hasKnownRank()) {
            return Shape.unknownOfRank(4);
        }
        if (s.rank() != 4) {
            throw c.fail(what + " must be 4-dimensional, got shape " + s);
        }
        return s;
    }

    /** {@code [batch, size[0], size[1], channels]} of input 0 and the size in input 1. */
    private static Shape resized(ShapeContext c) {
        DType t = c.inputDtype(0);
        if (!t.isFloating() && !t.isInteger()) {
            throw c.fail("images must be of a numeric type, got " + t);
        }
        Shape in = rank4(c, 0, "images");
        Shape ss = c.inputShape(1);
        if (c.inputDtype(1) != DType.INT32) {
            throw c.fail("size must be int32, got " + c.inputDtype(1));
        }
        if (ss.hasKnownRank() && !ss.isCompatibleWith(Shape.of(2))) {
            throw c.fail("size must be a 1-D tensor of 2 elements (new_height, new_width), got shape " + ss);
        }
        long h = -1;
        long w = -1;
        Tensor size = c.constantValue(1);
        if (size != null) {
            long[] v = ShapeArgs.longs(size);
            if (v[0] <= 0 || v[1] <= 0) {
                throw c.fail("size must be positive, got " + Arrays.toString(v));
            }
            h = v[0];
            w = v[1];
        }
        return Shape.of(in.size(0), h, w, in.size(3));
    }

    // ---- constructors ----

    /** {@code ResizeBilinear(images, size)}: float32 whatever the images' type. */
    public static Output resizeBilinear(Graph g, Output images, Output size, boolean alignCorners,
                                        boolean halfPixelCenters, String name) {
        checkFlags(alignCorners, halfPixelCenters);
        return g.opBuilder("ResizeBilinear", name).addInput(images).addInput(size).setAttr("align_corners", alignCorners)
                .setAttr("half_pixel_centers", halfPixelCenters).build().output(0);
    }

    /** {@code ResizeNearestNeighbor(images, size)}: the images' type. */
    public static Output resizeNearestNeighbor(Graph g, Output images, Output size, boolean alignCorners,
                                               boolean halfPixelCenters, String name) {
        checkFlags(alignCorners, halfPixelCenters);
        return g.opBuilder("ResizeNearestNeighbor", name).addInput(images).addInput(size)
                .setAttr("align_corners", alignCorners).setAttr("half_pixel_centers", halfPixelCenters).build()
                .output(0);
    }

    /** {@code ResizeBilinearGrad(grads, original_image)}: the gradient of ResizeBilinear for its images. */
    public static Output resizeBilinearGrad(Graph g, Output grads, Output originalImage, boolean alignCorners,
                                            boolean halfPixelCenters, String name) {
        return g.opBuilder("ResizeBilinearGrad", name).addInput(grads).addInput(originalImage)
                .setAttr("T", originalImage.dtype()).setAttr("align_corners", alignCorners)
                .setAttr("half_pixel_centers", halfPixelCenters).build().output(0);
    }

    /** {@code ResizeNearestNeighborGrad(grads, size)}: sums each output gradient into its source pixel. */
    public static Output resizeNearestNeighborGrad(Graph g, Output grads, Output size, boolean alignCorners,
                                                   boolean halfPixelCenters, String name) {
        return g.opBuilder("ResizeNearestNeighborGrad", name).addInput(grads).addInput(size)
                .setAttr("align_corners", alignCorners).setAttr("half_pixel_centers", halfPixelCenters).build()
                .output(0);
    }

    private static void checkFlags(boolean alignCorners, boolean halfPixelCenters) {
        if (alignCorners && halfPixelCenters) {
            throw new InvalidArgumentException("If half_pixel_centers is True, align_corners must be False.");
        }
    }

    /**
     * {@code tf.image.resize_images(images, size, method, align_corners)} as TensorFlow 1.x builds it in the scope
     * {@code resize}: a 3-D image gets a batch dimension of one (ExpandDims) and loses it again (Squeeze); an
     * image already of the target size is returned as it is (unless {@code alignCorners}); {@code size} becomes an
     * int32 constant {@code size}.
     */
    public static Output resize(Graph g, Output images, int[] size, ResizeMethod method, boolean alignCorners,
                                String name) {
        if (size == null || size.length != 2 || size[0] <= 0 || size[1] <= 0) {
            throw new InvalidArgumentException("size must be 2 positive values [new_height, new_width], got "
                    + Arrays.toString(size));
        }
        Shape s = images.shape();
        if (s.hasKnownRank() && s.rank() != 3 && s.rank() != 4) {
            throw new InvalidArgumentException("images must be 3- or 4-dimensional, got shape " + s);
        }
        try (var scope = g.nameScope(name == null ? "resize" : name)) {
            boolean batched = !s.hasKnownRank() || s.rank() == 4;
            int h = batched ? 1 : 0;
            if (!alignCorners && s.hasKnownRank() && s.size(h) == size[0] && s.size(h + 1) == size[1]) {
                return images;
            }
            Output x = batched ? images : ShapeOps.expandDims(g, images, 0, null);
            Output sz = ConstantOps.intVector(g, size, "size");
            Output y = method == ResizeMethod.NEAREST_NEIGHBOR
                    ? resizeNearestNeighbor(g, x, sz, alignCorners, false, null)
                    : resizeBilinear(g, x, sz, alignCorners, false, null);
            return batched ? y : ShapeOps.squeeze(g, y, new int[] {0}, null);
        }
    }
}
