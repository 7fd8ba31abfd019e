package dev.tensorgraph.op;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which op types each {@link OpLibrary} of a jar defines, read from the jar's {@value #RESOURCE}: one line per
 * library, {@code class.Name: Type1 Type2 ...}, lines starting with {@code #} ignored. It lets
 * {@link OpRegistry} register a library only when one of its types is first looked up. The file is an
 * accelerator, never the truth: the libraries stay listed for {@link java.util.ServiceLoader}, and a type it
 * does not name makes the registry register them all.
 */
final class OpLibraryIndex {
    /** Where a jar keeps its index. */
    static final String RESOURCE = "META-INF/tensorgraph/op-libraries";

    private final Map<String, String> libraryByType;

    private OpLibraryIndex(Map<String, String> libraryByType) {
        this.libraryByType = libraryByType;
    }

    /** The indexes of every jar {@code loader} sees, merged; an index that cannot be read is left out. */
    static OpLibraryIndex read(ClassLoader loader) {
        Map<String, String> byType = new HashMap<>();
        try {
            for (URL url : Collections.list(loader.getResources(RESOURCE))) {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
                    parse(in, byType);
                } catch (IOException | UncheckedIOException e) {
                    // the libraries are still found by the ServiceLoader, only later
                }
            }
        } catch (IOException e) {
            // no index at all: every look-up registers all libraries, as without one
        }
        return new OpLibraryIndex(byType);
    }

    private static void parse(BufferedReader in, Map<String, String> byType) throws IOException {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            line = line.strip();
            int colon = line.indexOf(':');
            if (line.isEmpty() || line.startsWith("#") || colon < 0) {
                continue;
            }
            String library = line.substring(0, colon).strip();
            for (String type : line.substring(colon + 1).strip().split("\\s+")) {
                if (!type.isEmpty()) {
                    byType.putIfAbsent(type, library);
                }
            }
        }
    }

    /** The class name of the library that defines {@code type}, or null when no index names one. */
    String libraryOf(String type) {
        return libraryByType.get(type);
    }

    /** A new instance of the library class, or null when the class is missing or is no library. */
    static OpLibrary instantiate(String className, ClassLoader loader) {
        try {
            Class<?> c = Class.forName(className, true, loader);
            return OpLibrary.class.isAssignableFrom(c)
                    ? (OpLibrary) c.getConstructor().newInstance() : null;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null;
        }
    }

    /** The index text for {@code libraries}: the types each defines on a fresh registry of its own. */
    static String format(List<OpLibrary> libraries) {
        StringBuilder sb = new StringBuilder("# op types by library, for the op registry's lazy loading; "
                + "written by OpLibraryIndexTest\n");
        for (OpLibrary lib : libraries) {
            sb.append(lib.getClass().getName()).append(':');
            for (String type : OpRegistry.typesDefinedBy(lib)) {
                sb.append(' ').append(type);
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
