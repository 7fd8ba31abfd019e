package dev.tensorgraph.ops.strings;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import java.util.List;

/**
 * TensorFlow's string ops of {@code string_ops.cc} that save graphs use:
 * <ul>
 *   <li>{@code StringJoin(inputs...)} with {@code separator}: joins the inputs element by element; every
 *   input is a scalar or has the one shape the non-scalar inputs share (scalars repeat).</li>
 *   <li>{@code StaticRegexFullMatch(input)} with {@code pattern}: per element, whether the whole string matches
 *   the pattern, in RE2's syntax as TensorFlow reads it (a bool tensor of the input's shape).</li>
 * </ul>
 * Neither is differentiable.
 */
public final class StringOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("StringJoin").inputList("inputs").attr("N", AttrType.INT)
                .attr("separator", AttrType.STRING, "")
                .shape(StringOps::joinShape).notDifferentiable().build());
        r.register(OpDef.builder("StaticRegexFullMatch").input("input").attr("pattern", AttrType.STRING)
                .shape(c -> {
                    requireString(c, 0, "input");
                    compile(c, (String) c.attr("pattern"));
                    c.setOutput(0, DType.BOOL, c.inputShape(0));
                }).notDifferentiable().build());
    }

    private static void requireString(ShapeContext c, int i, String what) {
        if (c.inputDtype(i) != DType.STRING) {
            throw c.fail(what + " must be a string tensor, got " + c.inputDtype(i));
        }
    }

    /** The pattern compiled, or a failure naming the op when it is not a valid regular expression. */
    private static Pattern compile(ShapeContext c, String pattern) {
        try {
            return Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw c.fail("pattern " + pattern + " is not a valid regular expression: " + e.getDescription());
        }
    }

    private static void joinShape(ShapeContext c) {
        Shape out = Shape.scalar();
        for (int i = 0; i < c.numInputs(); i++) {
            requireString(c, i, "inputs[" + i + "]");
            Shape s = c.inputShape(i);
            if (!s.hasKnownRank()) {
                out = out.hasKnownRank() && out.rank() == 0 ? s : out;
            } else if (s.rank() > 0) {
                if (out.hasKnownRank() && out.rank() > 0 && !out.isCompatibleWith(s)) {
                    throw c.fail("inputs must be scalars or have the same shape: " + out + " vs " + s
                            + " (inputs[" + i + "])");
                }
                out = s;
            }
        }
        c.setOutput(0, DType.STRING, out);
    }

    /** {@code StringJoin(inputs)}: the inputs joined element by element with {@code separator} between them. */
    public static Output stringJoin(Graph g, List<Output> inputs, String separator, String name) {
        return g.opBuilder("StringJoin", name).addInputList(inputs).setAttr("separator", separator).build().output(0);
    }

    /** {@code StaticRegexFullMatch(input)}: whether each string matches {@code pattern} as a whole. */
    public static Output staticRegexFullMatch(Graph g, Output input, String pattern, String name) {
        return g.opBuilder("StaticRegexFullMatch", name).addInput(input).setAttr("pattern", pattern).build().output(0);
    }
}
