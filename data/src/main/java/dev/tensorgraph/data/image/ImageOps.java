package dev.tensorgraph.data.image;

/**
 * Pixel kernels on one image, row-major [height, width, channels]. Resizing follows TensorFlow 2's
 * {@code tf.image.resize} (half-pixel centers, no antialiasing) step for step in float32, so results match it to
 * the last bits on the same pixels.
 */
public final class ImageOps {
    private ImageOps() {}

    /** The pixel values as float32. */
    public static float[] toFloat(byte[] src) {
        float[] out = new float[src.length];
        for (int i = 0; i < src.length; i++) {
            out[i] = src[i] & 0xff;
        }
        return out;
    }

    /** Where output row or column {@code i} samples the input, and how much of the next one it blends in. */
    private record Taps(int[] lower, int[] upper, float[] lerp) {
        static Taps of(int in, int out) {
            float scale = (float) in / out;
            int[] lower = new int[out];
            int[] upper = new int[out];
            float[] lerp = new float[out];
            for (int i = 0; i < out; i++) {
                float at = ((float) i + 0.5f) * scale - 0.5f;
                float floor = (float) Math.floor(at);
                lower[i] = Math.max((int) floor, 0);
                upper[i] = Math.min((int) Math.ceil(at), in - 1);
                lerp[i] = at - floor;
            }
            return new Taps(lower, upper, lerp);
        }
    }

    /** Bilinear resize of float pixels to {@code outH x outW}, as {@code tf.image.resize(method="bilinear")}. */
    public static float[] resizeBilinear(float[] src, int h, int w, int c, int outH, int outW) {
        if (outH == h && outW == w) {
            return src.clone();
        }
        Taps ys = Taps.of(h, outH);
        Taps xs = Taps.of(w, outW);
        float[] out = new float[outH * outW * c];
        int at = 0;
        for (int y = 0; y < outH; y++) {
            int top = ys.lower[y] * w * c;
            int bottom = ys.upper[y] * w * c;
            float dy = ys.lerp[y];
            for (int x = 0; x < outW; x++) {
                int left = xs.lower[x] * c;
                int right = xs.upper[x] * c;
                float dx = xs.lerp[x];
                for (int k = 0; k < c; k++) {
                    float tl = src[top + left + k];
                    float tr = src[top + right + k];
                    float bl = src[bottom + left + k];
                    float br = src[bottom + right + k];
                    float t = tl + (tr - tl) * dx;
                    float b = bl + (br - bl) * dx;
                    out[at++] = t + (b - t) * dy;
                }
            }
        }
        return out;
    }

