package dev.tensorgraph.op;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each library of a jar registers (op types for {@link OpLibrary}, kernel keys for
 * {@code kernel.KernelLibrary}), read from a resource of the jar: one line per library,
 * {@code class.Name: name1 name2 ...}, lines starting with {@code #} ignored. It lets a registry register a
 * library only when one of its names is first asked for. The file is an accelerator, never the truth: the
 * libraries stay listed for {@link java.util.ServiceLoader}, and a registry treats a name the index does not
 * know as a reason to register every library. Public for the kernel registry; not an API.
 */
public final class LibraryIndex {
    /** Where a jar lists its op libraries' types. */
    public static final String OP_LIBRARIES = "META-INF/tensorgraph/op-libraries";
    /** Where a jar lists its kernel libraries' kernels. */
    public static final String KERNEL_LIBRARIES = "META-INF/tensorgraph/kernel-libraries";

    private final Map<String, String> libraryByName;
    private final Set<String> libraries;

    private LibraryIndex(Map<String, String> libraryByName, Set<String> libraries) {
        this.libraryByName = libraryByName;
        this.libraries = libraries;
    }

    /** The indexes named {@code resource} of every jar {@code loader} sees, merged; one that cannot be read is left out. */
    public static LibraryIndex read(ClassLoader loader, String resource) {
        Map<String, String> byName = new HashMap<>();
        Set<String> libraries = new HashSet<>();
        try {
            for (URL url : Collections.list(loader.getResources(resource))) {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
                    parse(in, byName, libraries);
                } catch (IOException | UncheckedIOException e) {
                    // the libraries are still found by the ServiceLoader, only sooner
                }
            }
        } catch (IOException e) {
            // no index at all: the registry registers every library, as without one
        }
        return new LibraryIndex(byName, libraries);
    }

    private static void parse(BufferedReader in, Map<String, String> byName, Set<String> libraries)
            throws IOException {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            line = line.strip();
            int colon = line.indexOf(':');
            if (line.isEmpty() || line.startsWith("#") || colon < 0) {
                continue;
            }
            String library = line.substring(0, colon).strip();
            libraries.add(library);
            for (String name : line.substring(colon + 1).strip().split("\\s+")) {
                if (!name.isEmpty()) {
                    byName.putIfAbsent(name, library);
                }
            }
        }
    }

    /** The class name of the library that registers {@code name}, or null when no index names one. */
    public String libraryOf(String name) {
        return libraryByName.get(name);
    }

    /** True when an index lists the library class {@code className}. */
    public boolean lists(String className) {
        return libraries.contains(className);
    }

    /** The index text: one line per library class name, with the names it registers. */
    public static String format(String title, Map<String, List<String>> namesByLibrary) {
        StringBuilder sb = new StringBuilder("# ").append(title).append('\n');
        namesByLibrary.forEach((library, names) -> {
            sb.append(library).append(':');
            names.forEach(n -> sb.append(' ').append(n));
            sb.append('\n');
        });
        return sb.toString();
    }
}
