package dev.tensorgraph.data.image;

import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.ResourceExhaustedException;

/**
 * Decodes JPEG and PNG files to uint8 tensors of shape [height, width, channels], as TensorFlow's
 * {@code decode_image} does: JPEG with libjpeg-turbo where the system has it ({@code libturbojpeg0}) and with
 * {@code javax.imageio} otherwise (both give the same pixels: the accurate integer DCT with fancy upsampling),
 * PNG with {@code javax.imageio}. The format is told by the file's first bytes, not its name.
 *
 * <p>Bad input never gets past the decoder as anything but a typed error naming {@code source}: an unknown
 * format or corrupt data is an {@link InvalidArgumentException}, an image over {@link #maxPixels()} pixels a
 * {@link ResourceExhaustedException} raised from the header, before pixel memory is allocated.
 */
public final class ImageDecoder {
    /** Default largest image: 2^27 pixels (a 16k x 8k photo). {@code -Dtensorgraph.image.maxPixels} changes it. */
    public static final long DEFAULT_MAX_PIXELS = 1L << 27;

    private static final long MAX_PIXELS = Long.getLong("tensorgraph.image.maxPixels", DEFAULT_MAX_PIXELS);

    /** An image format the decoder knows by its signature. */
    public enum Format { JPEG, PNG }

    /**
     * TensorFlow's {@code dct_method} hint for JPEG: the accurate integer DCT (the default here, so that
     * libjpeg-turbo and javax.imageio give the same pixels) or the fast one (TensorFlow's default; only
     * libjpeg-turbo honours it, as TensorFlow says a decoder may ignore the hint).
     */
    public enum DctMethod { INTEGER_ACCURATE, INTEGER_FAST }

    private ImageDecoder() {}

    public static long maxPixels() {
        return MAX_PIXELS;
    }

    /** Whether JPEG files are decoded by libjpeg-turbo (else by javax.imageio). */
    public static boolean usesLibjpegTurbo() {
        return JpegTurbo.available();
    }

    /** The format by the file's signature, or null when it is neither JPEG nor PNG. */
    public static Format format(byte[] bytes) {
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8 && (bytes[2] & 0xff) == 0xff) {
            return Format.JPEG;
        }
        if (bytes.length >= 8 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G'
                && bytes[4] == '\r' && bytes[5] == '\n' && bytes[6] == 0x1a && bytes[7] == '\n') {
            return Format.PNG;
        }
        return null;
    }

    /**
     * Decodes a JPEG or PNG file's bytes to a uint8 [height, width, channels] tensor; {@code channels} 0 keeps the
     * file's channels, 1 gives grayscale, 3 RGB, 4 RGBA (PNG only). {@code source} names the file in errors.
     */
    public static Tensor decode(byte[] bytes, int channels, String source) {
        return decode(bytes, channels, source, MAX_PIXELS);
    }

    /** As {@link #decode(byte[], int, String)} with a limit of {@code maxPixels} pixels instead of {@link #maxPixels()}. */
    public static Tensor decode(byte[] bytes, int channels, String source, long maxPixels) {
        return decodePixels(bytes, channels, DctMethod.INTEGER_ACCURATE, source, maxPixels).tensor();
    }

    /** As {@link #decode(byte[], int, String)} with a JPEG DCT method hint. */
    public static Tensor decode(byte[] bytes, int channels, DctMethod dct, String source) {
        return decodePixels(bytes, channels, dct, source, MAX_PIXELS).tensor();
    }

    static Decoded decodePixels(byte[] bytes, int channels, DctMethod dct, String source, long maxPixels) {
        if (channels != 0 && channels != 1 && channels != 3 && channels != 4) {
            throw new InvalidArgumentException("decode: channels must be 0, 1, 3 or 4, got " + channels);
        }
        Format f = format(bytes);
        if (f == null) {
            throw new InvalidArgumentException(source + ": unknown image format (not JPEG or PNG; "
                    + bytes.length + " bytes)");
        }
        if (f == Format.JPEG) {
            if (channels == 4) {
                throw new InvalidArgumentException(source + ": a JPEG decodes to 1 or 3 channels, not 4");
            }
            if (JpegTurbo.available()) {
                return JpegTurbo.decode(bytes, channels, dct == DctMethod.INTEGER_FAST, maxPixels, source);
            }
            return ImageIoDecoding.decode(bytes, "jpeg", channels, maxPixels, source);
        }
        // Deflate expands at most 1032-fold and a 1-bit PNG holds 8 pixels a byte: a size beyond that is a lie,
        // refused before javax.imageio allocates the whole image for it.
        return ImageIoDecoding.decode(bytes, "png", channels, Math.min(maxPixels, 8L * 1032 * bytes.length), source);
    }

    /** Rejects a header's size before pixels are allocated. */
    static void checkSize(int width, int height, int channels, long maxPixels, String source) {
        if (width <= 0 || height <= 0) {
            throw new InvalidArgumentException(source + ": invalid image size " + width + "x" + height);
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels || pixels * channels > Integer.MAX_VALUE - 8) {
            throw new ResourceExhaustedException(source + ": image of " + width + "x" + height + " is larger than "
                    + maxPixels + " pixels (-Dtensorgraph.image.maxPixels)");
        }
    }
}
