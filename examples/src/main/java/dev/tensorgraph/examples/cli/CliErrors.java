package dev.tensorgraph.examples.cli;

import dev.tensorgraph.errors.TensorgraphException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The one error style of every {@code tensorgraph} command: a failure is a single {@code error: ...} line on
 * stderr, exit code 1 for a failed run and 2 for a command line that does not parse. The stack trace is printed
 * only with {@value #STACKTRACE_OPTION}, an option every command inherits from the top-level command.
 */
public final class CliErrors {
    /** The switch that adds the stack trace to an error. */
    public static final String STACKTRACE_OPTION = "--stacktrace";

    /** Exit code of a command that ran and failed. */
    public static final int FAILED = 1;

    /** Exit code of a command line that could not be parsed (picocli's convention). */
    public static final int USAGE = 2;

    private CliErrors() {}

    /** Installs the error handlers on {@code cl} and returns it; its subcommands share them. */
    public static CommandLine install(CommandLine cl) {
        cl.setExecutionExceptionHandler(CliErrors::failed);
        cl.setParameterExceptionHandler(CliErrors::usage);
        return cl;
    }

    private static int failed(Exception e, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        cmd.getOut().flush();
        String expected = describe(e);
        if (expected != null) {
            err.println("error: " + expected);
        } else {
            err.println("error: internal error: " + e
                    + (wantsStackTrace(parsed) ? "" : " (run again with " + STACKTRACE_OPTION + " to see where)"));
        }
        if (wantsStackTrace(parsed)) {
            e.printStackTrace(err);
        }
        err.flush();
        return FAILED;
    }

    private static int usage(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("error: " + e.getMessage() + " (" + cmd.getCommandSpec().qualifiedName() + " --help lists the options)");
        UnmatchedArgumentException.printSuggestions(e, err);
        if (wantsStackTrace(e.getCommandLine().getParseResult())) {
            e.printStackTrace(err);
        }
        err.flush();
        return USAGE;
    }

    /**
     * The message for a failure the user can act on: the runtime's typed errors and file-system errors. Null for
     * anything else, which is a bug of the tool.
     */
    static String describe(Throwable e) {
        if (e instanceof TensorgraphException) {
            return e.getMessage();
        }
        if (e instanceof UncheckedIOException u) {
            return describe(u.getCause());
        }
        if (e instanceof NoSuchFileException f) {
            return "file not found: " + f.getFile();
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (e instanceof FileAlreadyExistsException f) {
            return "file exists: " + f.getFile();
        }
        if (e instanceof NotDirectoryException f) {
            return "not a directory: " + f.getFile();
        }
        if (e instanceof FileSystemException f) {
            return f.getMessage();
        }
        if (e instanceof IOException) {
            return e.getMessage() != null ? e.getMessage() : e.toString();
        }
        return null;
    }

    private static boolean wantsStackTrace(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(STACKTRACE_OPTION)) {
                return true;
            }
        }
        return false;
    }
}
