package dev.tensorgraph.examples.cli;

import dev.tensorgraph.errors.ErrorText;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Converts command-line arguments to paths, reporting one the file system cannot name (a NUL character) as a
 * usage error that quotes it, instead of the JDK's exception.
 */
public final class PathConverter implements CommandLine.ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new CommandLine.TypeConversionException(ErrorText.quote(value) + " is not a valid path: "
                    + e.getReason());
        }
    }
}