    /**
     * In one pass, the same values as {@link #resizeBilinear} to {@code resizedH x resizedW}, then the
     * {@code cropH x cropW} window at ({@code top}, {@code left}) of that, mirrored left to right if {@code flip},
     * then normalized as {@link #normalize} does if {@code mean} is not null. Only the window is computed.
     * {@code src} holds bytes (0-255) or floats.
     */
    public static float[] resizeCropFlipNormalize(Object src, int h, int w, int c, int resizedH, int resizedW,
                                                  int top, int left, int cropH, int cropW, boolean flip,
                                                  float[] mean, float[] std) {
        // Without a normalize, (v - 0) * 1 leaves every value as it is, bit for bit.
        float[] m = new float[c];
        float[] r = new float[c];
        for (int k = 0; k < c; k++) {
            m[k] = mean == null ? 0 : mean[mean.length == 1 ? 0 : k];
            r[k] = mean == null ? 1 : 1f / std[std.length == 1 ? 0 : k];
        }
        boolean uniform = mean == null || mean.length == 1;
        float[] out = new float[cropH * cropW * c];
        int rowLength = cropW * c;
        if (resizedH == h && resizedW == w) {
            // No interpolation at the same size (bilinear weights are all 0): copy the window's rows.
            for (int y = 0; y < cropH; y++) {
                int from = ((top + y) * w + left) * c;
                if (!flip && uniform) {
                    copyRow(src, from, out, y * rowLength, rowLength, m[0], r[0]);
                } else {
                    copyPixels(src, from, out, y * rowLength, cropW, c, flip, m, r);
                }
            }
            return out;
        }
        Taps ys = Taps.of(h, resizedH);
        Taps xs = Taps.of(w, resizedW);
        byte[] bytes = src instanceof byte[] b ? b : null;
        float[] floats = bytes == null ? (float[]) src : null;
        for (int y = 0; y < cropH; y++) {
            int rowTop = ys.lower[top + y] * w * c;
            int rowBottom = ys.upper[top + y] * w * c;
            float dy = ys.lerp[top + y];
            int at = y * rowLength;
            for (int x = 0; x < cropW; x++) {
                int rx = left + (flip ? cropW - 1 - x : x);
                int colLeft = xs.lower[rx] * c;
                int colRight = xs.upper[rx] * c;
                float dx = xs.lerp[rx];
                for (int k = 0; k < c; k++) {
                    float tl = value(bytes, floats, rowTop + colLeft + k);
                    float tr = value(bytes, floats, rowTop + colRight + k);
                    float bl = value(bytes, floats, rowBottom + colLeft + k);
                    float br = value(bytes, floats, rowBottom + colRight + k);
                    float t = tl + (tr - tl) * dx;
                    float b = bl + (br - bl) * dx;
                    out[at++] = (t + (b - t) * dy - m[k]) * r[k];
                }
            }
        }
        return out;
    }

    /** {@code n} values from {@code src} (bytes or floats), each as {@code (v - m) * r}: a loop the JIT vectorizes. */
    private static void copyRow(Object src, int from, float[] out, int to, int n, float m, float r) {
        if (src instanceof byte[] bytes) {
            for (int j = 0; j < n; j++) {
                out[to + j] = ((bytes[from + j] & 0xff) - m) * r;
            }
        } else {
            float[] floats = (float[]) src;
            for (int j = 0; j < n; j++) {
                out[to + j] = (floats[from + j] - m) * r;
            }
        }
    }

    /** {@code cropW} pixels as {@code (v - m[k]) * r[k]}, mirrored if {@code flip}. */
    private static void copyPixels(Object src, int from, float[] out, int to, int cropW, int c, boolean flip,
                                   float[] m, float[] r) {
        if (src instanceof byte[] bytes && c == 3) {
            // The common case (RGB bytes) without a branch or a channel loop per value.
            float m0 = m[0];
            float m1 = m[1];
            float m2 = m[2];
            float r0 = r[0];
            float r1 = r[1];
            float r2 = r[2];
            int step = flip ? -3 : 3;
            int s = flip ? from + (cropW - 1) * 3 : from;
            for (int o = to, end = to + cropW * 3; o < end; o += 3, s += step) {
                out[o] = ((bytes[s] & 0xff) - m0) * r0;
                out[o + 1] = ((bytes[s + 1] & 0xff) - m1) * r1;
                out[o + 2] = ((bytes[s + 2] & 0xff) - m2) * r2;
            }
            return;
        }
        byte[] bytes = src instanceof byte[] b ? b : null;
        float[] floats = bytes == null ? (float[]) src : null;
        for (int x = 0; x < cropW; x++) {
            int s = from + (flip ? cropW - 1 - x : x) * c;
            for (int k = 0; k < c; k++) {
                out[to + x * c + k] = (value(bytes, floats, s + k) - m[k]) * r[k];
            }
        }
    }

    /**
     * {@code v = (v - mean[k]) * (1 / std[k])} in place: a multiplication by the reciprocal (the same as the
     * division within a rounding, and exact for a power-of-two std).
     */
    private static void normalizeInPlace(float[] v, int c, float[] mean, float[] std) {
        for (int i = 0; i < v.length; i += c) {
            for (int k = 0; k < c; k++) {
                int at = mean.length == 1 ? 0 : k;
                v[i + k] = (v[i + k] - mean[at]) * (1f / std[at]);
            }
        }
    }

