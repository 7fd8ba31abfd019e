package dev.tensorgraph.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.Tensor;
import dev.tensorgraph.data.Dataset;
import dev.tensorgraph.data.ImageFolder;
import dev.tensorgraph.data.Images;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image-folder example end to end on the committed Fashion-MNIST subset: {@code export-images} writes it as
 * JPEG folders by class, {@code train-folder --model small} trains two epochs of 1024 images from them through the input
 * pipeline, {@code --resume} adds a third from the last checkpoint.
 */
class TrainFolderSmokeTest {
    private static final Pattern EPOCH = Pattern.compile(
            "epoch +(\\d+)/(\\d+) +lr ([0-9.]+) +train loss ([0-9.]+) acc ([0-9.]+) +test loss ([0-9.]+) acc ([0-9.]+)");

    private static String run(String... args) {
        return CommandRuns.run(args);
    }

    @Test
    void exportsTrainsAndResumes(@TempDir Path dir) throws Exception {
        Path images = dir.resolve("images");
        run("export-images", "--data", TrainFashionMnistSmokeTest.miniDataDir().toString(), "--out", images.toString());
        ImageFolder train = Dataset.imageFolder(images.resolve("train"));
        assertEquals(2048, train.size());
        assertEquals("0-t-shirt", train.classNames().get(0));
        assertEquals("9-ankle-boot", train.classNames().get(9));
        Map<String, Tensor> first = train.map(Images.decode(0)).iterator().next();
        assertEquals(dev.tensorgraph.Shape.of(28, 28, 1), first.get(Images.IMAGE).shape());

        Path out = dir.resolve("run");
        String common = "--data " + images + " --channels 1 --batch-size 32 --limit 1024 --quiet --out " + out;
        String two = run(("train-folder --epochs 2 " + common).split(" "));
        Matcher m = EPOCH.matcher(two);
        double firstLoss = -1;
        double lastAccuracy = -1;
        int lines = 0;
        while (m.find()) {
            lines++;
            firstLoss = firstLoss < 0 ? Double.parseDouble(m.group(4)) : firstLoss;
            lastAccuracy = Double.parseDouble(m.group(7));
        }
        assertEquals(2, lines, two);
        // Chance is 0.1 (loss ln 10 = 2.30); two epochs of 1024 images reach about 0.65.
        assertTrue(firstLoss < 2.3 && lastAccuracy > 0.5, two);
        assertTrue(Files.isRegularFile(out.resolve("model-2.index")) && Files.isRegularFile(out.resolve("training-loss.png")));

        String three = run(("train-folder --epochs 3 --resume " + common).split(" "));
        assertTrue(three.contains("after epoch 2") && three.contains("epoch  3/3") && !three.contains("epoch  1/3"), three);
        assertTrue(Files.isRegularFile(out.resolve("model-3.index")));
    }
}
