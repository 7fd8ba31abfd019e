package dev.tensorgraph.examples;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.data.Idx;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Fashion-MNIST directory that is incomplete or holds the wrong shapes is an error naming the file. */
class FashionMnistTest {
    @TempDir
    Path dir;

    @Test
    void missingFilesAreNotFoundNamingThem() {
        NotFoundException set = assertThrows(NotFoundException.class, () -> FashionMnist.train(dir));
        assertTrue(set.getMessage().contains("train-images-idx3-ubyte") && set.getMessage().contains(dir.toString()),
                set.getMessage());
    }

    @Test
    void imagesThatAreNot28By28AreRejected() throws IOException {
        new Idx(new int[] {2, 32, 32}, new byte[2 * 32 * 32]).write(dir.resolve("train-images-idx3-ubyte.gz"));
        new Idx(new int[] {2}, new byte[] {1, 2}).write(dir.resolve("train-labels-idx1-ubyte.gz"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> FashionMnist.train(dir));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz") && e.getMessage().contains("[N,28,28]")
                && e.getMessage().contains("[2, 32, 32]"), e.getMessage());
    }

    @Test
    void labelOutOfRangeIsRejectedNamingFileLabelAndIndex() throws IOException {
        new Idx(new int[] {3, 28, 28}, new byte[3 * 28 * 28]).write(dir.resolve("t10k-images-idx3-ubyte"));
        new Idx(new int[] {3}, new byte[] {9, 0, 12}).write(dir.resolve("t10k-labels-idx1-ubyte"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> FashionMnist.test(dir));
        String m = e.getMessage();
        assertTrue(m.contains("t10k-labels-idx1-ubyte") && m.contains("label 12") && m.contains("index 2"), m);
    }

    @Test
    void labelCountMustMatchImageCount() throws IOException {
        new Idx(new int[] {3, 28, 28}, new byte[3 * 28 * 28]).write(dir.resolve("t10k-images-idx3-ubyte"));
        new Idx(new int[] {2}, new byte[] {1, 2}).write(dir.resolve("t10k-labels-idx1-ubyte"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> FashionMnist.test(dir));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte") && e.getMessage().contains("expected 3 labels"),
                e.getMessage());
    }
}
