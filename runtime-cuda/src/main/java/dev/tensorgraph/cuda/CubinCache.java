package dev.tensorgraph.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiled kernels kept on disk between runs of the JVM, so NVRTC (seconds for the built-in sources) runs
 * once per machine rather than once per process. A file is named by a SHA-256 of the source, the compiler
 * options (the GPU architecture among them) and the NVRTC version, and written to a temporary file that is
 * then renamed, so a reader never sees half a file. The directory is {@code -Dtensorgraph.cuda.cache=DIR},
 * else {@code $XDG_CACHE_HOME/tensorgraph/cubin}, else {@code ~/.cache/tensorgraph/cubin};
 * {@code -Dtensorgraph.cuda.cache=off} switches it off. Any I/O problem only costs a compilation.
 */
final class CubinCache {
    private static final Logger LOG = LoggerFactory.getLogger(CubinCache.class);

    private CubinCache() {}

    /** Where compiled kernels are kept, or null when caching is off; read on every use so it can change. */
    static Path directory() {
        String configured = System.getProperty("tensorgraph.cuda.cache");
        if ("off".equals(configured)) {
            return null;
        }
        if (configured != null && !configured.isEmpty()) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("tensorgraph").resolve("cubin");
    }

    /** The cached CUBIN for this compilation, or null. */
    static byte[] read(String key) {
        Path dir = directory();
        if (dir == null) {
            return null;
        }
        Path file = dir.resolve(key + ".cubin");
        try {
            return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
        } catch (IOException e) {
            LOG.debug("reading cached kernel {} failed: {}", file, e.toString());
            return null;
        }
    }

    static void write(String key, byte[] cubin) {
        Path dir = directory();
        if (dir == null) {
            return;
        }
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, key, ".tmp");
            Files.write(tmp, cubin);
            Files.move(tmp, dir.resolve(key + ".cubin"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("caching a compiled kernel in {} failed: {}", dir, e.toString());
        }
    }

    /** Drops a cached file that failed to load (written by an incompatible driver, or damaged). */
    static void forget(String key) {
        Path dir = directory();
        if (dir != null) {
            try {
                Files.deleteIfExists(dir.resolve(key + ".cubin"));
            } catch (IOException e) {
                LOG.debug("removing cached kernel {} failed: {}", key, e.toString());
            }
        }
    }

    static String key(String code, String[] options, String compilerVersion) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(code.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(String.join(" ", options).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(compilerVersion.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new dev.tensorgraph.errors.InternalException("SHA-256 is not available in this Java runtime", e);
        }
    }
}
