package dev.tensorgraph.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The op library's index ({@link OpLibraryIndex}) is what its libraries define. When an op is added, run this
 * test with {@code -Dtensorgraph.writeOpIndex=true} to rewrite the file, and commit it.
 */
class OpLibraryIndexTest {
    private static final Path COMMITTED = Path.of("src/main/resources", OpLibraryIndex.RESOURCE);

    @Test
    void theCommittedIndexListsWhatEachLibraryDefines() throws IOException {
        List<OpLibrary> libraries = ServiceLoader.load(OpLibrary.class).stream()
                .filter(p -> p.type().getName().startsWith("dev.tensorgraph.ops."))
                .map(ServiceLoader.Provider::get).toList();
        String expected = OpLibraryIndex.format(libraries);
        if (Boolean.getBoolean("tensorgraph.writeOpIndex")) {
            Files.writeString(COMMITTED, expected, StandardCharsets.UTF_8);
        }
        assertEquals(expected, Files.readString(COMMITTED, StandardCharsets.UTF_8),
                COMMITTED + " is out of date: run this test with -Dtensorgraph.writeOpIndex=true and commit it");
    }

    @Test
    void theIndexIsReadFromEveryJarAndItsCommentsAndBadLinesAreSkipped(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        write(a, "# comment\ncom.example.MathOps: Add Sub\nno colon here\n\n");
        write(b, "com.example.NnOps:  Relu   Sub\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {a.toUri().toURL(), b.toUri().toURL()}, null)) {
            OpLibraryIndex index = OpLibraryIndex.read(loader);
            assertEquals("com.example.MathOps", index.libraryOf("Add"));
            assertEquals("com.example.MathOps", index.libraryOf("Sub")); // the first jar's entry wins
            assertEquals("com.example.NnOps", index.libraryOf("Relu"));
            assertNull(index.libraryOf("no colon here"));
            assertNull(index.libraryOf("Mul"));
        }
    }

    @Test
    void aClassThatIsMissingOrNoLibraryIsNotInstantiated() {
        ClassLoader loader = getClass().getClassLoader();
        assertNull(OpLibraryIndex.instantiate("com.example.Gone", loader));
        assertNull(OpLibraryIndex.instantiate(String.class.getName(), loader));
        assertEquals(dev.tensorgraph.ops.math.TrigOps.class,
                OpLibraryIndex.instantiate(dev.tensorgraph.ops.math.TrigOps.class.getName(), loader).getClass());
    }

    @Test
    void aLookUpRegistersTheLibraryOfTheTypeAndAnUnindexedTypeIsStillFound() {
        OpRegistry r = OpRegistry.global();
        assertEquals("Sin", r.lookup("Sin").type());
        // registered by a test through the public method, in no index: found after every library is loaded
        if (!r.contains("TestIndexedRegistryOwnOp")) {
            r.register(OpDef.builder("TestIndexedRegistryOwnOp").input("x").attr("T", AttrType.TYPE)
                    .shape(c -> c.setOutput(0, c.inputDtype(0), c.inputShape(0))).notDifferentiable().build());
        }
        assertEquals("TestIndexedRegistryOwnOp", r.lookup("TestIndexedRegistryOwnOp").type());
    }

    private static void write(Path root, String text) throws IOException {
        Path f = root.resolve(OpLibraryIndex.RESOURCE);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text, StandardCharsets.UTF_8);
    }
}
