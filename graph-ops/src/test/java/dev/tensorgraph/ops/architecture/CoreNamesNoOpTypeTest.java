package dev.tensorgraph.ops.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * graph-core names no op type (DESIGN.md, issue #13): what an op is lives in its family file in graph-ops,
 * and graph-core reaches it through the op's {@code OpDef} or an interface graph-ops implements. This test
 * reads graph-core's main sources and fails on every string literal equal to a registered op type, listing
 * each as {@code file:line "Type"}. Comments are not read, so javadoc may name ops.
 *
 * <p>{@link #IMPORTER_NEEDS} lists the literals the GraphDef importer truly needs, per file; it is empty:
 * the importer builds every node through the op registry.
 */
class CoreNamesNoOpTypeTest {
    /** File relative to graph-core's {@code src/main/java} → op type literals it may hold, with why. */
    private static final Map<String, Set<String>> IMPORTER_NEEDS = Map.of();

    @Test
    void graphCoreMainSourcesNameNoOpType() throws IOException {
        Set<String> opTypes = OpRegistry.global().all().stream().map(OpDef::type).collect(Collectors.toSet());
        assertTrue(opTypes.size() > 100, "the op library is not on the class path: " + opTypes.size() + " op types");
        Path src = Path.of("..").toAbsolutePath().normalize().resolve("graph-core/src/main/java");
        assertTrue(Files.isDirectory(src), "missing source tree " + src + " (surefire must run in the module dir)");
        List<String> found = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(src)) {
            files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path file : files) {
            String rel = src.relativize(file).toString().replace('\\', '/');
            Set<String> allowed = IMPORTER_NEEDS.getOrDefault(rel, Set.of());
            for (JavaStringLiterals.Literal lit : JavaStringLiterals.of(Files.readString(file))) {
                if (opTypes.contains(lit.value()) && !allowed.contains(lit.value())) {
                    found.add(rel + ":" + lit.line() + " \"" + lit.value() + "\"");
                }
            }
        }
        assertTrue(files.size() > 50, "read only " + files.size() + " files under " + src);
        if (!found.isEmpty()) {
            fail(found.size() + " op type names in graph-core (declare the knowledge in the op's family file, as an"
                    + " OpDef property or behind an interface graph-ops implements):\n  " + String.join("\n  ", found));
        }
    }

    @Test
    void literalsAreReadAsJavaReadsThem() {
        String source = String.join("\n",
                "// \"Comment\" in a line comment",
                "/* \"Block\" in a block comment, with a // inside */",
                "class A {",
                "    String a = \"Add\"; char q = '\"'; char e = '\\'';",
                "    String b = \"esc\\\"aped\", c = \"\";",
                "    String d = \"\"\"",
                "        Text\"Block",
                "        \"\"\";",
                "    /** \"Javadoc\" */ String f = \"Mul\"; // \"Tail\"",
                "}");
        List<JavaStringLiterals.Literal> lits = JavaStringLiterals.of(source);
        assertEquals(List.of("Add", "esc\"aped", "", "Text\"Block", "Mul"),
                lits.stream().map(JavaStringLiterals.Literal::value).toList());
        assertEquals(List.of(4, 5, 5, 7, 9), lits.stream().map(JavaStringLiterals.Literal::line).toList());
    }
}
