package dev.tensorgraph.examples;

import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Grayscale images to and from PNG for the edge-filter example. Kept apart from the command so that the
 * command-line tool starts on a Java runtime without the java.desktop module (a trimmed server runtime):
 * only running {@code edge-filter} needs it.
 */
final class GrayPng {
    private GrayPng() {}

    /** Reads an image and converts it to gray with the ITU-R BT.601 luma weights. */
    static EdgeFilterExample.Gray read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NotFoundException("image not found: " + file);
        }
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new InvalidArgumentException(file + " is not an image format ImageIO can read");
        }
        int h = img.getHeight();
        int w = img.getWidth();
        float[] p = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                double luma = 0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
                p[y * w + x] = (float) (luma / 255.0);
            }
        }
        return new EdgeFilterExample.Gray(h, w, p);
    }

    /** Writes a [1, h, w, 1] tensor as an 8-bit gray PNG, min..max mapped to 0..255 (flat: all black). */
    static void write(Tensor t, Path file) throws IOException {
        int h = (int) t.shape().size(1);
        int w = (int) t.shape().size(2);
        float[] v = t.floats();
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float f : v) {
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        float range = max > min ? max - min : 1f;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int g = Math.round((v[y * w + x] - min) / range * 255f);
                img.getRaster().setSample(x, y, 0, g);
            }
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }
}
