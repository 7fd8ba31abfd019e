package dev.tensorgraph.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every vector kernel of the runtime names one species per element type. C2 keeps the accumulators of a kernel's
 * loop in registers only while the vector API's shared type profiles name one class: a second float species
 * anywhere in the process made {@link VectorSgemm} allocate its accumulators on every call (W3 2x slower, see
 * {@link FloatSumVectors}).
 */
class VectorSpeciesTest {
    private static final Pattern SPECIES = Pattern.compile("\\b(\\w+Vector)\\.(SPECIES_\\w+)");

    @Test
    void eachElementTypeUsesOneSpecies() throws IOException {
        Map<String, Set<String>> species = new TreeMap<>();
        Map<String, Set<String>> where = new TreeMap<>();
        // Maven runs the tests in the module's folder; a bundle of compiled classes elsewhere has no sources.
        assumeTrue(Files.isDirectory(Path.of("src/main/java")), "the module's sources are not in the working folder");
        for (Path root : new Path[] {Path.of("src/main/java"), Path.of("src/main/templates")}) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = SPECIES.matcher(Files.readString(f));
                    while (m.find()) {
                        species.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
                        where.computeIfAbsent(m.group(1) + "." + m.group(2), k -> new TreeSet<>())
                                .add(f.getFileName().toString());
                    }
                }
            }
        }
        assertFalse(species.isEmpty(), "no vector kernel found under src/main");
        species.forEach((type, names) -> assertEquals(Set.of("SPECIES_PREFERRED"), names,
                type + " is used with several species: " + where));
    }
}
