package dev.tensorgraph.ops.math;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.kernel.args.EinsumEquation;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code Einsum(inputs, equation)}: the contraction an equation such as {@code "bij,bjk->bik"} describes, over one or
 * two operands, with {@code ...} for broadcast dimensions and repeated labels for diagonals and traces
 * ({@code tf.einsum}). The gradient is TensorFlow's ({@link EinsumGradient}): more Einsum ops, with reductions and
 * broadcasts where labels are summed away. {@link #einsum} is {@code tf.einsum}: it accepts spaces and the implicit
 * form without {@code ->}, and contracts more than two operands pairwise from the left.
 */
public final class EinsumOps implements OpLibrary {
    private static final Pattern FORMAT = Pattern.compile("^([a-zA-Z0,]*)(->[a-zA-Z0]*)?$");

    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("Einsum").inputList("inputs").attr("equation", AttrType.STRING)
                .attr("N", AttrType.INT).attr("T", AttrType.TYPE)
                .shape(EinsumOps::einsumShape)
                .gradient(EinsumGradient::gradients).build());
    }

    /** The op {@code Einsum(inputs)} with the equation as given (one or two inputs, explicit {@code ->}). */
    public static Output einsumOp(Graph g, List<Output> inputs, String equation, String name) {
        return g.opBuilder("Einsum", name).addInputList(inputs).setAttr("equation", equation).build().output(0);
    }

    /**
     * {@code tf.einsum(equation, *inputs)} in the name scope {@code einsum}: spaces are dropped; without {@code ->}
     * the output is the labels that occur once, in alphabetical order (broadcast dimensions first); more than two
     * operands are contracted pairwise from the left, each step keeping the labels still needed.
     */
    public static Output einsum(Graph g, String equation, List<Output> inputs, String name) {
        String eq = resolveEquation(equation, inputs.size());
        try (var s = g.nameScope(name == null ? "einsum" : name)) {
            if (inputs.size() <= 2) {
                return einsumOp(g, inputs, eq, null);
            }
            String[] parts = eq.split("->", -1);
            List<String> subs = new ArrayList<>(Arrays.asList(parts[0].split(",", -1)));
            List<Output> operands = new ArrayList<>(inputs);
            while (operands.size() > 1) {
                boolean last = operands.size() == 2;
                String kept = last ? parts[1] : keptLabels(subs, parts[1]);
                String step = subs.get(0) + "," + subs.get(1) + "->" + kept;
                Output partial = einsumOp(g, List.of(operands.get(0), operands.get(1)), step, null);
                operands.subList(0, 2).clear();
                operands.add(0, partial);
                subs.subList(0, 2).clear();
                subs.add(0, kept);
            }
            return operands.get(0);
        }
    }

    /** The labels of the first two subscripts that a later subscript or the output still needs, ellipsis first. */
    private static String keptLabels(List<String> subs, String output) {
        String pair = subs.get(0) + subs.get(1);
        StringBuilder later = new StringBuilder(output);
        for (int i = 2; i < subs.size(); i++) {
            later.append(subs.get(i));
        }
        StringBuilder kept = new StringBuilder(pair.contains("...") ? "..." : "");
        for (char ch : pair.replace("...", "").toCharArray()) {
            if (later.indexOf(String.valueOf(ch)) >= 0 && kept.indexOf(String.valueOf(ch)) < 0) {
                kept.append(ch);
            }
        }
        return kept.toString();
    }

    /** TensorFlow Python's checks and the implicit output, returning an equation the op accepts. */
    static String resolveEquation(String equation, int numInputs) {
        String eq = equation.replace(" ", "");
        if (eq.contains("0")) {
            throw new InvalidArgumentException("Invalid character \"0\" in equation: " + equation + ".");
        }
        String marked = eq.replace("...", "0");
        Matcher m = FORMAT.matcher(marked);
        if (!m.matches()) {
            throw new InvalidArgumentException("Subscripts have incorrect format: " + eq);
        }
        String[] inputLabels = m.group(1).split(",", -1);
        if (inputLabels.length != numInputs) {
            throw new InvalidArgumentException("Got " + numInputs + " inputs for equation \"" + equation
                    + "\", expecting " + inputLabels.length);
        }
        String output;
        if (m.group(2) == null) {
            Map<Character, Integer> counts = new TreeMap<>();
            for (char ch : m.group(1).toCharArray()) {
                if (ch != ',') {
                    counts.merge(ch, 1, Integer::sum);
                }
            }
            StringBuilder b = new StringBuilder();
            counts.forEach((ch, n) -> {
                if (n == 1) {
                    b.append(ch);
                }
            });
            output = b.toString();
            marked = marked + "->" + output;
        } else {
            output = m.group(2).substring(2);
        }
        for (int i = 0; i < output.length(); i++) {
            char ch = output.charAt(i);
            if (output.indexOf(ch, i + 1) >= 0) {
                throw new InvalidArgumentException(ch == '0'
                        ? "Output subscripts contain multiple ellipsis: " + equation
                        : "Output subscripts contain a label appearing more than once: " + equation);
            }
            if (ch != '0' && m.group(1).indexOf(ch) < 0) {
                throw new InvalidArgumentException("Output subscripts contain the label " + ch
                        + " not present in the input subscripts.");
            }
        }
        return marked.replace("0", "...");
    }

    private static void einsumShape(ShapeContext c) {
        DType t = ShapeFns.requireType(c, c.inputDtype(0), ShapeFns.SIGNED);
        Shape[] shapes = new Shape[c.numInputs()];
        for (int i = 0; i < shapes.length; i++) {
            if (c.inputDtype(i) != t) {
                throw c.fail("inputs must have one dtype, got " + t + " and " + c.inputDtype(i));
            }
            shapes[i] = c.inputShape(i);
        }
        EinsumEquation.Resolved r;
        try {
            r = EinsumEquation.parse("", (String) c.attr("equation")).resolve("", shapes);
        } catch (TensorgraphException e) {
            throw c.fail(e.getMessage());
        }
        c.setOutput(0, t, r == null ? Shape.unknown() : r.outShape());
    }
}
