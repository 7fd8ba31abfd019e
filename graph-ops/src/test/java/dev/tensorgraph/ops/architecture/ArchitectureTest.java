package dev.tensorgraph.ops.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of graph-ops: op families ({@code math}, {@code array}, ...) below the libraries built on them
 * ({@code layers}, {@code losses}, {@code train}, {@code summary}), below the {@code Tf} facade and the
 * serialization entry points of {@code dev.tensorgraph.ops}; {@code support} below everything.
 *
 * <p>The gradients of the core families use each other's ops as TensorFlow's {@code array_grad.py} and
 * {@code math_grad.py} do (a Slice gradient subtracts shapes, a Sub gradient reshapes), so math, array,
 * reduction, indexing and control form one layer whose packages may refer to each other; every other package
 * is its own slice, and no two slices form a cycle.
 */
class ArchitectureTest {
    private static final String OPS = "dev.tensorgraph.ops";
    private static final Set<String> CORE = Set.of("math", "array", "reduction", "indexing", "control");
    private static final String[] FAMILIES = {"..ops.math..", "..ops.array..", "..ops.reduction..", "..ops.indexing..",
        "..ops.control..", "..ops.nn..", "..ops.state..", "..ops.random..", "..ops.io..", "..ops.sparse..",
        "..ops.training..", "..ops.image..", "..ops.tensorarray..", "..ops.strings..", "..ops.function..",
        "..ops.list..", "..ops.optional.."};
    private static final String[] LIBRARIES = {"..ops.layers..", "..ops.losses..", "..ops.train..", "..ops.summary..",
        "..ops.rnn..", "..ops.slim.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(OPS);
    }

    @Test
    void packagesAreFreeOfCycles() {
        SliceAssignment byLayer = new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                String p = c.getPackageName();
                if (!p.startsWith(OPS)) {
                    return SliceIdentifier.ignore();
                }
                String rest = p.equals(OPS) ? "" : p.substring(OPS.length() + 1);
                String top = rest.isEmpty() ? "facade" : rest.split("\\.")[0];
                return SliceIdentifier.of(CORE.contains(top) ? "core op families" : top);
            }

            @Override
            public String getDescription() {
                return "packages under " + OPS + ", the core op families as one";
            }
        };
        slices().assignedFrom(byLayer).should().beFreeOfCycles().check(classes);
    }

    @Test
    void opFamiliesDoNotDependOnTheFacadeOrTheLibrariesOnTopOfThem() {
        noClasses().that().resideInAnyPackage(FAMILIES)
                .should().dependOnClassesThat().resideInAnyPackage(concat(LIBRARIES, OPS))
                .check(classes);
    }

    @Test
    void librariesDoNotDependOnTheFacade() {
        noClasses().that().resideInAnyPackage(LIBRARIES)
                .should().dependOnClassesThat().resideInAPackage(OPS)
                .check(classes);
    }

    @Test
    void supportDependsOnNoOtherOpsPackage() {
        noClasses().that().resideInAPackage("..ops.support..")
                .should().dependOnClassesThat().resideInAnyPackage(concat(concat(FAMILIES, LIBRARIES), OPS))
                .check(classes);
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
