package dev.tensorgraph.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {
    @TempDir
    Path parent;

    private static final LocalDateTime START = LocalDateTime.of(2026, 3, 7, 9, 5, 2);

    @Test
    void eachRunGetsItsOwnFolderEvenInTheSameSecond() throws Exception {
        Path first = RunFolder.create(parent, "cnn", START);
        Path second = RunFolder.create(parent, "cnn", START);
        Path other = RunFolder.create(parent, "cnn-bn", START);
        assertEquals(parent.resolve("cnn-20260307-090502"), first);
        assertEquals(parent.resolve("cnn-20260307-090502-2"), second);
        assertEquals(parent.resolve("cnn-bn-20260307-090502"), other);
        for (Path p : new Path[] {first, second, other}) {
            assertTrue(Files.isDirectory(p), p.toString());
        }
    }

    @Test
    void latestLinksToTheLastFinishedRunByARelativeName() throws Exception {
        Path first = RunFolder.create(parent, "cnn", START);
        Path second = RunFolder.create(parent, "cnn-bn", START.plusMinutes(1));
        assertTrue(RunFolder.markLatest(parent, first));
        Path latest = parent.resolve(RunFolder.LATEST);
        assertEquals(first.toRealPath(), latest.toRealPath());
        assertTrue(RunFolder.markLatest(parent, second));
        assertEquals(second.toRealPath(), latest.toRealPath());
        // Relative, so the runs folder can be moved or copied as a whole.
        assertEquals(Path.of(second.getFileName().toString()), Files.readSymbolicLink(latest));
        try (var entries = Files.list(parent)) {
            assertEquals(3, entries.count(), "no temporary link left behind");
        }
    }

    @Test
    void aFileNamedLatestIsLeftAlone() throws Exception {
        Path run = RunFolder.create(parent, "cnn", START);
        Files.writeString(parent.resolve(RunFolder.LATEST), "mine");
        assertFalse(RunFolder.markLatest(parent, run));
        assertEquals("mine", Files.readString(parent.resolve(RunFolder.LATEST)));
        assertNotEquals(run, parent.resolve(RunFolder.LATEST));
    }
}
