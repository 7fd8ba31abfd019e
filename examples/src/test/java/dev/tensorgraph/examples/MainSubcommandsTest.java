package dev.tensorgraph.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The launcher's table of subcommands and the command line it builds for the arguments given. */
class MainSubcommandsTest {
    @Test
    void everyEntryIsNamedAsItsCommandAnnotationNamesIt() {
        for (Map.Entry<String, Class<?>> e : Main.SUBCOMMANDS.entrySet()) {
            CommandLine.Command c = e.getValue().getAnnotation(CommandLine.Command.class);
            assertEquals(e.getKey(), c.name(), e.getValue().getName());
        }
    }

    @Test
    void namingASubcommandBuildsOnlyThatOne() {
        assertEquals(List.of("bench"), List.copyOf(Main.commandLine("bench", "--quick").getSubcommands().keySet()));
        assertEquals(List.of("inspect"),
                List.copyOf(Main.commandLine("--stacktrace", "inspect", "x.pb").getSubcommands().keySet()));
    }

    @Test
    void noNameOrAnUnknownOneBuildsThemAll() {
        List<String> all = List.copyOf(Main.SUBCOMMANDS.keySet());
        assertEquals(all, List.copyOf(Main.commandLine().getSubcommands().keySet()));
        assertEquals(all, List.copyOf(Main.commandLine("--help").getSubcommands().keySet()));
        assertEquals(all, List.copyOf(Main.commandLine("bnech").getSubcommands().keySet()));
    }

    @Test
    void aSubcommandBuiltAloneInheritsTheStackTraceOptionAndTheErrorStyle() {
        StringWriter err = new StringWriter();
        String[] args = {"bench", "--rounds", "0", "--stacktrace"};
        int rc = Main.commandLine(args).setErr(new PrintWriter(err)).execute(args);
        assertEquals(2, rc);
        // the inherited option parses (an unknown one would be the error); the error is the tool's one line
        assertTrue(err.toString().startsWith("error: --rounds"), err.toString());
    }

    @Test
    void anUnknownSubcommandIsAUsageErrorThatSuggestsTheNearestName() {
        StringWriter err = new StringWriter();
        int rc = Main.commandLine("bnech").setErr(new PrintWriter(err)).execute("bnech");
        assertEquals(2, rc);
        assertTrue(err.toString().contains("bench"), err.toString());
    }
}
