package dev.tensorgraph.data;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.data.image.ImageOps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Images} transforms chained with {@code andThen}. A chain of the usual shape (an optional decode, an
 * optional bilinear resize, crops and flips, an optional normalize) runs as one pass that computes only the
 * pixels of the final window, with the same random draws and the same float operations as the steps one by one
 * (so the same bits); any other chain runs step by step.
 */
record ImageChain(List<ImageStep> steps) implements Transform {
    @Override
    public Map<String, Tensor> apply(Map<String, Tensor> element, ElementContext context) {
        if (!fusable()) {
            Map<String, Tensor> e = element;
            for (ImageStep s : steps) {
                e = s.apply(e, context);
            }
            return e;
        }
        int i = 0;
        Map<String, Tensor> e = element;
        if (steps.get(0).kind == ImageStep.Kind.DECODE) {
            e = steps.get(0).apply(e, context);
            i = 1;
        }
        Tensor image = e.get(Images.IMAGE);
        if (image == null || image.shape().rank() != 3 || (image.dtype() != DType.UINT8 && image.dtype() != DType.FLOAT32)) {
            // Not an image: the steps one by one report it as they do on their own.
            for (; i < steps.size(); i++) {
                e = steps.get(i).apply(e, context);
            }
            return e;
        }
        int[] d = image.shape().intDims();
        int rh = d[0];
        int rw = d[1];
        if (i < steps.size() && steps.get(i).kind == ImageStep.Kind.RESIZE) {
            rh = steps.get(i).height;
            rw = steps.get(i).width;
            i++;
        }
        int top = 0;
        int left = 0;
        int h = rh;
        int w = rw;
        boolean flipped = false;
        float[] mean = null;
        float[] std = null;
        for (; i < steps.size(); i++) {
            ImageStep s = steps.get(i);
            switch (s.kind) {
                case CROP -> {
                    int[] at = s.placement.place(h, w, s.height, s.width, context);
                    // In a mirrored frame, a window at column x is at w - width - x of the unmirrored one.
                    left += flipped ? w - s.width - at[1] : at[1];
                    top += at[0];
                    h = s.height;
                    w = s.width;
                }
                case FLIP -> flipped ^= context.random(s.seed).nextBoolean();
                case NORMALIZE -> {
                    Images.checkChannels(s.mean, d[2], context);
                    mean = s.mean;
                    std = s.std;
                }
                default -> throw new AssertionError(s.kind);
            }
        }
        float[] out = ImageOps.resizeCropFlipNormalize(image.array(), d[0], d[1], d[2], rh, rw, top, left, h, w,
                flipped, mean, std);
        Map<String, Tensor> result = new LinkedHashMap<>(e);
        result.put(Images.IMAGE, Tensor.wrap(DType.FLOAT32, Shape.of(h, w, d[2]), out));
        return result;
    }

    /**
     * [decode] [bilinear resize] (crop | flip)* [normalize], with a resize or a normalize among them (a chain of only
     * crops and flips keeps its dtype step by step, as the steps do).
     */
    private boolean fusable() {
        int i = 0;
        boolean floats = false;
        if (i < steps.size() && steps.get(i).kind == ImageStep.Kind.DECODE) {
            i++;
        }
        if (i < steps.size() && steps.get(i).kind == ImageStep.Kind.RESIZE) {
            floats = true;
            i++;
        }
        while (i < steps.size() && (steps.get(i).kind == ImageStep.Kind.CROP || steps.get(i).kind == ImageStep.Kind.FLIP)) {
            i++;
        }
        if (i < steps.size() && steps.get(i).kind == ImageStep.Kind.NORMALIZE) {
            floats = true;
            i++;
        }
        return floats && i == steps.size();
    }

    @Override
    public Transform andThen(Transform next) {
        return ImageStep.chain(steps, next);
    }
}
