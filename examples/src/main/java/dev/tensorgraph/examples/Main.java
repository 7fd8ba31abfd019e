package dev.tensorgraph.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tensorgraph} command: one entry point for the examples and tools. */
@Command(name = "tensorgraph", mixinStandardHelpOptions = true, version = "tensorgraph 0.1.0",
        description = "Tensorgraph: TensorFlow 1.x graphs on the JVM.",
        subcommands = {TrainFashionMnist.class, TrainFolder.class, ExportImages.class, LinearRegression.class, EdgeFilterExample.class,
                dev.tensorgraph.examples.ohem.TrainWithOhem.class,
                dev.tensorgraph.examples.cli.InspectCommand.class, dev.tensorgraph.examples.cli.RunCommand.class,
                dev.tensorgraph.examples.cli.CheckpointCommand.class, dev.tensorgraph.examples.cli.DotCommand.class,
                dev.tensorgraph.examples.bench.BenchCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
