package dev.tensorgraph.data.image;

/**
 * Converts decoded pixels between channel counts as TensorFlow's decoders do for a requested {@code channels}:
 * gray to RGB by repetition, alpha dropped or added as opaque, color to gray with the ITU-R BT.601 luma
 * weights (0 keeps what the file has).
 */
final class Channels {
    private Channels() {}

    static Decoded convert(Decoded d, int channels) {
        int from = d.channels();
        if (channels == 0 || channels == from) {
            return d;
        }
        int n = d.width() * d.height();
        byte[] src = d.pixels();
        byte[] out = new byte[n * channels];
        boolean srcColor = from >= 3;
        boolean srcAlpha = from == 2 || from == 4;
        for (int i = 0; i < n; i++) {
            int s = i * from;
            int r = src[s] & 0xff;
            int g = srcColor ? src[s + 1] & 0xff : r;
            int b = srcColor ? src[s + 2] & 0xff : r;
            int a = srcAlpha ? src[s + from - 1] & 0xff : 255;
            int o = i * channels;
            if (channels <= 2) {
                out[o] = (byte) (srcColor ? (19595 * r + 38470 * g + 7471 * b + 32768) >> 16 : r);
            } else {
                out[o] = (byte) r;
                out[o + 1] = (byte) g;
                out[o + 2] = (byte) b;
            }
            if (channels == 2 || channels == 4) {
                out[o + channels - 1] = (byte) a;
            }
        }
        return new Decoded(out, d.height(), d.width(), channels);
    }
}
