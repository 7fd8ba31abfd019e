package dev.tensorgraph.examples;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Session;
import dev.tensorgraph.SessionOptions;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.examples.cli.ChoiceConverter;
import dev.tensorgraph.ops.Tf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A fixed 3x3 edge filter applied with {@code tf.nn.conv2d} (NHWC, SAME padding) followed by a 2x2
 * {@code tf.nn.maxPool}: the two building blocks of a CNN, with hand-chosen weights instead of learnt ones.
 * Both results are written as PNG, each scaled so its minimum is black and its maximum white.
 */
@Command(name = "edge-filter", mixinStandardHelpOptions = true,
        description = "Edge-filter a grayscale image with conv2d, max-pool it, and write both as PNG.")
public final class EdgeFilterExample implements Callable<Integer> {
    /** The filters offered, row-major 3x3. */
    static final float[] LAPLACIAN = {0, 1, 0, 1, -4, 1, 0, 1, 0};
    static final float[] SOBEL_X = {-1, 0, 1, -2, 0, 2, -1, 0, 1};
    static final float[] SOBEL_Y = {-1, -2, -1, 0, 0, 0, 1, 2, 1};

    @Option(names = "--image", description = "Input image (PNG or any format ImageIO reads); default: the first "
            + "Fashion-MNIST test image if installed, else a generated test pattern.")
    Path image;

    /** The filters {@code --filter} offers. */
    enum Filter {
        LAPLACIAN(EdgeFilterExample.LAPLACIAN), SOBEL_X(EdgeFilterExample.SOBEL_X), SOBEL_Y(EdgeFilterExample.SOBEL_Y);

        final float[] kernel;

        Filter(float[] kernel) {
            this.kernel = kernel;
        }

        @Override
        public String toString() {
            return ChoiceConverter.spelling(this);
        }

        static final class Converter extends ChoiceConverter<Filter> {
            Converter() {
                super(Filter.class);
            }
        }
    }

    @Option(names = "--filter", converter = Filter.Converter.class,
            description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Filter filter = Filter.LAPLACIAN;

    @Option(names = "--out", description = "Output directory (default ${DEFAULT-VALUE}).")
    Path out = Path.of("runs/edge-filter");

    /** A grayscale image, row-major, values in [0, 1]. */
    record Gray(int height, int width, float[] pixels) {}

    /** The filtered image [1, h, w, 1] and its max-pooled version [1, h/2, w/2, 1]. */
    record Result(Tensor edges, Tensor pooled) {}

    @Override
    public Integer call() throws IOException {
        Gray input = load();
        Result r = apply(input, filter.kernel);
        Files.createDirectories(out);
        Path edges = out.resolve("edges.png");
        Path pooled = out.resolve("edges-pooled.png");
        GrayPng.write(r.edges(), edges);
        GrayPng.write(r.pooled(), pooled);
        System.out.println("input  " + Shape.of(1, input.height(), input.width(), 1));
        System.out.println("conv2d " + r.edges().shape() + " -> " + edges);
        System.out.println("pool   " + r.pooled().shape() + " -> " + pooled);
        return 0;
    }

    /** Runs conv2d (SAME, stride 1) with the 3x3 {@code filter3x3} and a 2x2/2 max-pool (VALID) on {@code input}. */
    static Result apply(Gray input, float[] filter3x3) {
        Graph g = new Graph();
        Tf tf = Tf.of(g);
        Output x = tf.placeholder(DType.FLOAT32, Shape.of(1, -1, -1, 1), "image");
        Output w = tf.constant(Tensor.of(DType.FLOAT32, Shape.of(3, 3, 1, 1), filter3x3), "filter");
        Output edges = tf.nn.conv2d(x, w, new int[] {1, 1, 1, 1}, "SAME", "edges");
        Output pooled = tf.nn.maxPool(edges, new int[] {1, 2, 2, 1}, new int[] {1, 2, 2, 1}, "VALID", "NHWC", "pooled");
        Tensor image = Tensor.of(DType.FLOAT32, Shape.of(1, input.height(), input.width(), 1), input.pixels());
        try (Session s = new Session(g, SessionOptions.cpuOnly())) {
            List<Tensor> r = s.runner().feed(x, image).fetch(edges).fetch(pooled).run();
            return new Result(r.get(0), r.get(1));
        }
    }

    private Gray load() throws IOException {
        if (image != null) {
            return GrayPng.read(image);
        }
        if (Files.isDirectory(FashionMnist.DEFAULT_DIR)) {
            FashionMnist.Split test = FashionMnist.test(FashionMnist.DEFAULT_DIR);
            int px = FashionMnist.SIDE * FashionMnist.SIDE;
            System.out.println("image: first Fashion-MNIST test image (label " + test.labels()[0] + ")");
            return new Gray(FashionMnist.SIDE, FashionMnist.SIDE, java.util.Arrays.copyOf(test.images(), px));
        }
        System.out.println("image: generated test pattern (Fashion-MNIST not installed: " + FashionMnist.INSTALL_HINT + ")");
        return testPattern(64, 64);
    }

    /** A bright square and a disc on a dark background: straight and curved edges. */
    static Gray testPattern(int height, int width) {
        float[] p = new float[height * width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean square = y >= height / 8 && y < height / 2 && x >= width / 8 && x < width / 2;
                double dy = y - 0.68 * height;
                double dx = x - 0.68 * width;
                boolean disc = dx * dx + dy * dy < (0.22 * height) * (0.22 * width);
                p[y * width + x] = square ? 1f : disc ? 0.6f : 0.1f;
            }
        }
        return new Gray(height, width, p);
    }
}
