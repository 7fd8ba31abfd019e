package dev.tensorgraph.examples;

import dev.tensorgraph.examples.bench.BenchCommand;
import dev.tensorgraph.examples.cli.CheckpointCommand;
import dev.tensorgraph.examples.cli.CliErrors;
import dev.tensorgraph.examples.cli.DotCommand;
import dev.tensorgraph.examples.cli.InspectCommand;
import dev.tensorgraph.examples.cli.PathConverter;
import dev.tensorgraph.examples.cli.RunCommand;
import dev.tensorgraph.examples.ohem.TrainWithOhem;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code tensorgraph} command: one entry point for the examples and tools.
 *
 * <p>Picocli builds a command's model by reflecting over its class, and its own classes (compiled for Java 5)
 * cannot go into a class-data archive: building all eleven subcommands took about 40% of the time from JVM
 * start to the first result of {@code bench}. So a command line that names a subcommand gets only that one;
 * {@code tensorgraph}, {@code --help} and an unknown name get them all (for the list and for suggestions).
 */
@Command(name = "tensorgraph", mixinStandardHelpOptions = true, version = "tensorgraph 0.1.0",
        description = "Tensorgraph: TensorFlow 1.x graphs on the JVM.")
public final class Main implements Runnable {
    /** Every subcommand by its {@code @Command} name, in the order the help lists them. */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    // Read by CliErrors from the parse result; declared here so that every command inherits it.
    @Option(names = CliErrors.STACKTRACE_OPTION, scope = ScopeType.INHERIT,
            description = "On an error, print its stack trace after the one-line message.")
    boolean stackTrace;

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put("train", TrainFashionMnist.class);
        m.put("train-folder", TrainFolder.class);
        m.put("export-images", ExportImages.class);
        m.put("linear-regression", LinearRegression.class);
        m.put("edge-filter", EdgeFilterExample.class);
        m.put("train-ohem", TrainWithOhem.class);
        m.put("inspect", InspectCommand.class);
        m.put("run", RunCommand.class);
        m.put("checkpoint", CheckpointCommand.class);
        m.put("dot", DotCommand.class);
        m.put("bench", BenchCommand.class);
        return m;
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /**
     * The command line with every subcommand, its argument converters and the tool's error style (one
     * {@code error:} line).
     */
    public static CommandLine commandLine() {
        return build(SUBCOMMANDS);
    }

    /**
     * The command line for {@code args}: with only the subcommand they name when they name one (the first
     * argument that is not an option: the top-level command's options take no values), else with all.
     */
    public static CommandLine commandLine(String... args) {
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                Class<?> named = SUBCOMMANDS.get(arg);
                return named == null ? commandLine() : build(Map.of(arg, named));
            }
        }
        return commandLine();
    }

    private static CommandLine build(Map<String, Class<?>> subcommands) {
        CommandLine cl = new CommandLine(new Main());
        subcommands.forEach(cl::addSubcommand);
        // After the subcommands: converters and handlers reach only the subcommands already added.
        return CliErrors.install(cl.registerConverter(java.nio.file.Path.class, new PathConverter()));
    }

    public static void main(String[] args) {
        System.exit(commandLine(args).execute(args));
    }
}
