package dev.tensorgraph.examples.cli;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.io.CheckpointFiles;
import dev.tensorgraph.proto.BundleEntryProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which checkpoints can restore a graph's variables, so that {@code run} says so: a checkpoint matches when it holds
 * every variable of the graph under its op name with its dtype and shape. When a restore fails or no checkpoint
 * was named, {@code run} names the checkpoints beside the graph file that match.
 */
final class GraphCheckpoints {
    private static final Set<String> VARIABLE_OPS = Set.of("VariableV2", "Variable", "VarHandleOp");
    /** Mismatches named in an error before "and N more". */
    private static final int SHOWN = 3;

    private GraphCheckpoints() {}

    /** The graph's variable ops by name, in graph order. */
    static Map<String, Operation> variables(Graph g) {
        Map<String, Operation> vars = new LinkedHashMap<>();
        for (Operation op : g.operations()) {
            if (VARIABLE_OPS.contains(op.type())) {
                vars.put(op.name(), op);
            }
        }
        return vars;
    }

    /** Why the checkpoint at {@code prefix} cannot restore {@code g}'s variables; empty when it can. */
    static List<String> mismatches(Graph g, Path prefix) {
        Map<String, BundleEntryProto> entries = CheckpointFiles.entries(prefix);
        List<String> problems = new ArrayList<>();
        for (Operation v : variables(g).values()) {
            BundleEntryProto e = entries.get(v.name());
            if (e == null) {
                problems.add("it has no tensor " + v.name());
                continue;
            }
            if (!sameDtype(v, e) || !compatibleShape(v, e)) {
                problems.add(v.name() + " is " + describe(e) + " there but " + v.attrType("dtype")
                        + (declaredShape(v) == null ? "" : declaredShape(v).toString()) + " in the graph");
            }
        }
        return problems;
    }

    /** The checkpoints in {@code dir} that can restore {@code g}'s variables, newest first. */
    static List<Path> matching(Graph g, Path dir) {
        List<Path> found = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return found;
        }
        List<Path> prefixes;
        try (Stream<Path> files = Files.list(dir)) {
            prefixes = files.filter(p -> p.getFileName().toString().endsWith(".index"))
                    .sorted(Comparator.comparing(GraphCheckpoints::modified).reversed())
                    .map(p -> p.resolveSibling(p.getFileName().toString().replaceFirst("\\.index$", ""))).toList();
        } catch (IOException e) {
            return found;
        }
        for (Path prefix : prefixes) {
            try {
                if (CheckpointFiles.exists(prefix) && mismatches(g, prefix).isEmpty()) {
                    found.add(prefix);
                }
            } catch (TensorgraphException e) {
                // an unreadable checkpoint matches nothing
            }
        }
        return found;
    }

    /**
     * After restoring from {@code prefix} failed with {@code failure}: when the checkpoint does not hold the graph's
     * variables, fails saying what differs and which checkpoints beside the graph file match; else returns, and the
     * caller rethrows {@code failure}. Checked only then, since a graph restored through its own SaverDef may store
     * its variables under other names.
     */
    static void explainMismatch(Graph g, Path prefix, Path graphFile, RuntimeException failure) {
        List<String> problems;
        try {
            problems = mismatches(g, prefix);
        } catch (TensorgraphException unreadable) {
            return;
        }
        if (problems.isEmpty()) {
            return;
        }
        String shown = String.join("; ", problems.subList(0, Math.min(SHOWN, problems.size())))
                + (problems.size() > SHOWN ? "; and " + (problems.size() - SHOWN) + " more" : "");
        // The restore's own message comes first: it names the variable and shapes at fault as TensorFlow words it.
        throw new InvalidArgumentException(failure.getMessage() + "; checkpoint " + prefix + " does not match "
                + graphFile + ": " + shown + "; " + matchingNote(g, graphFile), failure);
    }

    /** The hint for a graph whose variables were neither restored nor initialized. */
    static String restoreHint(Graph g, Path graphFile) {
        return "restore them with --checkpoint PREFIX or run their initializers with --init; " + matchingNote(g, graphFile);
    }

    private static String matchingNote(Graph g, Path graphFile) {
        Path dir = graphFile.toAbsolutePath().getParent();
        List<Path> matches = matching(g, dir);
        if (matches.isEmpty()) {
            return "no checkpoint beside " + graphFile + " matches it";
        }
        Path base = graphFile.getParent();
        List<String> names = matches.stream()
                .map(p -> (base == null ? p.getFileName() : base.resolve(p.getFileName())).toString()).toList();
        return "checkpoints beside it that match: " + String.join(", ", names);
    }

    private static boolean sameDtype(Operation v, BundleEntryProto e) {
        try {
            return DType.fromCode(e.getDtypeValue()) == v.attrType("dtype");
        } catch (RuntimeException unknownCode) {
            return false;
        }
    }

    private static boolean compatibleShape(Operation v, BundleEntryProto e) {
        Shape declared = declaredShape(v);
        if (declared == null || !declared.hasKnownRank()) {
            return true;
        }
        long[] dims = declared.dims();
        if (e.getShape().getDimCount() != dims.length) {
            return false;
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] >= 0 && dims[i] != e.getShape().getDim(i).getSize()) {
                return false;
            }
        }
        return true;
    }

    private static Shape declaredShape(Operation v) {
        return v.hasAttr("shape") ? v.attrShape("shape") : null;
    }

    private static String describe(BundleEntryProto e) {
        String dtype;
        try {
            dtype = DType.fromCode(e.getDtypeValue()).toString();
        } catch (RuntimeException unknownCode) {
            dtype = "DataType(" + e.getDtypeValue() + ")";
        }
        StringBuilder b = new StringBuilder(dtype).append('[');
        for (int i = 0; i < e.getShape().getDimCount(); i++) {
            b.append(i > 0 ? "," : "").append(e.getShape().getDim(i).getSize());
        }
        return b.append(']').toString();
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
