package dev.tensorgraph.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.kernel.KernelLibrary;
import dev.tensorgraph.kernel.KernelRegistry;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The indexes of the op and CPU kernel libraries ({@link LibraryIndex}) say what the libraries register. When
 * an op or a kernel is added, run this test with {@code -Dtensorgraph.writeIndexes=true} to rewrite them, and
 * commit them.
 */
class LibraryIndexTest {
    @Test
    void theOpIndexListsWhatEachOpLibraryDefines() throws IOException {
        checkCommitted(Path.of("src/main/resources", LibraryIndex.OP_LIBRARIES), OpLibrary.class,
                "dev.tensorgraph.ops.", OpRegistry::typesDefinedBy, "op types by library");
    }

    @Test
    void theKernelIndexListsWhatEachCpuKernelLibraryRegisters() throws IOException {
        checkCommitted(Path.of("../runtime-cpu/src/main/resources", LibraryIndex.KERNEL_LIBRARIES),
                KernelLibrary.class, "dev.tensorgraph.cpu.", KernelRegistry::kernelsRegisteredBy,
                "kernels by library (libraries that register fusions, passes or widenings are not indexed)");
    }

    /** Compares (or with the property, rewrites) the committed index of the {@code service}'s libraries. */
    private static <T> void checkCommitted(Path committed, Class<T> service, String packagePrefix,
            Function<T, List<String>> names, String title) throws IOException {
        Map<String, List<String>> byLibrary = new LinkedHashMap<>();
        for (ServiceLoader.Provider<T> p : ServiceLoader.load(service).stream().toList()) {
            List<String> n = p.type().getName().startsWith(packagePrefix) ? names.apply(p.get()) : null;
            if (n != null) {
                byLibrary.put(p.type().getName(), n);
            }
        }
        String expected = LibraryIndex.format(title + "; written by LibraryIndexTest", byLibrary);
        if (Boolean.getBoolean("tensorgraph.writeIndexes")) {
            Files.writeString(committed, expected, StandardCharsets.UTF_8);
        }
        assertEquals(expected, Files.readString(committed, StandardCharsets.UTF_8),
                committed + " is out of date: run this test with -Dtensorgraph.writeIndexes=true and commit it");
    }

    @Test
    void indexesAreReadFromEveryJarAndCommentsAndBadLinesAreSkipped(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        write(a, "# comment\ncom.example.MathOps: Add Sub\nno colon here\n\n");
        write(b, "com.example.NnOps:  Relu   Sub\ncom.example.Empty:\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {a.toUri().toURL(), b.toUri().toURL()}, null)) {
            LibraryIndex index = LibraryIndex.read(loader, LibraryIndex.OP_LIBRARIES);
            assertEquals("com.example.MathOps", index.libraryOf("Add"));
            assertEquals("com.example.MathOps", index.libraryOf("Sub")); // the first jar's entry wins
            assertEquals("com.example.NnOps", index.libraryOf("Relu"));
            assertNull(index.libraryOf("Mul"));
            assertTrue(index.lists("com.example.Empty"));
            assertFalse(index.lists("no colon here"));
            assertNull(LibraryIndex.read(loader, LibraryIndex.KERNEL_LIBRARIES).libraryOf("Add"));
        }
    }

    @Test
    void lookUpsFindIndexedAndUnindexedOpsAndKernels() {
        OpRegistry r = OpRegistry.global();
        assertEquals("Sin", r.lookup("Sin").type());
        assertNotNull(KernelRegistry.global().find(KernelRegistry.CPU, "Sin"));
        // registered by a test through the public method, in no index: found after every library is loaded
        if (!r.contains("TestIndexedRegistryOwnOp")) {
            r.register(OpDef.builder("TestIndexedRegistryOwnOp").input("x").attr("T", AttrType.TYPE)
                    .shape(c -> c.setOutput(0, c.inputDtype(0), c.inputShape(0))).notDifferentiable().build());
        }
        assertEquals("TestIndexedRegistryOwnOp", r.lookup("TestIndexedRegistryOwnOp").type());
        assertTrue(KernelRegistry.global().opTypes(KernelRegistry.CPU).contains("Sin"));
    }

    private static void write(Path root, String text) throws IOException {
        Path f = root.resolve(LibraryIndex.OP_LIBRARIES);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text, StandardCharsets.UTF_8);
    }
}
