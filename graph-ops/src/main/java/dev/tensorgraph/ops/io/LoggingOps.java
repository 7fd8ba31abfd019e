package dev.tensorgraph.ops.io;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * TensorFlow's printing ops:
 * <ul>
 *   <li>{@code StringFormat(inputs...)}: {@code template} with each {@code placeholder} replaced by a summary of the
 *   next input (TensorFlow's numpy-like form: at most {@code summarize} leading and trailing entries per dimension,
 *   all when it is -1); a string scalar.</li>
 *   <li>{@code PrintV2(input)}: writes the string scalar and {@code end} to {@code output_stream}: {@code stderr},
 *   {@code stdout}, {@code log(info)}, {@code log(warning)}, {@code log(error)} (the session's logger) or
 *   {@code file://<path>} (appended, where the session's file access allows).</li>
 *   <li>{@code Print(input, data...)} (TensorFlow 1's {@code tf.Print}): {@code input} unchanged, writing
 *   {@code message} and the summarized data to stderr the first {@code first_n} times (always when -1).</li>
 * </ul>
 * Like every op they run only when something the run needs depends on them. {@code tf.print} builds a StringFormat
 * and a PrintV2 ({@link #print}).
 */
public final class LoggingOps implements OpLibrary {
    /** The streams PrintV2 knows besides {@code file://} paths. */
    public static final Set<String> OUTPUT_STREAMS = Set.of("stderr", "stdout", "log(info)", "log(warning)",
            "log(error)");

    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("StringFormat").inputList("inputs").attr("T", AttrType.LIST_TYPE)
                .attr("template", AttrType.STRING, "%s").attr("placeholder", AttrType.STRING, "%s")
                .attr("summarize", AttrType.INT, 3L)
                .shape(c -> {
                    String placeholder = (String) c.attr("placeholder");
                    int n = countPlaceholders((String) c.attr("template"), placeholder);
                    if (n != c.numInputs()) {
                        throw c.fail("num placeholders in template and num inputs must match: " + n + " vs. "
                                + c.numInputs());
                    }
                    c.setOutput(0, DType.STRING, Shape.scalar());
                })
                .notDifferentiable().build());
        r.register(OpDef.builder("PrintV2").input("input").attr("output_stream", AttrType.STRING, "stderr")
                .attr("end", AttrType.STRING, "\n")
                .shape(c -> {
                    if (c.inputDtype(0) != DType.STRING) {
                        throw c.fail("input must be a string, got " + c.inputDtype(0));
                    }
                    Shape s = c.inputShape(0);
                    if (s.hasKnownRank() && s.rank() != 0) {
                        throw c.fail("Shape must be rank 0 but is rank " + s.rank());
                    }
                    String stream = (String) c.attr("output_stream");
                    if (!OUTPUT_STREAMS.contains(stream) && !stream.startsWith("file://")) {
                        throw c.fail("Unknown output stream: " + stream);
                    }
                })
                .stateful().notDifferentiable().build());
        r.register(OpDef.builder("Print").input("input").inputList("data").attr("T", AttrType.TYPE)
                .attr("U", AttrType.LIST_TYPE).attr("message", AttrType.STRING, "")
                .attr("first_n", AttrType.INT, -1L).attr("summarize", AttrType.INT, 3L)
                .shape(c -> c.setOutput(0, c.inputDtype(0), c.inputShape(0)))
                .gradient((op, dy) -> {
                    List<Output> g = new ArrayList<>(Arrays.asList(new Output[op.numInputs()]));
                    g.set(0, dy.get(0));
                    return g;
                })
                .stateful().build());
    }

    /** How many times {@code placeholder} splits {@code template}. */
    static int countPlaceholders(String template, String placeholder) {
        if (placeholder.isEmpty()) {
            return 0;
        }
        int n = 0;
        for (int i = template.indexOf(placeholder); i >= 0; i = template.indexOf(placeholder, i + placeholder.length())) {
            n++;
        }
        return n;
    }

    /** {@code StringFormat(inputs)}; a null name means "StringFormat". */
    public static Output stringFormat(Graph g, List<Output> inputs, String template, String placeholder, long summarize,
                                      String name) {
        var b = g.opBuilder("StringFormat", name).setAttr("T", inputs.stream().map(Output::dtype).toArray(DType[]::new))
                .setAttr("template", template).setAttr("placeholder", placeholder).setAttr("summarize", summarize);
        inputs.forEach(b::addInput);
        return b.build().output(0);
    }

    /** {@code PrintV2(input)}: writes the string scalar {@code input} and {@code end} to {@code outputStream}. */
    public static Operation printV2(Graph g, Output input, String outputStream, String end, String name) {
        return g.opBuilder("PrintV2", name).addInput(input).setAttr("output_stream", outputStream).setAttr("end", end)
                .build();
    }

    /** TensorFlow 1's {@code Print} op ({@code tf.Print}): {@code input} unchanged, printing the data as it passes. */
    public static Output printOp(Graph g, Output input, List<Output> data, String message, long firstN, long summarize,
                                 String name) {
        var b = g.opBuilder("Print", name).addInput(input)
                .setAttr("U", data.stream().map(Output::dtype).toArray(DType[]::new)).setAttr("message", message)
                .setAttr("first_n", firstN).setAttr("summarize", summarize);
        data.forEach(b::addInput);
        return b.build().output(0);
    }

    /**
     * {@code tf.print(*inputs, output_stream, summarize, sep, end, name)}: Strings (and other non-tensor values, as
     * text) become part of the template, each Output a placeholder; a single string scalar is printed as it is. The
     * StringFormat is named {@code <name>_format} and the PrintV2 {@code name} when a name is given. Returns the
     * PrintV2 op, which runs when something depends on it.
     */
    public static Operation print(Graph g, List<?> inputs, String outputStream, long summarize, String sep, String end,
                                  String name) {
        if (inputs == null || inputs.stream().anyMatch(java.util.Objects::isNull)) {
            throw new InvalidArgumentException("tf.print needs a list of inputs without nulls");
        }
        if (!OUTPUT_STREAMS.contains(outputStream) && !outputStream.startsWith("file://")) {
            throw new InvalidArgumentException("Unsupported output stream, logging level, or file." + outputStream
                    + ". Supported streams are stdout, stderr, log(info), log(warning), log(error). File needs to be"
                    + " in the form of 'file://<filepath>'.");
        }
        Output formatted;
        if (inputs.size() == 1 && inputs.get(0) instanceof Output o && o.dtype() == DType.STRING && o.shape().rank() == 0) {
            formatted = o;
        } else {
            StringBuilder literal = new StringBuilder();
            for (Object x : inputs) {
                literal.append(x instanceof Output ? "" : String.valueOf(x)).append(' ');
            }
            String placeholder = "{}";
            for (int k = 0; literal.indexOf(placeholder) >= 0; k++) {
                placeholder = placeholder + (k % 10);
            }
            List<String> parts = new ArrayList<>();
            List<Output> tensors = new ArrayList<>();
            for (Object x : inputs) {
                if (x instanceof Output o) {
                    tensors.add(o);
                    parts.add(placeholder);
                } else {
                    parts.add(String.valueOf(x));
                }
            }
            formatted = stringFormat(g, tensors, String.join(sep, parts), placeholder, summarize,
                    name == null || name.isEmpty() ? null : name + "_format");
        }
        return printV2(g, formatted, outputStream, end, name);
    }
}
