package dev.tensorgraph.data;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.data.image.ImageDecoder;
import dev.tensorgraph.data.image.ImageOps;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.IoErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Image transforms for {@link Dataset#map}, each acting on the element's "image" component ([height, width,
 * channels]) and keeping the other components: decoding, resizing as {@code tf.image.resize} does, cropping,
 * flipping and normalizing. Random transforms draw from {@link ElementContext#random(long)} with their seed, so
 * they are the same on every run.
 *
 * <pre>{@code
 * Transform train = Images.decode().andThen(Images.resize(256, 256)).andThen(Images.randomCrop(224, 224))
 *         .andThen(Images.randomFlipLeftRight()).andThen(Images.normalize(127.5f, 63.75f));
 * }</pre>
 */
public final class Images {
    /** The image component: encoded bytes (a string) before {@link #decode()}, pixels after. */
    public static final String IMAGE = "image";

    /** Resizing methods of {@code tf.image.resize}. */
    public enum ResizeMethod { BILINEAR, NEAREST }

    private static final long CROP_SEED = 0x43524f50L;
    private static final long FLIP_SEED = 0x464c4950L;

    private Images() {}

    /** {@link #decode(int)} to RGB. */
    public static Transform decode() {
        return decode(3);
    }

    /**
     * Decodes a JPEG or PNG to a uint8 "image" [height, width, channels] (channels 0: as in the file, 1, 3 or 4).
     * The bytes are the "image" component when it is a string, else the file named by "path" (as
     * {@link Dataset#imageFolder} gives). An unreadable file or corrupt image is an error naming the file.
     */
    public static Transform decode(int channels) {
        return decode(channels, ImageDecoder.DctMethod.INTEGER_ACCURATE);
    }

    /**
     * As {@link #decode(int)} with TensorFlow's {@code dct_method} hint for JPEG files: {@code INTEGER_FAST} is
     * TensorFlow's default and somewhat faster; it is honoured where libjpeg-turbo decodes.
     */
    public static Transform decode(int channels, ImageDecoder.DctMethod dctMethod) {
        return ImageStep.decode((element, context) -> {
            byte[] bytes = encoded(element, context);
            return with(element, ImageDecoder.decode(bytes, channels, dctMethod, context.origin()));
        });
    }

    private static byte[] encoded(Map<String, Tensor> element, ElementContext context) {
        Tensor image = element.get(IMAGE);
        if (image != null && image.dtype() == DType.STRING && image.numElements() == 1) {
            return ((byte[][]) image.array())[0];
        }
        Tensor path = element.get(ImageFolder.PATH);
        if (path == null || path.dtype() != DType.STRING || path.numElements() != 1) {
            throw new InvalidArgumentException(context.origin() + ": decode needs an encoded '" + IMAGE
                    + "' string or a '" + ImageFolder.PATH + "' string, the element has " + element.keySet());
        }
        Path file = Path.of(new String(((byte[][]) path.array())[0], StandardCharsets.UTF_8));
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw IoErrors.of("reading image " + file, e);
        }
    }

    /** Decode to RGB, then bilinear resize to {@code height x width} (float32): the usual first step. */
    public static Transform decodeResize(int height, int width) {
        return decode(3).andThen(resize(height, width));
    }

    /** Bilinear resize to float32 {@code height x width}, as {@code tf.image.resize}. */
    public static Transform resize(int height, int width) {
        return resize(height, width, ResizeMethod.BILINEAR);
    }

    /**
     * Resize to {@code height x width} with half-pixel centers, as {@code tf.image.resize}: bilinear gives float32,
     * nearest keeps the dtype.
     */
    public static Transform resize(int height, int width, ResizeMethod method) {
        checkSize("resize", height, width);
        Transform body = (element, context) -> {
            Tensor t = image(element, context, "resize");
            int[] d = t.shape().intDims();
            Shape shape = Shape.of(height, width, d[2]);
            if (method == ResizeMethod.NEAREST) {
                return with(element, Tensor.wrap(t.dtype(), shape,
                        ImageOps.resizeNearest(t.array(), d[0], d[1], d[2], height, width)));
            }
            return with(element, Tensor.wrap(DType.FLOAT32, shape,
                    ImageOps.resizeBilinear(floats(t), d[0], d[1], d[2], height, width)));
        };
        return method == ResizeMethod.BILINEAR ? ImageStep.bilinearResize(body, height, width) : ImageStep.other(body);
    }

    /** {@link #randomCrop(int, int, long)} with this transform's default seed. */
    public static Transform randomCrop(int height, int width) {
        return randomCrop(height, width, CROP_SEED);
    }

    /**
     * A {@code height x width} window at a random place (uniform over the places it fits), as
     * {@code tf.image.random_crop}; an image smaller than the window is an error naming the element.
     */
    public static Transform randomCrop(int height, int width, long seed) {
        checkSize("randomCrop", height, width);
        return crop("randomCrop", height, width, (inH, inW, h, w, context) -> {
            SplittableRandom r = context.random(seed);
            return new int[] {r.nextInt(inH - h + 1), r.nextInt(inW - w + 1)};
        });
    }

    /** The central {@code height x width} window (offsets rounded down), as {@code tf.image.resize_with_crop_or_pad} crops. */
    public static Transform centerCrop(int height, int width) {
        checkSize("centerCrop", height, width);
        return crop("centerCrop", height, width, (inH, inW, h, w, context) -> new int[] {(inH - h) / 2, (inW - w) / 2});
    }

    /** A crop step placed by {@code placement}, which is given the sizes after they have been checked. */
    private static Transform crop(String op, int height, int width, ImageStep.CropPlacement placement) {
        ImageStep.CropPlacement checked = (inH, inW, h, w, context) -> {
            if (inH < h || inW < w) {
                throw new InvalidArgumentException(context.origin() + ": " + op + " of " + h + "x" + w
                        + " does not fit in an image of " + inH + "x" + inW);
            }
            return placement.place(inH, inW, h, w, context);
        };
        return ImageStep.crop((element, context) -> {
            Tensor t = image(element, context, op);
            int[] d = t.shape().intDims();
            int[] at = checked.place(d[0], d[1], height, width, context);
            Object out = ImageOps.crop(t.array(), d[0], d[1], d[2], at[0], at[1], height, width);
            return with(element, Tensor.wrap(t.dtype(), Shape.of(height, width, d[2]), out));
        }, height, width, checked);
    }

    /** {@link #randomFlipLeftRight(long)} with this transform's default seed. */
    public static Transform randomFlipLeftRight() {
        return randomFlipLeftRight(FLIP_SEED);
    }

    /** Mirrors the image left to right with probability 1/2, as {@code tf.image.random_flip_left_right}. */
    public static Transform randomFlipLeftRight(long seed) {
        return ImageStep.flip((element, context) -> {
            Tensor t = image(element, context, "randomFlipLeftRight");
            if (!context.random(seed).nextBoolean()) {
                return element;
            }
            int[] d = t.shape().intDims();
            return with(element, Tensor.wrap(t.dtype(), t.shape(), ImageOps.flipLeftRight(t.array(), d[0], d[1], d[2])));
        }, seed);
    }

    /** {@code (x - mean) / std} for every channel (as a multiplication by {@code 1 / std}), to float32. */
    public static Transform normalize(float mean, float std) {
        return normalize(new float[] {mean}, new float[] {std});
    }

    /** {@code (x - mean[c]) / std[c]} per channel c (as a multiplication by {@code 1 / std[c]}), to float32. */
    public static Transform normalize(float[] mean, float[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new InvalidArgumentException("normalize: mean and std need the same, non-zero number of values, got "
                    + mean.length + " and " + std.length);
        }
        float[] m = mean.clone();
        float[] s = std.clone();
        return ImageStep.normalize((element, context) -> {
            Tensor t = image(element, context, "normalize");
            int c = t.shape().intDims()[2];
            checkChannels(m, c, context);
            return with(element, Tensor.wrap(DType.FLOAT32, t.shape(), ImageOps.normalize(floats(t), c, m, s)));
        }, m, s);
    }

    static void checkChannels(float[] mean, int channels, ElementContext context) {
        if (mean.length != 1 && mean.length != channels) {
            throw new InvalidArgumentException(context.origin() + ": normalize has " + mean.length
                    + " means for an image of " + channels + " channels");
        }
    }

    /** {@code tf.image.per_image_standardization}: zero mean and unit variance per image, to float32. */
    public static Transform perImageStandardization() {
        return ImageStep.other((element, context) -> {
            Tensor t = image(element, context, "perImageStandardization");
            return with(element, Tensor.wrap(DType.FLOAT32, t.shape(), ImageOps.perImageStandardization(floats(t))));
        });
    }

    // ---- helpers ----

    private static void checkSize(String op, int height, int width) {
        if (height < 1 || width < 1) {
            throw new InvalidArgumentException(op + ": size must be positive, got " + height + "x" + width);
        }
    }

    /** The element's decoded image, checked to be [height, width, channels] of uint8 or float32. */
    private static Tensor image(Map<String, Tensor> element, ElementContext context, String op) {
        Tensor t = element.get(IMAGE);
        if (t == null || t.shape().rank() != 3 || (t.dtype() != DType.UINT8 && t.dtype() != DType.FLOAT32)) {
            throw new InvalidArgumentException(context.origin() + ": " + op + " needs a uint8 or float32 '" + IMAGE
                    + "' of shape [height, width, channels], got " + (t == null ? "none" : t.dtype() + " "
                    + t.shape()) + (t != null && t.dtype() == DType.STRING ? " (decode it first)" : ""));
        }
        return t;
    }

    private static float[] floats(Tensor t) {
        return t.dtype() == DType.FLOAT32 ? (float[]) t.array() : ImageOps.toFloat((byte[]) t.array());
    }

    private static Map<String, Tensor> with(Map<String, Tensor> element, Tensor image) {
        Map<String, Tensor> out = new LinkedHashMap<>(element);
        out.put(IMAGE, image);
        return out;
    }
}
