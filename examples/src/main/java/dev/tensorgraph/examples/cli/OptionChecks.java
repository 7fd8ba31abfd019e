package dev.tensorgraph.examples.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Range checks of numeric options, failing as a command line that does not parse (exit code 2). */
public final class OptionChecks {
    private OptionChecks() {}

    /** Fails unless {@code value >= min}, naming the option. */
    public static void atLeast(CommandSpec spec, String option, long value, long min) {
        if (value < min) {
            throw new ParameterException(spec.commandLine(),
                    option + " must be at least " + min + ", got " + value);
        }
    }

    /** Fails unless {@code value > 0} and finite, naming the option. */
    public static void positive(CommandSpec spec, String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new ParameterException(spec.commandLine(), option + " must be a positive number, got " + value);
        }
    }
}
