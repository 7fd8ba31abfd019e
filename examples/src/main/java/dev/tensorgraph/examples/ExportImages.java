package dev.tensorgraph.examples;

import dev.tensorgraph.data.image.ImageOps;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.IoErrors;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tensorgraph export-images}: writes Fashion-MNIST as folders of images by class ({@code OUT/train/0-t-shirt/
 * 00000.jpg}, ..., {@code OUT/test/...}), the layout {@code Dataset.imageFolder} and {@code train-folder} read.
 * Class folders are numbered so that their sorted order is the label order. Images can be enlarged (bilinearly,
 * as tf.image.resize) and written as RGB, as BENCHMARKS.md's P1 folder is: 256x256 RGB JPEGs of quality 90.
 */
@Command(name = "export-images", mixinStandardHelpOptions = true,
        description = "Write Fashion-MNIST as folders of JPEG or PNG images by class (train/ and test/).")
public final class ExportImages implements Callable<Integer> {
    /** Fashion-MNIST's classes in label order. */
    static final List<String> CLASSES = List.of("t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt",
            "sneaker", "bag", "ankle-boot");

    @Option(names = "--data", description = "Directory of the IDX files (default ${DEFAULT-VALUE}).")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--out", required = true, description = "Folder to write train/ and test/ into.")
    Path out;

    @Option(names = "--size", description = "Side of the written images in pixels (default ${DEFAULT-VALUE}: as stored).")
    int size = 28;

    @Option(names = "--rgb", description = "Write three-channel (RGB) images instead of grayscale.")
    boolean rgb;

    @Option(names = "--format", description = "jpg or png (default ${DEFAULT-VALUE}).")
    String format = "jpg";

    @Option(names = "--quality", description = "JPEG quality 1-100 (default ${DEFAULT-VALUE}).")
    int quality = 90;

    @Option(names = "--per-class", description = "At most this many images per class and split (0 = all).")
    int perClass = 0;

    @Option(names = "--splits", split = ",", description = "Splits to write (default: train,test).")
    List<String> splits = List.of("train", "test");

    @Override
    public Integer call() {
        if (size < 1 || quality < 1 || quality > 100 || !(format.equals("jpg") || format.equals("png"))) {
            throw new InvalidArgumentException("--size must be positive, --quality in 1..100, --format jpg or png");
        }
        long t0 = System.nanoTime();
        int written = 0;
        for (String split : splits) {
            FashionMnist.Split s = switch (split) {
                case "train" -> FashionMnist.train(data);
                case "test" -> FashionMnist.test(data);
                default -> throw new InvalidArgumentException("--splits takes train and test, got '" + split + "'");
            };
            written += export(s, out.resolve(split));
        }
        System.out.printf("wrote %d %dx%d %s images to %s (%.1f s)%n", written, size, size, format, out,
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /**
     * BENCHMARKS.md's P1 folder: {@code perClass} training images per class as 256x256 RGB JPEGs of quality 90, in
     * {@code out/train}.
     */
    public static void writeP1Folder(Path fashionMnist, Path out, int perClass) {
        ExportImages e = new ExportImages();
        e.size = 256;
        e.rgb = true;
        e.perClass = perClass;
        e.export(FashionMnist.train(fashionMnist), out.resolve("train"));
    }

    /** Writes one split; returns the number of images. */
    int export(FashionMnist.Split split, Path dir) {
        List<Integer> chosen = new ArrayList<>();
        int[] perLabel = new int[CLASSES.size()];
        for (int i = 0; i < split.count(); i++) {
            int label = split.labels()[i];
            if (perClass <= 0 || perLabel[label] < perClass) {
                perLabel[label]++;
                chosen.add(i);
            }
        }
        try {
            for (int c = 0; c < CLASSES.size(); c++) {
                Files.createDirectories(dir.resolve(className(c)));
            }
        } catch (IOException e) {
            throw IoErrors.of("creating " + dir, e);
        }
        IntStream.range(0, chosen.size()).parallel().forEach(k -> {
            int i = chosen.get(k);
            Path file = dir.resolve(className(split.labels()[i])).resolve(String.format("%05d.%s", i, format));
            write(image(split, i), file);
        });
        return chosen.size();
    }

    static String className(int label) {
        return label + "-" + CLASSES.get(label);
    }

    /** Image i of the split as bytes 0-255, enlarged to {@code size} and made RGB as asked. */
    private BufferedImage image(FashionMnist.Split split, int i) {
        int side = FashionMnist.SIDE;
        float[] px = new float[side * side];
        for (int p = 0; p < px.length; p++) {
            px[p] = split.images()[i * side * side + p] * 255f;
        }
        float[] scaled = ImageOps.resizeBilinear(px, side, side, 1, size, size);
        BufferedImage img = new BufferedImage(size, size, rgb ? BufferedImage.TYPE_3BYTE_BGR : BufferedImage.TYPE_BYTE_GRAY);
        byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        int channels = rgb ? 3 : 1;
        for (int p = 0; p < scaled.length; p++) {
            byte v = (byte) Math.max(0, Math.min(255, Math.round(scaled[p])));
            for (int k = 0; k < channels; k++) {
                dst[p * channels + k] = v;
            }
        }
        return img;
    }

    private void write(BufferedImage img, Path file) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format.equals("jpg") ? "jpeg" : "png").next();
        try {
            // The stream writes over an existing file without truncating it.
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw IoErrors.of("replacing " + file, e);
        }
        try (ImageOutputStream os = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(os);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (format.equals("jpg")) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality / 100f);
            }
            writer.write(null, new IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw IoErrors.of("writing " + file, e);
        } finally {
            writer.dispose();
        }
    }
}
