package dev.tensorgraph.ops.math;

import static dev.tensorgraph.ops.math.ArithmeticOps.mul;
import static dev.tensorgraph.ops.support.ShapeFns.FLOATS;
import static dev.tensorgraph.ops.support.ShapeFns.requireType;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import java.util.List;

/**
 * Elementwise trigonometric functions, {@code Sin} and {@code Cos}. Their gradients are built as TensorFlow's
 * are: {@code dy * cos(x)} and {@code -dy * sin(x)}, the cosine or sine waiting for {@code dy}.
 */
public final class TrigOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(unary("Sin").gradient((op, dy) -> {
            Graph g = op.graph();
            try (var deps = g.controlDependencies(List.of(dy.get(0)))) {
                return List.of(mul(g, dy.get(0), cos(g, op.input(0), null), null));
            }
        }).build());
        r.register(unary("Cos").gradient((op, dy) -> {
            Graph g = op.graph();
            try (var deps = g.controlDependencies(List.of(dy.get(0)))) {
                return List.of(mul(g, UnaryOps.neg(g, dy.get(0), null), sin(g, op.input(0), null), null));
            }
        }).build());
    }

    private static OpDef.Builder unary(String type) {
        return OpDef.builder(type).input("x").attr("T", AttrType.TYPE)
                .shape(c -> c.setOutput(0, requireType(c, c.inputDtype(0), FLOATS), c.inputShape(0)));
    }

    /** {@code Sin(x)}: the sine of x, in radians. */
    public static Output sin(Graph g, Output x, String name) {
        return g.opBuilder("Sin", name).addInput(x).build().output(0);
    }

    /** {@code Cos(x)}: the cosine of x, in radians. */
    public static Output cos(Graph g, Output x, String name) {
        return g.opBuilder("Cos", name).addInput(x).build().output(0);
    }
}
