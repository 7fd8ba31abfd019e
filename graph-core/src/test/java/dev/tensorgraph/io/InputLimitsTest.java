package dev.tensorgraph.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.ResourceExhaustedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The limits' defaults, how they are raised, and the errors that name the file, the limit and the way out. */
class InputLimitsTest {
    @TempDir
    Path dir;

    @AfterEach
    void defaults() {
        InputLimits.setMaxFileBytes(-1);
        InputLimits.setMaxExpandedBytes(-1);
        InputLimits.setMaxTensorElements(-1);
    }

    @Test
    void defaultsAreNamedAndCappedByTheHeap() {
        long heap = Runtime.getRuntime().maxMemory();
        assertEquals(Math.min(256L << 20, heap / 4), InputLimits.maxExpandedBytes());
        assertEquals(Math.min(Integer.MAX_VALUE - 8, heap / 2), InputLimits.maxFileBytes());
        assertEquals(Integer.MAX_VALUE - 8, InputLimits.maxTensorElements());
        InputLimits.setMaxExpandedBytes(1L << 40);
        assertEquals(1L << 40, InputLimits.maxExpandedBytes(), "a set limit is taken as given");
        assertThrows(InvalidArgumentException.class, () -> InputLimits.setMaxFileBytes(1L << 40));
        assertThrows(InvalidArgumentException.class, () -> InputLimits.setMaxExpandedBytes(-2));
    }

    @Test
    void propertiesTakeSizesWithUnits() {
        assertEquals(512L << 20, InputLimits.parseSize("512m"));
        assertEquals(2L << 30, InputLimits.parseSize(" 2G "));
        assertEquals(1234, InputLimits.parseSize("1234"));
        assertEquals(8L << 10, InputLimits.parseSize("8k"));
        System.setProperty("tensorgraph.test.size", "3m");
        System.setProperty("tensorgraph.test.bad", "lots");
        try {
            assertEquals(3L << 20, InputLimits.property("tensorgraph.test.size", Long.MAX_VALUE));
            assertEquals(-1, InputLimits.property("tensorgraph.test.bad", Long.MAX_VALUE), "malformed: the default");
            assertEquals(1000, InputLimits.property("tensorgraph.test.size", 1000), "capped at the maximum");
            assertEquals(-1, InputLimits.property("tensorgraph.test.unset", Long.MAX_VALUE));
        } finally {
            System.clearProperty("tensorgraph.test.size");
            System.clearProperty("tensorgraph.test.bad");
        }
    }

    @Test
    void expansionIsChargedPerFileBeforeAllocating() {
        InputLimits.setMaxExpandedBytes(1000);
        InputLimits.Expansion e = InputLimits.expansion("model.pb");
        e.charge(600, "node 'a'");
        e.charge(400, "node 'b'");
        String m = assertThrows(ResourceExhaustedException.class, () -> e.charge(1, "node 'c'")).getMessage();
        assertTrue(m.startsWith("model.pb: node 'c' expands to 1 bytes after 1000 expanded before it"), m);
        assertTrue(m.contains("1000 bytes one file may expand to") && m.contains(InputLimits.MAX_EXPANDED_BYTES_PROPERTY)
                && m.contains("InputLimits.setMaxExpandedBytes"), m);
        assertThrows(ResourceExhaustedException.class, () -> InputLimits.expansion("x").charge(-1, "overflow"));
        assertEquals(1000, InputLimits.expansion("another file").limit(), "each file has its own account");
    }

    @Test
    void filesReadWholeAreSizeCheckedFirst() throws Exception {
        Path f = Files.write(dir.resolve("model.pb"), new byte[100]);
        assertArrayEquals(new byte[100], InputLimits.readFile(f, "GraphDef"));
        InputLimits.setMaxFileBytes(99);
        String m = assertThrows(ResourceExhaustedException.class, () -> InputLimits.readFile(f, "GraphDef")).getMessage();
        assertTrue(m.contains("GraphDef '" + f + "' is 100 bytes, more than the 99 bytes"), m);
        assertTrue(m.contains(InputLimits.MAX_FILE_BYTES_PROPERTY), m);
        assertThrows(NotFoundException.class, () -> InputLimits.readFile(dir.resolve("missing.pb"), "GraphDef"));
        assertThrows(NotFoundException.class, () -> InputLimits.readFile(dir, "GraphDef"));
    }
}
