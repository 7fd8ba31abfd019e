import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Expands the per-dtype loop templates of runtime-cpu into Java sources; the build runs it in the
 * generate-sources phase ({@code java TemplateExpander.java TEMPLATE_DIR OUTPUT_DIR}). Each template is a
 * Java file in which the lines between {@code //# for float double int long} and {@code //# end} are written
 * once per listed type, with {@code ${T}} (the primitive), {@code ${Boxed}} (its wrapper class),
 * {@code ${tag}} (f32, f64, i32, l64, bool, u8), {@code ${DTYPE}} (the DType constant) and the template's
 * own per-type names replaced. Directives, one per line:
 *
 * <pre>
 * //# let NAME float=VALUE double=VALUE ...    a per-type value for ${NAME}, anywhere in the file
 * //# for TYPE TYPE ...                        repeat the lines up to the matching end, once per type
 * //# if COND ... / //# else / //# end         inside a for: keep lines where the type matches a COND,
 *                                              a type or its kind (floating, integral, logical);
 *                                              "if not COND ..." negates
 * </pre>
 *
 * A template that breaks these rules (an unknown name or type, an unclosed block, a placeholder outside a
 * for) fails the build with its file and line. Outputs are rewritten only when their text changes.
 */
public final class TemplateExpander {
    private record Type(String name, String boxed, String tag, String dtype, String kind) {}

    private static final Map<String, Type> TYPES = new LinkedHashMap<>();

    static {
        for (Type t : List.of(
                new Type("float", "Float", "f32", "FLOAT32", "floating"),
                new Type("double", "Double", "f64", "FLOAT64", "floating"),
                new Type("int", "Integer", "i32", "INT32", "integral"),
                new Type("long", "Long", "l64", "INT64", "integral"),
                new Type("byte", "Byte", "u8", "UINT8", "integral"),
                new Type("boolean", "Boolean", "bool", "BOOL", "logical"))) {
            TYPES.put(t.name(), t);
        }
    }

    private static final Pattern DIRECTIVE = Pattern.compile("^\\s*//#\\s*(\\w+)\\s*(.*?)\\s*$");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(\\w+)}");

    /** A template error, reported as {@code file:line: message}. */
    static final class TemplateException extends Exception {
        TemplateException(String file, int line, String message) {
            super(file + ":" + line + ": " + message);
        }
    }

    private final String file;
    private final List<String> lines;
    /** For {@code let} names: type name to value. */
    private final Map<String, Map<String, String>> lets = new LinkedHashMap<>();
    private final StringBuilder out = new StringBuilder();

    private TemplateExpander(String file, List<String> lines) {
        this.file = file;
        this.lines = lines;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java TemplateExpander.java TEMPLATE_DIR OUTPUT_DIR");
            System.exit(2);
        }
        Path in = Path.of(args[0]);
        Path outDir = Path.of(args[1]);
        List<Path> templates;
        try (Stream<Path> s = Files.walk(in)) {
            templates = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        int failures = 0;
        for (Path template : templates) {
            String name = in.relativize(template).toString().replace('\\', '/');
            try {
                String text = expand(name, Files.readAllLines(template, StandardCharsets.UTF_8));
                Path target = outDir.resolve(name);
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), bytes)) {
                    Files.createDirectories(target.getParent());
                    Files.write(target, bytes);
                }
            } catch (TemplateException e) {
                System.err.println(e.getMessage());
                failures++;
            }
        }
        if (failures > 0) {
            System.exit(1);
        }
    }

    /** The Java source that {@code lines}, the template named {@code file}, expand to. */
    static String expand(String file, List<String> lines) throws TemplateException {
        TemplateExpander e = new TemplateExpander(file, lines);
        e.collectLets();
        e.out.append("// Generated from the template ").append(file).append(" (runtime-cpu/src/main/templates); edit that.\n");
        e.block(0, lines.size(), null);
        return e.out.toString();
    }

    private void collectLets() throws TemplateException {
        for (int i = 0; i < lines.size(); i++) {
            Matcher d = DIRECTIVE.matcher(lines.get(i));
            if (!d.matches() || !d.group(1).equals("let")) {
                continue;
            }
            String[] words = d.group(2).split("\\s+");
            if (words.length < 2 || !words[0].matches("\\w+")) {
                throw error(i, "expected 'let NAME type=value ...'");
            }
            if (lets.containsKey(words[0]) || builtIn(words[0], TYPES.get("float")) != null) {
                throw error(i, "'" + words[0] + "' is already defined");
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (int w = 1; w < words.length; w++) {
                int eq = words[w].indexOf('=');
                String type = eq < 0 ? words[w] : words[w].substring(0, eq);
                if (eq < 0 || !TYPES.containsKey(type)) {
                    throw error(i, "expected type=value, got '" + words[w] + "'");
                }
                values.put(type, words[w].substring(eq + 1));
            }
            lets.put(words[0], values);
        }
    }

    /** Expands lines {@code [from, to)} for {@code type} (null outside a for). */
    private void block(int from, int to, Type type) throws TemplateException {
        int i = from;
        while (i < to) {
            Matcher d = DIRECTIVE.matcher(lines.get(i));
            if (!d.matches()) {
                out.append(substitute(i, type)).append('\n');
                i++;
                continue;
            }
            switch (d.group(1)) {
                case "let" -> i++;
                case "for" -> {
                    if (type != null) {
                        throw error(i, "a for inside a for");
                    }
                    int end = matchingEnd(i, to, false);
                    for (String name : words(i, d.group(2))) {
                        Type t = TYPES.get(name);
                        if (t == null) {
                            throw error(i, "unknown type '" + name + "' (known: " + TYPES.keySet() + ")");
                        }
                        block(i + 1, end, t);
                    }
                    i = end + 1;
                }
                case "if" -> {
                    if (type == null) {
                        throw error(i, "an if outside a for");
                    }
                    int elseLine = matchingEnd(i, to, true);
                    boolean hasElse = directive(elseLine).equals("else");
                    int end = hasElse ? matchingEnd(elseLine, to, false) : elseLine;
                    if (matches(i, d.group(2), type)) {
                        block(i + 1, elseLine, type);
                    } else if (hasElse) {
                        block(elseLine + 1, end, type);
                    }
                    i = end + 1;
                }
                default -> throw error(i, "unexpected '" + d.group(1) + "'");
            }
        }
    }

    private String directive(int line) {
        Matcher d = DIRECTIVE.matcher(lines.get(line));
        return d.matches() ? d.group(1) : "";
    }

    private List<String> words(int line, String text) throws TemplateException {
        if (text.isEmpty()) {
            throw error(line, "expected one or more names");
        }
        return List.of(text.split("\\s+"));
    }

    private boolean matches(int line, String condition, Type type) throws TemplateException {
        List<String> names = new ArrayList<>(words(line, condition));
        boolean negate = names.get(0).equals("not");
        if (negate) {
            names.remove(0);
        }
        boolean any = false;
        for (String n : names) {
            if (!TYPES.containsKey(n) && !List.of("floating", "integral", "logical").contains(n)) {
                throw error(line, "unknown type or kind '" + n + "'");
            }
            any |= n.equals(type.name()) || n.equals(type.kind());
        }
        return any != negate;
    }

    /**
     * The line of the {@code end} closing the block opened at {@code open}, or with {@code elseToo} of an
     * {@code else} at the same depth, whichever comes first.
     */
    private int matchingEnd(int open, int to, boolean elseToo) throws TemplateException {
        int depth = 0;
        for (int i = open + 1; i < to; i++) {
            Matcher d = DIRECTIVE.matcher(lines.get(i));
            if (!d.matches()) {
                continue;
            }
            switch (d.group(1)) {
                case "for", "if" -> depth++;
                case "else" -> {
                    if (depth == 0 && elseToo) {
                        return i;
                    }
                }
                case "end" -> {
                    if (depth == 0) {
                        return i;
                    }
                    depth--;
                }
                default -> { }
            }
        }
        throw error(open, "no matching '//# end'");
    }

    private String substitute(int line, Type type) throws TemplateException {
        Matcher m = PLACEHOLDER.matcher(lines.get(line));
        StringBuilder r = new StringBuilder();
        while (m.find()) {
            if (type == null) {
                throw error(line, "${" + m.group(1) + "} outside a for");
            }
            String value = builtIn(m.group(1), type);
            if (value == null) {
                Map<String, String> let = lets.get(m.group(1));
                if (let == null) {
                    throw error(line, "unknown name ${" + m.group(1) + "}");
                }
                value = let.get(type.name());
                if (value == null) {
                    throw error(line, "${" + m.group(1) + "} has no value for " + type.name());
                }
            }
            m.appendReplacement(r, Matcher.quoteReplacement(value));
        }
        m.appendTail(r);
        return r.toString();
    }

    private static String builtIn(String name, Type type) {
        return switch (name) {
            case "T" -> type.name();
            case "Boxed" -> type.boxed();
            case "tag" -> type.tag();
            case "DTYPE" -> type.dtype();
            default -> null;
        };
    }

    private TemplateException error(int line, String message) {
        return new TemplateException(file, line + 1, message);
    }
}
