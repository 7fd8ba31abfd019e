package dev.tensorgraph.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.TensorgraphException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A folder of images by class, read as API.md's "Feeding data" does, and its bad inputs. */
class ImageFolderTest {
    @TempDir
    Path dir;

    private Path copy(String resource, String to) throws IOException {
        Path target = dir.resolve(to);
        Files.createDirectories(target.getParent());
        return Files.copy(TfData.file(resource), target);
    }

    @Test
    void classesAreSortedFolderNamesAndBatchesAreReadyToFeed() throws IOException {
        copy("rgb.jpg", "train/dog/b.jpg");
        copy("rgb.png", "train/dog/a.png");
        copy("rgb.jpg", "train/cat/x.jpeg");
        Files.writeString(dir.resolve("train/cat/notes.txt"), "not an image");
        Files.createDirectories(dir.resolve("train/.hidden"));
        ImageFolder folder = Dataset.imageFolder(dir.resolve("train"));
        assertEquals(List.of("cat", "dog"), folder.classNames());
        assertEquals(List.of(dir.resolve("train/cat/x.jpeg"), dir.resolve("train/dog/a.png"), dir.resolve("train/dog/b.jpg")),
                folder.files());
        Dataset ds = folder.shuffle(10_000, 42).map(Images.decodeResize(24, 24), 2).batch(2).prefetch(2);
        List<Integer> labels = new ArrayList<>();
        for (Map<String, Tensor> batch : ds) {
            assertEquals(Shape.of(batch.get("label").numElements(), 24, 24, 3), batch.get("image").shape());
            for (int l : batch.get("label").ints()) {
                labels.add(l);
            }
        }
        labels.sort(null);
        assertEquals(List.of(0, 1, 1), labels);
    }

    @Test
    void emptyClassFolderMissingFolderAndNoClassesAreErrors() throws IOException {
        copy("rgb.jpg", "a/cat/1.jpg");
        Files.createDirectories(dir.resolve("a/dog"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Dataset.imageFolder(dir.resolve("a")));
        assertTrue(e.getMessage().contains(dir.resolve("a/dog").toString()) && e.getMessage().contains("no images"),
                e.getMessage());
        assertThrows(NotFoundException.class, () -> Dataset.imageFolder(dir.resolve("nowhere")));
        Files.createDirectories(dir.resolve("flat"));
        copy("rgb.jpg", "flat/1.jpg");
        assertThrows(InvalidArgumentException.class, () -> Dataset.imageFolder(dir.resolve("flat")));
    }

    @Test
    void corruptAndVanishedImagesNameTheFileOrAreSkipped() throws IOException {
        copy("rgb.jpg", "b/cat/good1.jpg");
        Path corrupt = dir.resolve("b/cat/corrupt.jpg");
        byte[] jpeg = Files.readAllBytes(TfData.file("rgb.jpg"));
        Files.write(corrupt, java.util.Arrays.copyOf(jpeg, jpeg.length / 3));
        Path gone = copy("rgb.png", "b/dog/gone.png");
        copy("rgb.png", "b/dog/good2.png");
        ImageFolder folder = Dataset.imageFolder(dir.resolve("b"));
        Files.delete(gone);
        List<String> errors = new ArrayList<>();
        int good = 0;
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (DatasetIterator it = folder.map(Images.decodeResize(8, 8), 3).prefetch(2).iterator()) {
                while (true) {
                    try {
                        if (!it.hasNext()) {
                            break;
                        }
                        it.next();
                    } catch (TensorgraphException e) {
                        errors.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                    }
                }
            }
        });
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("InvalidArgumentException") && errors.get(0).contains(corrupt.toString()),
                errors.get(0));
        assertTrue(errors.get(1).startsWith("NotFoundException") && errors.get(1).contains(gone.toString()),
                errors.get(1));
        for (Map<String, Tensor> e : folder.map(Images.decodeResize(8, 8), 2).ignoreErrors()) {
            good++;
        }
        assertEquals(2, good);
    }
}
