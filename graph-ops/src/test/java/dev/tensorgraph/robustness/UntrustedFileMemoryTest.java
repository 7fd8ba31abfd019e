package dev.tensorgraph.robustness;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files built to exhaust memory, through the API, each in a child JVM with a small heap ({@link
 * UntrustedFileChild}) so that an OutOfMemoryError fails the case instead of the test JVM: expansion bombs and
 * 3 GiB files end in typed errors naming the node or file and the limit, and a checkpoint whose variables lie
 * past 2 GiB restores on a 64 MiB heap. Big files are sparse.
 */
class UntrustedFileMemoryTest {
    @TempDir
    Path dir;

    /** The child's single result line for {@code which}, run with {@code heap}. */
    private String child(String heap, String which) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xshare:auto", "-cp", System.getProperty("java.class.path"), UntrustedFileChild.class.getName(),
                which, dir.toString()).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(which + ": the child did not finish in 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            fail(which + ": the child failed with exit code " + p.exitValue() + ":\n" + out);
        }
        return out.lines().filter(l -> l.startsWith("ok ") || l.startsWith("typed ")).findFirst()
                .orElseThrow(() -> new AssertionError(which + ": no result in\n" + out));
    }

    private static void assertMentions(String line, String... parts) {
        for (String part : parts) {
            assertTrue(line.contains(part), "'" + line + "' should mention " + part);
        }
    }

    @Test
    void graphDefConstantsThatExpandFromOneValue() throws Exception {
        assertMentions(child("512m", "graphdef-float64"), "typed ResourceExhaustedException: GraphDef: node 'bomb_",
                "float64[16777216] from 1 value", "tensorgraph.limits.maxExpandedBytes");
        assertMentions(child("512m", "graphdef-string"), "typed ResourceExhaustedException", "string[16777216]");
        assertMentions(child("512m", "metagraph-float64"), "typed ResourceExhaustedException",
                "bomb.meta", "node 'bomb_");
    }

    @Test
    void aThreeGibMetaGraphIsRefusedFromItsSize() throws Exception {
        assertMentions(child("512m", "metagraph-3gib"), "typed ResourceExhaustedException: meta graph '",
                "huge.meta' is 3221225472 bytes", "tensorgraph.limits.maxFileBytes");
    }

    @Test
    void variablesPastTwoGibOfADataFileRestoreOnASmallHeap() throws Exception {
        assertMentions(child("64m", "restore-past-2gib"), "ok restored w from offset 2684354563");
    }
}