    private static float value(byte[] bytes, float[] floats, int i) {
        return bytes != null ? bytes[i] & 0xff : floats[i];
    }

    /**
     * Nearest-neighbour resize of pixels in any primitive array, as {@code tf.image.resize(method="nearest")}
     * (which keeps the dtype): output pixel i takes input pixel {@code min(floor((i + 0.5) * in / out), in - 1)}.
     */
    public static Object resizeNearest(Object src, int h, int w, int c, int outH, int outW) {
        int[] ys = nearest(h, outH);
        int[] xs = nearest(w, outW);
        Object out = java.lang.reflect.Array.newInstance(src.getClass().getComponentType(), outH * outW * c);
        int at = 0;
        for (int y = 0; y < outH; y++) {
            int row = ys[y] * w * c;
            for (int x = 0; x < outW; x++) {
                System.arraycopy(src, row + xs[x] * c, out, at, c);
                at += c;
            }
        }
        return out;
    }

    private static int[] nearest(int in, int out) {
        float scale = (float) in / out;
        int[] idx = new int[out];
        for (int i = 0; i < out; i++) {
            idx[i] = Math.min((int) Math.floor(((float) i + 0.5f) * scale), in - 1);
        }
        return idx;
    }

    /**
     * The {@code cropH x cropW} window at ({@code top}, {@code left}) of an image held in any primitive array
     * ({@code byte[]}, {@code float[]}), in a new array of the same type.
     */
    public static Object crop(Object src, int h, int w, int c, int top, int left, int cropH, int cropW) {
        if (top < 0 || left < 0 || top + cropH > h || left + cropW > w) {
            throw new IllegalArgumentException("crop window " + cropH + "x" + cropW + " at (" + top + ", " + left
                    + ") is outside the " + h + "x" + w + " image");
        }
        Object out = java.lang.reflect.Array.newInstance(src.getClass().getComponentType(), cropH * cropW * c);
        for (int y = 0; y < cropH; y++) {
            System.arraycopy(src, ((top + y) * w + left) * c, out, y * cropW * c, cropW * c);
        }
        return out;
    }

    /** The image mirrored left to right, in a new array of the same type. */
    public static Object flipLeftRight(Object src, int h, int w, int c) {
        int n = java.lang.reflect.Array.getLength(src);
        Object out = java.lang.reflect.Array.newInstance(src.getClass().getComponentType(), n);
        for (int y = 0; y < h; y++) {
            int row = y * w * c;
            for (int x = 0; x < w; x++) {
                System.arraycopy(src, row + x * c, out, row + (w - 1 - x) * c, c);
            }
        }
        return out;
    }

    /**
     * {@code (x - mean[k]) * (1 / std[k])} for channel k; one mean and std for all channels if the arrays have one
     * value.
     */
    public static float[] normalize(float[] src, int c, float[] mean, float[] std) {
        float[] out = src.clone();
        normalizeInPlace(out, c, mean, std);
        return out;
    }

    /**
     * {@code tf.image.per_image_standardization}: {@code (x - mean) / max(stddev, 1 / sqrt(n))} over all n values
     * of the image (sums in double, then float32 as TensorFlow stores them).
     */
    public static float[] perImageStandardization(float[] src) {
        int n = src.length;
        double sum = 0;
        for (float v : src) {
            sum += v;
        }
        float mean = (float) (sum / n);
        double sq = 0;
        for (float v : src) {
            double d = v - mean;
            sq += d * d;
        }
        float stddev = (float) Math.sqrt(sq / n);
        float adjusted = Math.max(stddev, (float) (1 / Math.sqrt(n)));
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (src[i] - mean) / adjusted;
        }
        return out;
    }
}
