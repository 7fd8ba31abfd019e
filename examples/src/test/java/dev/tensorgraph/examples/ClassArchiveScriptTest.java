package dev.tensorgraph.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data archives ({@code scripts/class-archive.sh}): the archive's name changes with
 * whatever it depends on, it is written on a first run and mapped by later ones, and a cache that cannot be
 * written changes nothing a user sees.
 */
class ClassArchiveScriptTest {
    private static final Path SCRIPT = Path.of("..", "scripts", "class-archive.sh").toAbsolutePath().normalize();

    @TempDir
    static Path dir;
    private static Path jar;

    /** A jar holding {@link ArchiveProbe}: archives take classes from jars only. */
    @BeforeAll
    static void writeProbeJar() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        jar = dir.resolve("probe.jar");
        String entry = ArchiveProbe.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out);
                InputStream in = ArchiveProbe.class.getClassLoader().getResourceAsStream(entry)) {
            jos.putNextEntry(new JarEntry(entry));
            in.transferTo(jos);
        }
    }

    record Result(int exitCode, String out, String err) {}

    private static Result bash(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/bin/bash", "-c", ". \"$0\"; " + script, SCRIPT.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        int rc = p.waitFor();
        return new Result(rc, Files.readString(out, StandardCharsets.UTF_8).strip(),
                Files.readString(err, StandardCharsets.UTF_8).strip());
    }

    private static String path(String cache, String name, String classpath, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of(cache, name, classpath));
        args.addAll(List.of(options));
        Result r = bash("class_archive_path \"$@\"", args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        return r.out();
    }

    @Test
    void theArchiveNameChangesWithTheCommandTheJarsAndTheOptions() throws Exception {
        String cache = dir.resolve("cache").toString();
        String cp = jar.toString();
        String first = path(cache, "bench", cp, "-Xmn64m");
        assertEquals(first, path(cache, "bench", cp, "-Xmn64m"));
        assertTrue(first.startsWith(cache + "/bench-") && first.endsWith(".jsa"), first);
        assertNotEquals(first, path(cache, "train", cp, "-Xmn64m"));
        assertNotEquals(first, path(cache, "bench", cp, "-Xmn512m"));
        assertNotEquals(first, path(cache, "bench", cp + ":" + dir.resolve("other.jar"), "-Xmn64m"));

        Path copy = Files.copy(jar, dir.resolve("rebuilt.jar"));
        String before = path(cache, "bench", copy.toString());
        Files.setLastModifiedTime(copy, FileTime.fromMillis(Files.getLastModifiedTime(copy).toMillis() - 60_000));
        String after = path(cache, "bench", copy.toString());
        assertNotEquals(before, after, "a rebuilt jar needs a new archive");
        // the same command on the same jar: the prefix class_archive_run removes older archives by
        assertEquals(before.substring(0, before.lastIndexOf('-')), after.substring(0, after.lastIndexOf('-')));
    }

    @Test
    void aFirstRunWritesTheArchiveLaterRunsMapItAndOlderOnesGo() throws Exception {
        Path cache = dir.resolve("written");
        String archive = path(cache.toString(), "probe", jar.toString());
        Files.createDirectories(cache);
        Path older = Files.writeString(Path.of(archive.substring(0, archive.lastIndexOf('-')) + "-0123.jsa"), "x");

        Result first = bash("class_archive_run \"$@\"", archive, "-cp", jar.toString(), ArchiveProbe.class.getName(), "3");
        assertEquals(new Result(3, "probe ran", ""), first, "the exit status and output are the program's own");
        assertTrue(Files.size(Path.of(archive)) > 0);
        assertFalse(Files.exists(older), "the archive it replaces is removed");
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(List.of(Path.of(archive)), files.toList(), "no partial file is left");
        }

        Result second = bash("class_archive_run \"$@\"", archive, "-Xlog:class+load", "-cp", jar.toString(),
                ArchiveProbe.class.getName(), "0");
        assertEquals(0, second.exitCode(), second.err());
        assertTrue(second.out().contains(ArchiveProbe.class.getName() + " source: shared objects file (top)"),
                "the probe class comes from the archive: " + second.out());
    }

    @Test
    void aCacheThatCannotBeWrittenRunsTheProgramAsIfThereWereNone() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "");
        String archive = path(notADirectory.resolve("cache").toString(), "probe", jar.toString());
        Result r = bash("class_archive_run \"$@\"", archive, "-cp", jar.toString(), ArchiveProbe.class.getName(), "5");
        assertEquals(new Result(5, "probe ran", ""), r);
    }

    @Test
    void anArchiveTheJvmRejectsRunsTheProgramWithoutAWord() throws Exception {
        Path cache = Files.createDirectories(dir.resolve("corrupt"));
        String archive = path(cache.toString(), "probe", jar.toString());
        Files.writeString(Path.of(archive), "not an archive");
        Result r = bash("class_archive_run \"$@\"", archive, "-cp", jar.toString(), ArchiveProbe.class.getName(), "0");
        assertEquals(new Result(0, "probe ran", ""), r);
    }
}
