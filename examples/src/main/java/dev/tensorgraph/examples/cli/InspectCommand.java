package dev.tensorgraph.examples.cli;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tensorgraph.proto.CollectionDef;
import dev.tensorgraph.proto.NodeDef;
import dev.tensorgraph.proto.SaverDef;
import dev.tensorgraph.proto.VariableDef;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tensorgraph inspect FILE}: what a saved graph holds, read from the protocol buffer alone (so graphs with
 * op types this runtime lacks can be inspected too): ops by type with counts, placeholders with dtypes and
 * shapes, variables, collections and the saver; for a SavedModel directory, its tag sets and signatures
 * ({@link SavedModelInspect}).
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Summarize a GraphDef (.pb, .pbtxt) or MetaGraph (.meta): ops by type, placeholders, "
                + "variables, collections; or a SavedModel directory: tag sets and signatures.")
public final class InspectCommand extends CliCommand {
    private static final Set<String> VARIABLE_OPS = Set.of("VariableV2", "Variable", "VarHandleOp");
    private static final int PREVIEW = 8;

    @Parameters(index = "0", paramLabel = "FILE",
            description = "GraphDef (.pb or .pbtxt), MetaGraphDef (.meta) or SavedModel directory")
    Path file;

    @Override
    int execute(PrintWriter out) throws IOException {
        if (dev.tensorgraph.ops.savedmodel.SavedModelFile.isSavedModelDir(file)) {
            SavedModelInspect.print(out, file);
            return 0;
        }
        GraphFile f = GraphFile.read(file);
        List<NodeDef> nodes = f.graphDef().getNodeList();
        Map<String, NodeDef> byName = new HashMap<>();
        for (NodeDef n : nodes) {
            byName.put(n.getName(), n);
        }
        out.print(f.path() + ": " + f.kind());
        if (f.isMeta() && !f.meta().getMetaInfoDef().getTensorflowVersion().isEmpty()) {
            out.print(" (tensorflow_version " + f.meta().getMetaInfoDef().getTensorflowVersion() + ")");
        }
        out.println();

        Map<String, Integer> counts = new TreeMap<>();
        for (NodeDef n : nodes) {
            counts.merge(n.getOp(), 1, Integer::sum);
        }
        out.println("ops: " + nodes.size() + " (" + counts.size() + " types)");
        int width = counts.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            out.printf("  %-" + width + "s %6d%n", e.getKey(), e.getValue());
        }

        List<String[]> placeholders = new ArrayList<>();
        for (NodeDef n : nodes) {
            if (n.getOp().equals("Placeholder") || n.getOp().equals("PlaceholderWithDefault")) {
                placeholders.add(new String[] {n.getName(), GraphFile.dtypeName(n.getAttrOrDefault("dtype", null)),
                        GraphFile.shapeText(n.getAttrOrDefault("shape", null)),
                        n.getOp().equals("PlaceholderWithDefault") ? "(with default)" : ""});
            }
        }
        out.println("placeholders: " + placeholders.size());
        printTable(out, placeholders);

        List<String[]> vars = variables(f, nodes, byName);
        out.println("variables: " + vars.size());
        printTable(out, vars);

        if (f.isMeta()) {
            Map<String, CollectionDef> cols = new TreeMap<>(f.meta().getCollectionDefMap());
            out.println("collections: " + cols.size());
            for (Map.Entry<String, CollectionDef> e : cols.entrySet()) {
                out.println("  " + describe(e.getKey(), e.getValue()));
            }
            if (f.meta().hasSaverDef()) {
                SaverDef s = f.meta().getSaverDef();
                out.println("saver: filename " + s.getFilenameTensorName() + ", save " + s.getSaveTensorName()
                        + ", restore " + s.getRestoreOpName() + ", max_to_keep " + s.getMaxToKeep() + ", version "
                        + s.getVersion());
            }
        }
        return 0;
    }

    /** Variables from the MetaGraph's {@code variables} collection when there is one, else the variable ops. */
    private static List<String[]> variables(GraphFile f, List<NodeDef> nodes, Map<String, NodeDef> byName) {
        List<String[]> rows = new ArrayList<>();
        CollectionDef global = f.isMeta() ? f.meta().getCollectionDefMap().get("variables") : null;
        if (global != null && global.hasBytesList()) {
            Set<String> trainable = new HashSet<>();
            CollectionDef t = f.meta().getCollectionDefMap().get("trainable_variables");
            if (t != null && t.hasBytesList()) {
                for (ByteString b : t.getBytesList().getValueList()) {
                    VariableDef d = variableDef(b);
                    if (d != null) {
                        trainable.add(d.getVariableName());
                    }
                }
            }
            for (ByteString b : global.getBytesList().getValueList()) {
                VariableDef d = variableDef(b);
                if (d == null) {
                    continue;
                }
                String name = d.getVariableName();
                NodeDef n = byName.get(name.endsWith(":0") ? name.substring(0, name.length() - 2) : name);
                rows.add(variableRow(n, name, trainable.contains(name) || d.getTrainable() ? "trainable" : ""));
            }
            return rows;
        }
        for (NodeDef n : nodes) {
            if (VARIABLE_OPS.contains(n.getOp())) {
                rows.add(variableRow(n, n.getName(), ""));
            }
        }
        return rows;
    }

    private static String[] variableRow(NodeDef n, String name, String note) {
        if (n == null) {
            return new String[] {name, "?", "?", "(op missing)"};
        }
        return new String[] {n.getName(), GraphFile.dtypeName(n.getAttrOrDefault("dtype", null)),
                GraphFile.shapeText(n.getAttrOrDefault("shape", null)), note};
    }

    private static VariableDef variableDef(ByteString b) {
        try {
            return VariableDef.parseFrom(b);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    private static String describe(String key, CollectionDef c) {
        List<String> items = new ArrayList<>();
        String kind;
        switch (c.getKindCase()) {
            case NODE_LIST -> {
                kind = "node_list";
                items.addAll(c.getNodeList().getValueList());
            }
            case BYTES_LIST -> {
                kind = "bytes_list";
                for (ByteString b : c.getBytesList().getValueList()) {
                    VariableDef d = key.contains("variables") || key.equals("global_step") ? variableDef(b) : null;
                    items.add(d != null && !d.getVariableName().isEmpty() ? "VariableDef(" + d.getVariableName() + ")"
                            : '"' + b.toStringUtf8() + '"');
                }
            }
            case INT64_LIST -> {
                kind = "int64_list";
                c.getInt64List().getValueList().forEach(v -> items.add(Long.toString(v)));
            }
            case FLOAT_LIST -> {
                kind = "float_list";
                c.getFloatList().getValueList().forEach(v -> items.add(Float.toString(v)));
            }
            case ANY_LIST -> {
                kind = "any_list";
                c.getAnyList().getValueList().forEach(v -> items.add(v.getTypeUrl()));
            }
            default -> kind = "empty";
        }
        StringBuilder b = new StringBuilder(key).append(" (").append(kind).append(", ").append(items.size())
                .append(items.size() == 1 ? " item)" : " items)");
        if (!items.isEmpty()) {
            b.append(": ").append(String.join(", ", items.subList(0, Math.min(PREVIEW, items.size()))));
            if (items.size() > PREVIEW) {
                b.append(", ...");
            }
        }
        return b.toString();
    }

    private static void printTable(PrintWriter out, List<String[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder(" ");
            for (int i = 0; i < r.length; i++) {
                b.append(' ').append(i == r.length - 1 ? r[i] : String.format("%-" + w[i] + "s", r[i]));
            }
            out.println(b.toString().stripTrailing());
        }
    }
}
