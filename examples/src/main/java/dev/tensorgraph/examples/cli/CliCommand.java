package dev.tensorgraph.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the tool's file commands: output goes to picocli's writers, so tests capture it. Errors are left to
 * {@link CliErrors}, which prints them in the style every command shares.
 */
abstract class CliCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Does the work, writing to {@code out}; returns the exit code. */
    abstract int execute(PrintWriter out) throws IOException;

    @Override
    public final Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        try {
            return execute(out);
        } finally {
            out.flush();
        }
    }
}
