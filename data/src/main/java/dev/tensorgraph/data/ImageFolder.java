package dev.tensorgraph.data;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.IoErrors;
import dev.tensorgraph.errors.NotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A folder of images with a sub-folder per class ({@code train/cat/001.jpg}, {@code train/dog/002.png}): classes
 * are numbered in the order of their folder names, files taken in name order within each. Elements: "path" (the
 * file, a string) and "label" (int32). Files ending in .jpg, .jpeg or .png count as images; other files and
 * hidden folders are left out. A class folder without images is an error naming it, since its label would be
 * silently missing.
 */
public final class ImageFolder extends Dataset {
    /** The file of an element, a string scalar. */
    public static final String PATH = "path";
    /** The class number of an element, an int32 scalar. */
    public static final String LABEL = "label";

    private final Path dir;
    private final List<String> classNames;
    private final List<Path> files;
    private final int[] labels;

    private ImageFolder(Path dir, List<String> classNames, List<Path> files, int[] labels) {
        super(epoch -> new Listing(files, labels));
        this.dir = dir;
        this.classNames = classNames;
        this.files = files;
        this.labels = labels;
    }

    static ImageFolder scan(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new NotFoundException("image folder " + dir + " does not exist or is not a directory");
        }
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try {
            for (Path sub : sorted(dir)) {
                if (!Files.isDirectory(sub) || sub.getFileName().toString().startsWith(".")) {
                    continue;
                }
                List<Path> images = new ArrayList<>();
                for (Path f : sorted(sub)) {
                    if (Files.isRegularFile(f) && isImage(f)) {
                        images.add(f);
                    }
                }
                if (images.isEmpty()) {
                    throw new InvalidArgumentException("image folder " + dir + ": class folder " + sub
                            + " has no images (.jpg, .jpeg or .png files)");
                }
                for (Path f : images) {
                    files.add(f);
                    labels.add(classes.size());
                }
                classes.add(sub.getFileName().toString());
            }
        } catch (IOException e) {
            throw IoErrors.of("listing image folder " + dir, e);
        }
        if (classes.isEmpty()) {
            throw new InvalidArgumentException("image folder " + dir + " has no class sub-folders");
        }
        return new ImageFolder(dir, Collections.unmodifiableList(classes), List.copyOf(files),
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    private static List<Path> sorted(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        }
    }

    private static boolean isImage(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }

    /** The folder this was read from. */
    public Path dir() {
        return dir;
    }

    /** Class names (sub-folder names) in label order. */
    public List<String> classNames() {
        return classNames;
    }

    /** The image files, in element order. */
    public List<Path> files() {
        return files;
    }

    /** The number of images. */
    public int size() {
        return files.size();
    }

    /** The files of the folder with their labels, in order. */
    private static final class Listing implements ItemStream {
        private final List<Path> files;
        private final int[] labels;
        private int next;

        Listing(List<Path> files, int[] labels) {
            this.files = files;
            this.labels = labels;
        }

        @Override
        public Item next() {
            if (next >= files.size()) {
                return null;
            }
            int i = next++;
            Path f = files.get(i);
            byte[] path = f.toString().getBytes(StandardCharsets.UTF_8);
            return new Item(Map.of(PATH, Tensor.wrap(DType.STRING, Shape.scalar(), new byte[][] {path}),
                    LABEL, Tensor.of(labels[i])), f.toString());
        }

        @Override
        public void close() {
            next = files.size();
        }
    }
}
