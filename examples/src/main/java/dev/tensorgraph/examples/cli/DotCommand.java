package dev.tensorgraph.examples.cli;

import dev.tensorgraph.proto.NodeDef;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tensorgraph dot FILE}: the graph in GraphViz DOT, each name scope a nested cluster ({@code layer/W} sits
 * in cluster {@code layer}), data edges solid (labelled {@code :k} for outputs past 0) and control edges dashed.
 *
 * <pre>
 * tensorgraph dot model.meta | dot -Tsvg -o model.svg
 * </pre>
 */
@Command(name = "dot", mixinStandardHelpOptions = true,
        description = "Write a graph (GraphDef .pb/.pbtxt or MetaGraph .meta) as GraphViz DOT, name scopes as clusters.")
public final class DotCommand extends CliCommand {
    private static final Set<String> SOURCES = Set.of("Placeholder", "PlaceholderWithDefault", "Const");
    private static final Set<String> VARIABLES = Set.of("VariableV2", "Variable", "VarHandleOp");

    @Parameters(index = "0", paramLabel = "FILE", description = "GraphDef (.pb or .pbtxt) or MetaGraphDef (.meta)")
    Path file;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write the DOT text here instead of stdout.")
    Path outFile;

    /** One name scope: the ops directly in it and its child scopes, both by name. */
    private static final class Scope {
        final Map<String, NodeDef> ops = new TreeMap<>();
        final Map<String, Scope> children = new TreeMap<>();
    }

    @Override
    int execute(PrintWriter out) throws IOException {
        GraphFile f = GraphFile.read(file);
        String dot = toDot(f.graphDef().getNodeList());
        if (outFile != null) {
            Files.writeString(outFile, dot, StandardCharsets.UTF_8);
            out.println("wrote " + outFile);
        } else {
            out.print(dot);
        }
        return 0;
    }

    static String toDot(List<NodeDef> nodes) {
        Scope root = new Scope();
        for (NodeDef n : nodes) {
            String[] parts = n.getName().split("/");
            Scope s = root;
            for (int i = 0; i < parts.length - 1; i++) {
                s = s.children.computeIfAbsent(parts[i], k -> new Scope());
            }
            s.ops.put(n.getName(), n);
        }
        StringBuilder b = new StringBuilder("digraph G {\n");
        b.append("  compound=true;\n  node [shape=box, style=rounded, fontsize=10];\n");
        writeScope(b, root);
        List<String> edges = new ArrayList<>();
        for (NodeDef n : nodes) {
            for (String in : n.getInputList()) {
                boolean control = in.startsWith("^");
                String src = control ? in.substring(1) : in;
                String label = "";
                int colon = src.lastIndexOf(':');
                if (colon >= 0) {
                    String index = src.substring(colon + 1);
                    src = src.substring(0, colon);
                    if (!index.equals("0")) {
                        label = ":" + index;
                    }
                }
                StringBuilder e = new StringBuilder("  ").append(quote(src)).append(" -> ").append(quote(n.getName()));
                if (control) {
                    e.append(" [style=dashed]");
                } else if (!label.isEmpty()) {
                    e.append(" [label=").append(quote(label)).append(']');
                }
                edges.add(e.append(";\n").toString());
            }
        }
        edges.forEach(b::append);
        return b.append("}\n").toString();
    }

    /** Nesting deeper than this is written without more indentation, so output stays linear in the file. */
    private static final int MAX_INDENT_LEVELS = 16;
    /** Cluster names longer than this are numbered instead of spelling out the scope path. */
    private static final int MAX_CLUSTER_NAME = 200;

    /** One open cluster on the explicit stack that replaces recursion (scopes may nest a million deep). */
    private record Frame(Scope scope, String path, int depth, java.util.Iterator<Map.Entry<String, Scope>> children) {}

    private static void writeScope(StringBuilder b, Scope root) {
        java.util.ArrayDeque<Frame> stack = new java.util.ArrayDeque<>();
        writeOps(b, root, indent(0));
        stack.push(new Frame(root, "", 0, root.children.entrySet().iterator()));
        int clusters = 0;
        while (!stack.isEmpty()) {
            Frame f = stack.peek();
            if (!f.children().hasNext()) {
                stack.pop();
                if (f.depth() > 0) {
                    b.append(indent(f.depth() - 1)).append("}\n");
                }
                continue;
            }
            Map.Entry<String, Scope> e = f.children().next();
            String full = f.path().isEmpty() ? e.getKey() : f.path() + "/" + e.getKey();
            String path = full.length() <= MAX_CLUSTER_NAME ? full : "#" + ++clusters;
            String indent = indent(f.depth());
            b.append(indent).append("subgraph ").append(quote("cluster_" + path)).append(" {\n");
            b.append(indent).append("  label=").append(quote(e.getKey())).append(";\n");
            b.append(indent).append("  style=rounded;\n");
            writeOps(b, e.getValue(), indent(f.depth() + 1));
            stack.push(new Frame(e.getValue(), path, f.depth() + 1, e.getValue().children.entrySet().iterator()));
        }
    }

    private static String indent(int depth) {
        return "  ".repeat(1 + Math.min(depth, MAX_INDENT_LEVELS));
    }

    private static void writeOps(StringBuilder b, Scope scope, String indent) {
        for (NodeDef n : scope.ops.values()) {
            String shortName = n.getName().substring(n.getName().lastIndexOf('/') + 1);
            b.append(indent).append(quote(n.getName())).append(" [label=").append(quote(shortName + "\n" + n.getOp()));
            if (SOURCES.contains(n.getOp())) {
                b.append(", shape=ellipse, style=solid");
            } else if (VARIABLES.contains(n.getOp())) {
                b.append(", style=\"rounded,filled\", fillcolor=lightyellow");
            }
            b.append("];\n");
        }
    }

    /** A DOT double-quoted ID, on one line. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c == '\n') {
                b.append("\\n");
            } else if (Character.isISOControl(c)) {
                b.append(' ');  // DOT has no escape for them; a raw one would break the line it is on
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
