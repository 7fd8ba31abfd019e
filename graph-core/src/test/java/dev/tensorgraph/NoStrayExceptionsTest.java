package dev.tensorgraph;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every error the runtime raises is one of {@code dev.tensorgraph.errors.*}, so callers can branch on
 * TensorFlow's status codes. This test reads the main sources of the runtime modules and fails on any
 * {@code throw new} of a plain JDK runtime exception, listing each as {@code file:line}. Templates that
 * the build expands into Java ({@code src/main/templates}) are read as well.
 *
 * <p>{@link #PENDING} names files whose owners are still converting them; they are reported, not failed.
 * Remove an entry as soon as its file is clean (the test prints entries that no longer match).
 */
class NoStrayExceptionsTest {
    /** Modules whose main sources must throw only typed errors; paths relative to a module directory. */
    private static final List<String> MODULES = List.of("graph-core", "graph-ops", "runtime-cpu");
    private static final List<String> OPTIONAL_MODULES = List.of("runtime-cuda");

    private static final Pattern STRAY = Pattern.compile("throw\\s+new\\s+(?:java\\.(?:lang|io)\\.)?"
            + "(IllegalArgumentException|IllegalStateException|RuntimeException|NullPointerException"
            + "|UnsupportedOperationException|ArithmeticException|UncheckedIOException)\\s*\\(");

    /**
     * File or folder (ending in '/'), relative to the project root, → why it is still allowed. Shrink this
     * list; never grow it.
     */
    private static final Map<String, String> PENDING = Map.of();

    @Test
    void runtimeThrowsOnlyTypedErrors() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Map<String, List<String>> found = new TreeMap<>();
        int files = 0;
        List<String> modules = new ArrayList<>(MODULES);
        for (String m : OPTIONAL_MODULES) {
            if (Files.isDirectory(root.resolve(m).resolve("src/main/java"))) {
                modules.add(m);
            }
        }
        for (String module : modules) {
            Path src = root.resolve(module).resolve("src/main/java");
            assertTrue(Files.isDirectory(src), "missing source tree " + src + " (surefire must run in the module dir)");
            List<Path> javaFiles = new ArrayList<>();
            // Templates expanded into Java at build time are main sources too.
            for (Path tree : List.of(src, root.resolve(module).resolve("src/main/templates"))) {
                if (Files.isDirectory(tree)) {
                    try (Stream<Path> s = Files.walk(tree)) {
                        s.filter(p -> p.toString().endsWith(".java")).sorted().forEach(javaFiles::add);
                    }
                }
            }
            for (Path f : javaFiles) {
                files++;
                String rel = root.relativize(f).toString().replace('\\', '/');
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).strip();
                    if (line.startsWith("//") || line.startsWith("*") || line.startsWith("/*")) {
                        continue;
                    }
                    Matcher mt = STRAY.matcher(line);
                    if (mt.find()) {
                        found.computeIfAbsent(rel, k -> new ArrayList<>()).add(rel + ":" + (i + 1) + ": " + mt.group(1));
                    }
                }
            }
        }
        assertTrue(files > 50, "scanned only " + files + " files under " + root);
        List<String> failures = new ArrayList<>();
        TreeSet<String> stale = new TreeSet<>(PENDING.keySet());
        for (Map.Entry<String, List<String>> e : found.entrySet()) {
            String pending = pendingEntry(e.getKey());
            if (pending != null) {
                stale.remove(pending);
                System.out.println("[NoStrayExceptions] pending (" + PENDING.get(pending) + "): " + e.getValue());
            } else {
                failures.addAll(e.getValue());
            }
        }
        for (String s : stale) {
            System.out.println("[NoStrayExceptions] " + s + " is clean now: remove it from PENDING");
        }
        if (!failures.isEmpty()) {
            fail("untyped exceptions thrown from runtime code (use dev.tensorgraph.errors.*):\n  "
                    + String.join("\n  ", failures));
        }
    }

    private static String pendingEntry(String file) {
        for (String p : PENDING.keySet()) {
            if (p.equals(file) || (p.endsWith("/") && file.startsWith(p))) {
                return p;
            }
        }
        return null;
    }
}
