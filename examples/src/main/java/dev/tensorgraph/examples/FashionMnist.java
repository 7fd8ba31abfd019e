package dev.tensorgraph.examples;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.data.Dataset;
import dev.tensorgraph.data.Idx;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Fashion-MNIST data set from an IDX directory: 28x28 grayscale images scaled to [0, 1] and labels
 * 0..9. Debian's {@code dataset-fashion-mnist} package installs it in {@link #DEFAULT_DIR}.
 */
public final class FashionMnist {
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final String INSTALL_HINT = "sudo apt-get install dataset-fashion-mnist";
    public static final int SIDE = 28;
    public static final int CLASSES = 10;

    /** The component names of {@link #dataset} elements. */
    public static final String IMAGE = "image";
    public static final String LABEL = "label";

    /** Images as floats, row-major [count, 28, 28, 1]; labels 0..9. */
    public record Split(float[] images, int[] labels, int count) {}

    /** A split as a data set of "image" (float32 [28, 28, 1]) and "label" (int32) elements, in file order. */
    public static Dataset dataset(Split split) {
        return Dataset.fromTensorSlices(Map.of(
                IMAGE, Tensor.wrap(DType.FLOAT32, Shape.of(split.count(), SIDE, SIDE, 1), split.images()),
                LABEL, Tensor.wrap(DType.INT32, Shape.of(split.count()), split.labels())));
    }

    private FashionMnist() {}

    public static Split train(Path dir) {
        return load(dir, "train");
    }

    public static Split test(Path dir) {
        return load(dir, "t10k");
    }

    private static Path find(Path dir, String base) {
        for (String name : new String[] {base, base + ".gz"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        String hint = dir.equals(DEFAULT_DIR) ? " Install it with: " + INSTALL_HINT : "";
        throw new NotFoundException("Fashion-MNIST file " + base + "[.gz] not found in " + dir + "." + hint);
    }

    static Split load(Path dir, String prefix) {
        Path imageFile = find(dir, prefix + "-images-idx3-ubyte");
        Path labelFile = find(dir, prefix + "-labels-idx1-ubyte");
        Idx images = Idx.read(imageFile);
        Idx labels = Idx.read(labelFile);
        if (images.dims().length != 3 || images.dims()[1] != SIDE || images.dims()[2] != SIDE) {
            throw new InvalidArgumentException(imageFile + ": expected images of shape [N,28,28], got "
                    + java.util.Arrays.toString(images.dims()));
        }
        if (labels.dims().length != 1 || labels.count() != images.count()) {
            throw new InvalidArgumentException(labelFile + ": expected " + images.count() + " labels, got shape "
                    + java.util.Arrays.toString(labels.dims()));
        }
        int n = images.count();
        float[] pixels = new float[n * SIDE * SIDE];
        byte[] raw = images.data();
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (raw[i] & 0xff) / 255f;
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = labels.data()[i] & 0xff;
            if (y[i] >= CLASSES) {
                throw new InvalidArgumentException(labelFile + ": label " + y[i] + " at index " + i + " is not in [0, 10)");
            }
        }
        return new Split(pixels, y, n);
    }
}
