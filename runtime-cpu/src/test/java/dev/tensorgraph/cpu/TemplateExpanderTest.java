package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's loop-template generator ({@code src/build/java/TemplateExpander.java}), run as the build runs
 * it: a template expands once per type with its names replaced and its conditions applied, and a broken
 * template fails with its file and line.
 */
class TemplateExpanderTest {
    private static final Path GENERATOR = Path.of("src/build/java/TemplateExpander.java");

    @TempDir
    Path dir;

    private record Result(int exitCode, String output, String stderr) {}

    /** Runs the generator once over the templates {@code p/Loops<i>.java}; the output is that of the first. */
    private Result expand(String... templates) throws IOException, InterruptedException {
        Path in = dir.resolve("in/p");
        Files.createDirectories(in);
        for (int i = 0; i < templates.length; i++) {
            Files.writeString(in.resolve("Loops" + i + ".java"), templates[i]);
        }
        Path out = dir.resolve("out");
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                GENERATOR.toString(), dir.resolve("in").toString(), out.toString())
                .redirectError(err.toFile()).redirectOutput(dir.resolve("stdout.txt").toFile()).start();
        int code = p.waitFor();
        Path generated = out.resolve("p/Loops0.java");
        return new Result(code, Files.exists(generated) ? Files.readString(generated) : null,
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void aForBlockIsWrittenOncePerTypeWithItsNamesAndConditions() throws Exception {
        Result r = expand(String.join("\n",
                "class Loops {",
                "//# let ZERO float=0f double=0.0 int=0 long=0L",
                "//# for float int",
                "    static ${T} ${tag}(${T}[] a) { ${Boxed} boxed = null; DType t = DType.${DTYPE}; return ${ZERO}; }",
                "//# if floating",
                "    // floating ${T}",
                "//# else",
                "    // not floating ${T}",
                "//# if not long",
                "    // nested, not long",
                "//# end",
                "//# end",
                "//# end",
                "}",
                ""));
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(String.join("\n",
                "// Generated from the template p/Loops0.java (runtime-cpu/src/main/templates); edit that.",
                "class Loops {",
                "    static float f32(float[] a) { Float boxed = null; DType t = DType.FLOAT32; return 0f; }",
                "    // floating float",
                "    static int i32(int[] a) { Integer boxed = null; DType t = DType.INT32; return 0; }",
                "    // not floating int",
                "    // nested, not long",
                "}",
                ""), r.output());
    }

    @Test
    void brokenTemplatesFailNamingFileAndLine() throws Exception {
        List<String[]> cases = List.of(
                new String[] {"class A {\n//# for float\n  ${Nope} x;\n//# end\n}\n", ":3: unknown name ${Nope}"},
                new String[] {"class A {\n//# for float\n  int x;\n}\n", ":2: no matching '//# end'"},
                new String[] {"class A {\n  ${T} x;\n}\n", ":2: ${T} outside a for"},
                new String[] {"//# for float quad\n//# end\n", ":1: unknown type 'quad'"},
                new String[] {"//# let Z float=0f\n//# for double\n${Z}\n//# end\n", ":3: ${Z} has no value for double"},
                new String[] {"//# for float\n//# if complex\n//# end\n//# end\n", ":2: unknown type or kind 'complex'"},
                new String[] {"//# end\n", ":1: unexpected 'end'"});
        Result r = expand(cases.stream().map(c -> c[0]).toArray(String[]::new));
        assertEquals(1, r.exitCode(), r.stderr());
        for (int i = 0; i < cases.size(); i++) {
            String want = "p/Loops" + i + ".java" + cases.get(i)[1];
            assertTrue(r.stderr().contains(want), "expected '" + want + "' in: " + r.stderr());
        }
    }
}
