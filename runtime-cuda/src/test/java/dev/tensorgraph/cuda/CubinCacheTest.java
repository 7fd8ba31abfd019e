package dev.tensorgraph.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk kernel cache: keys that change with what was compiled, round trips, and switching it off. */
class CubinCacheTest {
    private static final String PROPERTY = "tensorgraph.cuda.cache";

    @AfterEach
    void restore() {
        System.clearProperty(PROPERTY);
    }

    @Test
    void keysDependOnSourceOptionsAndCompilerVersion() {
        String[] sm90 = {"--gpu-architecture=sm_90"};
        String base = CubinCache.key("__global__ void k() {}", sm90, "13.0");
        assertEquals(base, CubinCache.key("__global__ void k() {}", sm90, "13.0"));
        assertNotEquals(base, CubinCache.key("__global__ void k() { }", sm90, "13.0"));
        assertNotEquals(base, CubinCache.key("__global__ void k() {}", new String[] {"--gpu-architecture=sm_80"}, "13.0"));
        assertNotEquals(base, CubinCache.key("__global__ void k() {}", sm90, "13.1"));
        assertEquals(64, base.length());
    }

    @Test
    void writtenKernelsAreReadBackAndForgotten(@TempDir Path dir) throws Exception {
        System.setProperty(PROPERTY, dir.toString());
        String key = CubinCache.key("code", new String[] {"-x"}, "1.0");
        assertNull(CubinCache.read(key));
        byte[] cubin = {0x7f, 'E', 'L', 'F', 1, 2, 3};
        CubinCache.write(key, cubin);
        assertArrayEquals(cubin, CubinCache.read(key));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
        CubinCache.forget(key);
        assertNull(CubinCache.read(key));
    }

    @Test
    void offSwitchesTheCacheOff(@TempDir Path dir) throws Exception {
        System.setProperty(PROPERTY, "off");
        assertNull(CubinCache.directory());
        CubinCache.write("abc", new byte[] {1});
        assertNull(CubinCache.read("abc"));
        System.setProperty(PROPERTY, dir.toString());
        assertEquals(dir, CubinCache.directory());
    }
}
