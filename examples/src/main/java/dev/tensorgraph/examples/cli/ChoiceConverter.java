package dev.tensorgraph.examples.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads an enumerated option's value by the spelling its enum's {@code toString()} gives ({@code cnn-bn},
 * {@code sobel-x}), ignoring case, and rejects any other value with the list of valid ones. Picocli's own enum
 * conversion accepts and lists the Java constant names too ({@code CNN_BN}), which are not the option's words.
 * Each enum declares a subclass with a no-argument constructor for {@code @Option(converter = ...)}; the help's
 * {@code ${COMPLETION-CANDIDATES}} lists the same spellings.
 */
public abstract class ChoiceConverter<E extends Enum<E>> implements ITypeConverter<E> {
    private final Class<E> type;

    protected ChoiceConverter(Class<E> type) {
        this.type = type;
    }

    @Override
    public E convert(String value) {
        for (E choice : type.getEnumConstants()) {
            if (choice.toString().equalsIgnoreCase(value)) {
                return choice;
            }
        }
        throw new TypeConversionException("expected one of " + spellings(type) + " but was '" + value + "'");
    }

    /** The valid values as a list, {@code [cpu, gpu]}. */
    private static <E extends Enum<E>> String spellings(Class<E> type) {
        List<String> names = new ArrayList<>();
        for (E choice : type.getEnumConstants()) {
            names.add(choice.toString());
        }
        return names.toString();
    }

    /** The lower-case form of a constant's name with '-' for '_', the usual spelling of an option value. */
    public static String spelling(Enum<?> choice) {
        return choice.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
