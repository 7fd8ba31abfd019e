package dev.tensorgraph.examples.bench;

import dev.tensorgraph.Tensor;
import dev.tensorgraph.data.Dataset;
import dev.tensorgraph.data.ImageFolder;
import dev.tensorgraph.data.Images;
import dev.tensorgraph.data.Transform;
import dev.tensorgraph.data.image.ImageDecoder;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.examples.ExportImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * BENCHMARKS.md's P1: the input pipeline alone, on a folder of 3,000 256x256 JPEGs (quality 90, a class per
 * sub-folder): decode, resize to 256, random crop 224, random flip, normalize, shuffle, batch 64, prefetch; images
 * per second over whole epochs, as {@code peers/tfdata_p1.py run} measures tf.data on the same folder. Without a
 * folder, one is written from Fashion-MNIST first (300 images per class, upscaled, RGB), as the peer's
 * {@code make} does, and deleted afterwards.
 */
final class PipelineBench {
    static final String TITLE = "input pipeline: JPEG folder, decode+resize 256+crop 224+flip+normalize, batch 64";
    /** The young generation P1's JVM gets: room for about ten of its 38.5 MB batches. */
    static final String YOUNG_GENERATION = "-Xmn512m";

    private PipelineBench() {}

    static BenchResult p1(Path folder, Path fashionMnist, int rounds, boolean quick, int threads) {
        Path made = null;
        try {
            if (folder == null) {
                made = Files.createTempDirectory("tensorgraph-p1");
                folder = made.resolve("train");
                try {
                    ExportImages.writeP1Folder(fashionMnist, made, quick ? 20 : 300);
                } catch (NotFoundException e) {
                    return BenchResult.skipped("P1", TITLE, "no Fashion-MNIST data to make the image folder from: "
                            + e.getMessage() + " (or pass --p1-data DIR)");
                }
            }
            return run(Dataset.imageFolder(folder), rounds, quick, threads);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (made != null) {
                delete(made);
            }
        }
    }

    private static BenchResult run(ImageFolder folder, int rounds, boolean quick, int threads) {
        // tf.data's decode_jpeg uses the fast integer DCT by default; so does this side.
        Transform augment = Images.decode(3, ImageDecoder.DctMethod.INTEGER_FAST).andThen(Images.resize(256, 256)).andThen(Images.randomCrop(224, 224, 1))
                .andThen(Images.randomFlipLeftRight(1)).andThen(Images.normalize(127.5f, 63.75f));
        Dataset ds = folder.shuffle(folder.size(), 1).map(augment, threads).batch(64).prefetch(2);
        int[] images = new int[1];
        Measurement.Step epoch = () -> {
            int n = 0;
            for (Map<String, Tensor> batch : ds) {
                n += batch.get(ImageFolder.LABEL).numElements();
            }
            images[0] = n;
        };
        Measurement.Samples smp = Measurement.measure(epoch, new Measurement.Budget(1, quick ? 0 : 2.0, 1, rounds));
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("images per epoch", images[0]);
        extra.put("map threads", threads);
        extra.put("JPEG decoder", ImageDecoder.usesLibjpegTurbo() ? "libjpeg-turbo" : "javax.imageio");
        return BenchResult.ok("P1", TITLE, "images/s", smp, smp.stats(t -> images[0] / t), -1, extra,
                quick ? "quick: 200 images" : null);
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
