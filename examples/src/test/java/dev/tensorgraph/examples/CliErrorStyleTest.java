package dev.tensorgraph.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tensorgraph.device.DeviceRuntime;
import dev.tensorgraph.examples.cli.CliErrors;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Every command fails the same way: one {@code error: ...} line on stderr naming what is wrong, exit code 1 for a
 * run that failed and 2 for a command line that does not parse; {@code --stacktrace} adds the trace.
 */
class CliErrorStyleTest {
    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {}

    private static Run execute(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = cl.setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(rc, out.toString(), err.toString());
    }

    private static Run tool(String... args) {
        return execute(Main.commandLine(), args);
    }

    /** Exactly one line, starting "error: " and containing {@code expected}. */
    private static void assertOneErrorLine(Run r, int exitCode, String expected) {
        assertEquals(exitCode, r.exitCode(), r.err());
        assertTrue(r.err().matches("error: [^\n]*\n"), "one error line expected, got:\n" + r.err());
        assertTrue(r.err().contains(expected), r.err());
    }

    @Test
    void runsThatFailPrintOneLine() {
        String missing = dir.resolve("nonexistent").toString();
        assertOneErrorLine(tool("train", "--data", missing), 1, "not found in " + missing);
        assertOneErrorLine(tool("train-ohem", "--data", missing), 1, "not found in " + missing);
        assertOneErrorLine(tool("edge-filter", "--image", missing + ".png"), 1, "image not found: " + missing);
        assertOneErrorLine(tool("inspect", missing + ".pb"), 1, "file not found: '" + missing);
        assertOneErrorLine(tool("run", missing + ".pb", "--fetch", "y:0"), 1, "file not found: '" + missing);
        assertOneErrorLine(tool("dot", missing + ".pb"), 1, "file not found: '" + missing);
        assertOneErrorLine(tool("checkpoint", missing), 1, "checkpoint not found: " + missing);
    }

    @Test
    void badOptionValuesAreUsageErrorsThatListTheValidOnes() {
        assertOneErrorLine(tool("train", "--epochs", "1", "--model", "resnet"), 2,
                "Invalid value for option '--model': expected one of [cnn, cnn-bn, slim-cnn] but was 'resnet'");
        assertOneErrorLine(tool("train", "--device", "tpu"), 2, "expected one of [cpu, gpu] but was 'tpu'");
        assertOneErrorLine(tool("edge-filter", "--filter", "blur"), 2,
                "expected one of [laplacian, sobel-x, sobel-y] but was 'blur'");
        assertOneErrorLine(tool("train", "--epochs", "0"), 2, "--epochs must be at least 1, got 0");
        assertOneErrorLine(tool("train", "--learning-rate", "-1"), 2, "--learning-rate must be a positive number");
        assertOneErrorLine(tool("train-ohem", "--hard-examples", "0"), 2, "--hard-examples must be at least 1, got 0");
        assertOneErrorLine(tool("linear-regression", "--steps", "-5"), 2, "--steps must be at least 0, got -5");
        // The help line names the command to ask.
        assertTrue(tool("train", "--epochs", "0").err().contains("(tensorgraph train --help lists the options)"));
    }

    @Test
    void choicesAreReadInAnyCaseAndListedInTheHelp() {
        Run help = tool("train", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("cnn, cnn-bn, slim-cnn"), help.out());
        assertTrue(help.out().contains("cpu, gpu"), help.out());
        assertTrue(help.out().contains("--stacktrace"), help.out());
        Run edges = tool("edge-filter", "--filter", "SOBEL-X", "--out", dir.toString());
        assertEquals(0, edges.exitCode(), edges.err());
    }

    @Test
    void gpuWithoutAGpuFailsBeforeTheDataIsRead() {
        Assumptions.assumeTrue(ServiceLoader.load(DeviceRuntime.class).stream()
                .allMatch(p -> p.get().deviceCount() == 0), "a GPU is present");
        Run r = tool("train", "--device", "gpu", "--data", dir.resolve("nonexistent").toString());
        assertOneErrorLine(r, 1, "cannot run on GPU 0");
        assertFalse(r.err().contains("nonexistent"), r.err());
    }

    @Test
    void stackTraceOnlyWhenAskedFor() {
        String missing = dir.resolve("nonexistent").toString();
        Run plain = tool("train", "--data", missing);
        assertFalse(plain.err().contains("\tat "), plain.err());
        for (List<String> args : List.of(List.of("train", "--data", missing, "--stacktrace"),
                List.of("--stacktrace", "train", "--data", missing))) {
            Run traced = tool(args.toArray(String[]::new));
            assertEquals(1, traced.exitCode());
            assertTrue(traced.err().startsWith("error: Fashion-MNIST file"), traced.err());
            assertTrue(traced.err().contains("\tat dev.tensorgraph.examples.FashionMnist"), traced.err());
        }
    }

    @Command(name = "broken")
    static final class Broken implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("a bug");
        }
    }

    @Test
    void aBugIsAnInternalErrorWithAHint() {
        Run r = execute(CliErrors.install(new CommandLine(new Broken())));
        assertOneErrorLine(r, 1, "internal error: java.lang.IllegalStateException: a bug (run again with --stacktrace");
    }
}
