package dev.tensorgraph.examples;

import dev.tensorgraph.examples.cli.CliErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code tensorgraph} command: one entry point for the examples and tools. */
@Command(name = "tensorgraph", mixinStandardHelpOptions = true, version = "tensorgraph 0.1.0",
        description = "Tensorgraph: TensorFlow 1.x graphs on the JVM.",
        subcommands = {TrainFashionMnist.class, TrainFolder.class, ExportImages.class, LinearRegression.class, EdgeFilterExample.class,
                dev.tensorgraph.examples.ohem.TrainWithOhem.class,
                dev.tensorgraph.examples.cli.InspectCommand.class, dev.tensorgraph.examples.cli.RunCommand.class,
                dev.tensorgraph.examples.cli.CheckpointCommand.class, dev.tensorgraph.examples.cli.DotCommand.class,
                dev.tensorgraph.examples.bench.BenchCommand.class})
public final class Main implements Runnable {
    // Read by CliErrors from the parse result; declared here so that every command inherits it.
    @Option(names = CliErrors.STACKTRACE_OPTION, scope = ScopeType.INHERIT,
            description = "On an error, print its stack trace after the one-line message.")
    boolean stackTrace;

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /**
     * The command line with every subcommand, its argument converters and the tool's error style (one
     * {@code error:} line).
     */
    public static CommandLine commandLine() {
        return CliErrors.install(new CommandLine(new Main()).registerConverter(java.nio.file.Path.class,
                new dev.tensorgraph.examples.cli.PathConverter()));
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
