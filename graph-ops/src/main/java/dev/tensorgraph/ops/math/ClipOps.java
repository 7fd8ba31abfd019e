package dev.tensorgraph.ops.math;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.indexing.SelectOps;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ClipByValue(t, clip_value_min, clip_value_max)}: {@code max(min(t, clip_value_max), clip_value_min)}
 * elementwise, the bounds scalars or of t's shape (a NaN stays NaN). TensorFlow 1.x and 2.x (through 2.21) build
 * {@code tf.clip_by_value} as a {@code Minimum} and a {@code Maximum}, and so does {@link #clipByValue}; the op
 * itself is what graphs that call it directly hold. Its gradient passes dy to t where t is within the bounds and to
 * the bound that was taken elsewhere.
 */
public final class ClipOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("ClipByValue").input("t").input("clip_value_min").input("clip_value_max")
                .attr("T", AttrType.TYPE)
                .shape(ClipOps::clipShape)
                .gradient((op, dy) -> clipGrad(op, dy.get(0))).build());
    }

    /** The op {@code ClipByValue(t, min, max)}. */
    public static Output clipByValueOp(Graph g, Output t, Output clipValueMin, Output clipValueMax, String name) {
        return g.opBuilder("ClipByValue", name).addInput(t).addInput(clipValueMin).addInput(clipValueMax).build()
                .output(0);
    }

    /**
     * {@code tf.clip_by_value(t, min, max)}: {@code Minimum(t, max)} then {@code Maximum(.., min)} named
     * {@code clip_by_value}; the bounds may broadcast against t but not enlarge it.
     */
    public static Output clipByValue(Graph g, Output t, Output clipValueMin, Output clipValueMax, String name) {
        try (var s = g.nameScope(name == null ? "clip_by_value" : name)) {
            Output tMin = checked(t, ArithmeticOps.minimum(g, t, clipValueMax, null));
            return ArithmeticOps.maximum(g, tMin, clipValueMin, s.name());
        }
    }

    /** {@code tf.clip_by_value(t, min, max)} with numbers: constants {@code Minimum/y} and {@code y}. */
    public static Output clipByValue(Graph g, Output t, double clipValueMin, double clipValueMax, String name) {
        try (var s = g.nameScope(name == null ? "clip_by_value" : name)) {
            Output tMin = ArithmeticOps.minimum(g, t, clipValueMax, null);
            return ArithmeticOps.maximum(g, tMin, clipValueMin, s.name());
        }
    }

    private static Output checked(Output t, Output clipped) {
        if (!t.shape().isCompatibleWith(clipped.shape())) {
            throw new InvalidArgumentException("clip_by_value: the bounds would broadcast t of shape " + t.shape()
                    + " to shape " + clipped.shape() + "; shapes " + t.shape() + " and " + clipped.shape()
                    + " are incompatible");
        }
        return clipped;
    }

    private static void clipShape(ShapeContext c) {
        ShapeFns.requireType(c, c.inputDtype(0), ShapeFns.NUMERIC);
        Shape t = c.inputShape(0);
        for (int i = 1; i < 3; i++) {
            if (c.inputDtype(i) != c.inputDtype(0)) {
                throw c.fail("clip bounds must have t's dtype " + c.inputDtype(0) + ", got " + c.inputDtype(i));
            }
            Shape b = c.inputShape(i);
            if (b.rank() != 0 && !b.isCompatibleWith(t)) {
                throw c.fail("clip_value_min and clip_value_max must be either of the same shape as input, or a "
                        + "scalar. input shape: " + t + " clip_value_min shape: " + c.inputShape(1)
                        + " clip_value_max shape: " + c.inputShape(2));
            }
        }
        c.setOutput(0, c.inputDtype(0), t);
    }

    /** dy to t inside the bounds, to a bound where it was taken; each bound's part summed to its shape. */
    private static List<Output> clipGrad(Operation op, Output grad) {
        Graph g = op.graph();
        Output x = op.input(0);
        Output lo = op.input(1);
        Output hi = op.input(2);
        Output zeros = ConstantOps.zerosLike(g, grad, null);
        Output below = ComparisonOps.less(g, x, lo, null);
        Output above = ComparisonOps.greater(g, x, hi, null);
        Output xGrad = SelectOps.select(g, ComparisonOps.logicalOr(g, below, above, null), zeros, grad, null);
        Output loGrad = SelectOps.select(g, below, grad, zeros, null);
        Output hiGrad = SelectOps.select(g, above, grad, zeros, null);
        return Arrays.asList(xGrad, BroadcastGradients.reduceTo(loGrad, lo), BroadcastGradients.reduceTo(hiGrad, hi));
    }
}
