package dev.tensorgraph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.FileAccessPolicy.Access;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.PermissionDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file-access matrix: which paths a graph's file ops may read and write under each kind of grant, with
 * {@code ..}, symbolic links and relative paths resolved as the file system resolves them.
 */
class FileAccessPolicyTest {
    @TempDir
    Path root;
    private Path allowed;
    private Path outside;

    @BeforeEach
    void dirs() throws Exception {
        allowed = Files.createDirectories(root.resolve("allowed"));
        outside = Files.createDirectories(root.resolve("outside"));
    }

    /** One row of the matrix: a path, whether it may be read and whether it may be written. */
    private record Row(String what, Path path, boolean read, boolean write) {}

    private static void assertMatrix(FileAccessPolicy policy, List<Row> rows) {
        for (Row r : rows) {
            assertEquals(r.read(), policy.mayRead(r.path()), r.what() + ": read " + r.path() + " under " + policy);
            assertEquals(r.write(), policy.mayWrite(r.path()), r.what() + ": write " + r.path() + " under " + policy);
        }
    }

    @Test
    void noneAllowsNothingAndIsTheSessionDefault() {
        assertTrue(SessionOptions.defaults().fileAccess().isNone());
        assertTrue(SessionOptions.cpuOnly().fileAccess().isNone());
        assertMatrix(FileAccessPolicy.none(), List.of(
                new Row("inside a directory", allowed.resolve("model.index"), false, false),
                new Row("the working directory", Path.of("model.index"), false, false),
                new Row("root", Path.of("/"), false, false)));
    }

    @Test
    void directoryGrantCoversItsTreeAndNothingElse() throws Exception {
        Files.createDirectories(allowed.resolve("sub"));
        FileAccessPolicy rw = FileAccessPolicy.none().allowDirectory(allowed, Access.READ_WRITE);
        FileAccessPolicy ro = FileAccessPolicy.none().allowDirectory(allowed, Access.READ);
        List<Row> inside = List.of(
                new Row("a file in it", allowed.resolve("model.index"), true, true),
                new Row("a file in a subdirectory", allowed.resolve("sub/model.index"), true, true),
                new Row("a file in a directory not created yet", allowed.resolve("new/deeper/model"), true, true),
                new Row("the directory itself", allowed, true, true),
                new Row("a sibling that shares the name's start", root.resolve("allowed2/model"), false, false),
                new Row("the parent", root.resolve("model"), false, false),
                new Row("another directory", outside.resolve("model.index"), false, false),
                new Row(".. out of it", allowed.resolve("../outside/model.index"), false, false),
                new Row(".. twice, to the root", allowed.resolve("../../../../../../../../etc/passwd"), false, false),
                new Row(".. through a directory that does not exist", allowed.resolve("missing/../../outside/x"),
                        false, false),
                new Row(".. that stays inside", allowed.resolve("sub/../model"), true, true));
        assertMatrix(rw, inside);
        assertMatrix(ro, inside.stream().map(r -> new Row(r.what(), r.path(), r.read(), false)).toList());
    }

    @Test
    void fileGrantCoversTheCheckpointFilesNamedFromItOnly() {
        Path prefix = allowed.resolve("model");
        FileAccessPolicy p = FileAccessPolicy.none().allowFile(prefix, Access.READ);
        assertMatrix(p, List.of(
                new Row("the prefix", prefix, true, false),
                new Row("its index", allowed.resolve("model.index"), true, false),
                new Row("its data", allowed.resolve("model.data-00000-of-00001"), true, false),
                new Row("another checkpoint", allowed.resolve("model-2.index"), false, false),
                new Row("a longer name", allowed.resolve("modelx.index"), false, false),
                new Row("the state file beside it", allowed.resolve("checkpoint"), false, false),
                new Row("below it, as if a directory", allowed.resolve("model/x.index"), false, false)));
    }

