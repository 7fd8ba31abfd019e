package dev.tensorgraph.ops.math;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.support.ShapeArgs;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.Arrays;
import java.util.List;

/**
 * The cumulative ops {@code Cumsum(x, axis)} and {@code Cumprod(x, axis)} ({@code tf.cumsum}, {@code tf.cumprod})
 * with TensorFlow's {@code exclusive} and {@code reverse} attributes. Gradients as {@code math_grad.py}: a cumsum
 * of dy the other way round; for the product that cumsum of {@code cumprod(x) * dy} divided by x (DivNoNan, so a
 * zero in x gets a zero gradient, as in TensorFlow).
 */
public final class ScanOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(scan("Cumsum").gradient((op, dy) -> {
            CumulativeOptions back = options(op).reverse(!op.attrBool("reverse"));
            return Arrays.asList(cumsum(op.graph(), dy.get(0), op.input(1), back, null), null);
        }).build());
        r.register(scan("Cumprod").gradient(ScanOps::cumprodGrad).build());
    }

    private static OpDef.Builder scan(String type) {
        return OpDef.builder(type).input("x").input("axis")
                .attr("exclusive", AttrType.BOOL, false).attr("reverse", AttrType.BOOL, false)
                .attr("T", AttrType.TYPE).attr("Tidx", AttrType.TYPE, DType.INT32)
                .shape(ScanOps::scanShape);
    }

    // ---- constructors ----

    /** {@code Cumsum(x, axis)} with the exclusive and reverse attributes. */
    public static Output cumsum(Graph g, Output x, Output axis, CumulativeOptions options, String name) {
        return build(g, "Cumsum", x, axis, options, name);
    }

    /** {@code Cumprod(x, axis)} with the exclusive and reverse attributes. */
    public static Output cumprod(Graph g, Output x, Output axis, CumulativeOptions options, String name) {
        return build(g, "Cumprod", x, axis, options, name);
    }

    /** {@code tf.cumsum(x, axis, exclusive, reverse)}: the axis a constant {@code Cumsum/axis}. */
    public static Output cumsum(Graph g, Output x, int axis, CumulativeOptions options, String name) {
        try (var s = g.nameScope(name == null ? "Cumsum" : name)) {
            return cumsum(g, x, ConstantOps.constant(g, Tensor.of(axis), "axis"), options, s.name());
        }
    }

    /** {@code tf.cumprod(x, axis, exclusive, reverse)}: the axis a constant {@code Cumprod/axis}. */
    public static Output cumprod(Graph g, Output x, int axis, CumulativeOptions options, String name) {
        try (var s = g.nameScope(name == null ? "Cumprod" : name)) {
            return cumprod(g, x, ConstantOps.constant(g, Tensor.of(axis), "axis"), options, s.name());
        }
    }

    private static Output build(Graph g, String type, Output x, Output axis, CumulativeOptions options, String name) {
        CumulativeOptions o = options == null ? CumulativeOptions.create() : options;
        return g.opBuilder(type, name).addInput(x).addInput(axis).setAttr("exclusive", o.exclusive())
                .setAttr("reverse", o.reverse()).setAttr("Tidx", axis.dtype()).build().output(0);
    }

    private static CumulativeOptions options(Operation op) {
        return CumulativeOptions.create().exclusive(op.attrBool("exclusive")).reverse(op.attrBool("reverse"));
    }

    private static void scanShape(ShapeContext c) {
        ShapeArgs.typeFrom(c, "Tidx", 1);
        ShapeArgs.indexType(c, "Tidx");
        ShapeFns.requireType(c, c.inputDtype(0), ShapeFns.NUMERIC);
        Shape x = c.inputShape(0);
        if (c.inputShape(1).rank() > 0) {
            throw c.fail("axis must be a scalar, not " + c.inputShape(1));
        }
        Tensor axis = c.constantValue(1);
        if (axis != null && x.hasKnownRank()) {
            long a = ShapeArgs.longs(axis)[0];
            if (x.rank() == 0 || a < -x.rank() || a >= x.rank()) {
                throw c.fail("Expected scan axis in the range [" + -x.rank() + ", " + x.rank() + "), but got " + a);
            }
        }
        c.setOutput(0, c.inputDtype(0), x);
    }

    /** {@code DivNoNan(cumsum(cumprod(x) * dy, reversed), x)}. */
    private static List<Output> cumprodGrad(Operation op, List<Output> dy) {
        Graph g = op.graph();
        Output x = op.input(0);
        Output axis = op.input(1);
        Output prod = cumprod(g, x, axis, options(op), null);
        Output weighted = ArithmeticOps.mul(g, prod, dy.get(0), null);
        Output out = cumsum(g, weighted, axis, options(op).reverse(!op.attrBool("reverse")), null);
        return Arrays.asList(ArithmeticOps.divNoNan(g, out, x, null), null);
    }
}
