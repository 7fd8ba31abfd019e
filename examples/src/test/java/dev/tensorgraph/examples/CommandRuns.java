package dev.tensorgraph.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs a command of the tool as a user types it, in this JVM, and gives back what it printed. */
final class CommandRuns {
    private CommandRuns() {}

    /** The command's standard output, after checking that it exited with 0 (the output is echoed for the log). */
    static String run(String... args) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = Main.commandLine(args).execute(args);
        } finally {
            System.setOut(original);
        }
        String stdout = captured.toString(StandardCharsets.UTF_8);
        System.out.print(stdout);
        assertEquals(0, exit, stdout);
        return stdout;
    }
}
