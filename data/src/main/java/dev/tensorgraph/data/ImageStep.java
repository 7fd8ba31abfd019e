package dev.tensorgraph.data;

import dev.tensorgraph.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One of the {@link Images} transforms, knowing what it is, so that a chain of them ({@code andThen}) can run as
 * one pass over the pixels ({@link ImageChain}) instead of making a full image per step.
 */
final class ImageStep implements Transform {
    /** What the step does; the geometric kinds and normalize can be fused after a decode or a bilinear resize. */
    enum Kind { DECODE, RESIZE, CROP, FLIP, NORMALIZE, OTHER }

    final Kind kind;
    final Transform body;
    /** RESIZE: the output size (bilinear only); CROP: the window size. */
    final int height;
    final int width;
    /** CROP: where the window goes, given the input's height and width and the element's context. */
    final CropPlacement placement;
    /** FLIP: its seed. */
    final long seed;
    /** NORMALIZE: per-channel (or single) mean and std. */
    final float[] mean;
    final float[] std;

    /** Where a crop window of {@code height x width} goes in an image of {@code inH x inW}: {top, left}. */
    interface CropPlacement {
        int[] place(int inH, int inW, int height, int width, ElementContext context);
    }

    private ImageStep(Kind kind, Transform body, int height, int width, CropPlacement placement, long seed,
                      float[] mean, float[] std) {
        this.kind = kind;
        this.body = body;
        this.height = height;
        this.width = width;
        this.placement = placement;
        this.seed = seed;
        this.mean = mean;
        this.std = std;
    }

    static ImageStep decode(Transform body) {
        return new ImageStep(Kind.DECODE, body, 0, 0, null, 0, null, null);
    }

    static ImageStep bilinearResize(Transform body, int height, int width) {
        return new ImageStep(Kind.RESIZE, body, height, width, null, 0, null, null);
    }

    static ImageStep crop(Transform body, int height, int width, CropPlacement placement) {
        return new ImageStep(Kind.CROP, body, height, width, placement, 0, null, null);
    }

    static ImageStep flip(Transform body, long seed) {
        return new ImageStep(Kind.FLIP, body, 0, 0, null, seed, null, null);
    }

    static ImageStep normalize(Transform body, float[] mean, float[] std) {
        return new ImageStep(Kind.NORMALIZE, body, 0, 0, null, 0, mean, std);
    }

    static ImageStep other(Transform body) {
        return new ImageStep(Kind.OTHER, body, 0, 0, null, 0, null, null);
    }

    @Override
    public Map<String, Tensor> apply(Map<String, Tensor> element, ElementContext context) {
        return body.apply(element, context);
    }

    @Override
    public Transform andThen(Transform next) {
        return chain(List.of(this), next);
    }

    /** {@code steps} followed by {@code next}: a chain when {@code next} is an image step or chain. */
    static Transform chain(List<ImageStep> steps, Transform next) {
        List<ImageStep> all = new ArrayList<>(steps);
        if (next instanceof ImageStep s) {
            all.add(s);
        } else if (next instanceof ImageChain c) {
            all.addAll(c.steps());
        } else {
            Transform head = new ImageChain(steps);
            return (element, context) -> next.apply(head.apply(element, context), context);
        }
        return new ImageChain(all);
    }
}