    @Test
    void symbolicLinksAreJudgedByTheirTargets() throws Exception {
        Path secret = Files.writeString(outside.resolve("secret.index"), "x");
        Files.createSymbolicLink(allowed.resolve("model.index"), secret);
        Files.createSymbolicLink(allowed.resolve("escape"), outside);
        Files.createSymbolicLink(allowed.resolve("dangling.index"), outside.resolve("nothing-here"));
        Files.createSymbolicLink(root.resolve("alias"), allowed);
        FileAccessPolicy p = FileAccessPolicy.none().allowDirectory(allowed, Access.READ_WRITE);
        assertMatrix(p, List.of(
                new Row("a link to a file outside", allowed.resolve("model.index"), false, false),
                new Row("a file through a linked directory", allowed.resolve("escape/new.index"), false, false),
                new Row("a link whose target is missing", allowed.resolve("dangling.index"), false, false),
                new Row("the allowed directory through a link to it", root.resolve("alias/new.index"), true, true)));
        // A grant given through a link covers the directory it points at.
        FileAccessPolicy viaLink = FileAccessPolicy.none().allowDirectory(root.resolve("alias"), Access.READ);
        assertTrue(viaLink.mayRead(allowed.resolve("m.index")));
    }

    @Test
    void relativePathsAreResolvedAgainstTheWorkingDirectory() {
        Path cwd = Path.of("").toAbsolutePath();
        FileAccessPolicy p = FileAccessPolicy.none().allowDirectory(Path.of("some-dir"), Access.READ_WRITE);
        assertTrue(p.mayWrite(cwd.resolve("some-dir/model.index")));
        assertTrue(p.mayWrite(Path.of("some-dir/model.index")));
        assertFalse(p.mayWrite(Path.of("some-dir/../model.index")));
    }

    @Test
    void grantsCombineAndUnrestrictedAllowsEverything() {
        FileAccessPolicy a = FileAccessPolicy.none().allowDirectory(allowed, Access.READ);
        FileAccessPolicy b = FileAccessPolicy.none().allowFile(outside.resolve("m"), Access.READ_WRITE);
        FileAccessPolicy both = a.and(b);
        assertTrue(both.mayRead(allowed.resolve("x")) && both.mayWrite(outside.resolve("m.index")));
        assertFalse(both.mayWrite(allowed.resolve("x")));
        assertFalse(a.mayRead(outside.resolve("m.index")), "policies are immutable: and() returns a new one");
        assertTrue(FileAccessPolicy.unrestricted().mayWrite(Path.of("/anything")));
        assertTrue(a.and(FileAccessPolicy.unrestricted()).isUnrestricted());
        assertTrue(FileAccessPolicy.unrestricted().allowFile(allowed, Access.READ).isUnrestricted());
    }

    @Test
    void refusalNamesTheOpThePathAndHowToGrantIt() throws Exception {
        FileAccessPolicy p = FileAccessPolicy.none().allowDirectory(allowed, Access.READ);
        PermissionDeniedException e = assertThrows(PermissionDeniedException.class,
                () -> p.checkWrite("op 'save/SaveV2' (SaveV2)", allowed.resolve("../outside/model.index")));
        String m = e.getMessage();
        assertTrue(m.contains("save/SaveV2") && m.contains("may not write"), m);
        assertTrue(m.contains(outside.toRealPath().resolve("model.index").toString()), m);
        assertTrue(m.contains("reading under") && m.contains("SessionOptions.fileAccess") && m.contains("--allow-file-io"), m);
        assertEquals("PERMISSION_DENIED", e.code());
        assertFalse(m.contains("\n"), "one line: " + m);
        String newline = assertThrows(PermissionDeniedException.class,
                () -> p.checkRead("op", outside.resolve("a\nb"))).getMessage();
        assertFalse(newline.contains("\n"), "names are escaped: " + newline);
        p.checkRead("op", allowed.resolve("model.index"));
        assertThrows(InvalidArgumentException.class, () -> p.checkRead("op", null));
        assertThrows(InvalidArgumentException.class, () -> FileAccessPolicy.none().allowDirectory(null, Access.READ));
        assertThrows(InvalidArgumentException.class, () -> SessionOptions.defaults().fileAccess(null));
    }
}
