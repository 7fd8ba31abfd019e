package dev.tensorgraph.ops.indexing;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.math.BroadcastGradients;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Choosing elements by a bool condition: {@code Select} (whose condition may also be a scalar or a vector over
 * the first dimension), {@code SelectV2} (which broadcasts all three) and {@code Where} (the coordinates of the
 * true elements). The selects pass the gradient to the side each element came from.
 */
public final class SelectOps implements OpLibrary {
    private static final Set<DType> BOOL = EnumSet.of(DType.BOOL);

    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("Select").input("condition").input("t").input("e").attr("T", AttrType.TYPE)
                .shape(c -> {
                    ShapeFns.requireType(c, c.inputDtype(0), BOOL);
                    DType t = c.inputDtype(1);
                    if (c.inputDtype(2) != t) {
                        throw c.fail("t is " + t + " but e is " + c.inputDtype(2));
                    }
                    Shape ts = c.inputShape(1);
                    Shape es = c.inputShape(2);
                    if (!ts.isCompatibleWith(es)) {
                        throw c.fail("Shapes must be equal rank and size, but t has shape " + ts + " and e has shape " + es);
                    }
                    Shape out = ts.mergeWith(es);
                    Shape cs = c.inputShape(0);
                    if (cs.hasKnownRank() && out.hasKnownRank() && cs.rank() != 0) {
                        boolean vector = cs.rank() == 1 && out.rank() > 1;
                        if (vector) {
                            if (!Shape.of(cs.size(0)).isCompatibleWith(Shape.of(out.size(0)))) {
                                throw c.fail("condition vector of size " + cs.size(0)
                                        + " does not match the first dimension of t, shape " + out);
                            }
                        } else if (!cs.isCompatibleWith(out)) {
                            throw c.fail("condition has shape " + cs + " but t and e have shape " + out
                                    + "; it must be a scalar, a vector over the first dimension, or the same shape");
                        }
                    }
                    c.setOutput(0, t, out);
                })
                .gradient((op, dy) -> {
                    Graph gr = op.graph();
                    Output cond = op.input(0);
                    Output g = dy.get(0);
                    Output zeros = ConstantOps.zerosLike(gr, g, null);
                    return Arrays.asList(null, select(gr, cond, g, zeros, null), select(gr, cond, zeros, g, null));
                }).build());
        r.register(OpDef.builder("SelectV2").input("condition").input("t").input("e").attr("T", AttrType.TYPE)
                .shape(c -> {
                    ShapeFns.requireType(c, c.inputDtype(0), BOOL);
                    DType t = c.inputDtype(1);
                    if (c.inputDtype(2) != t) {
                        throw c.fail("t is " + t + " but e is " + c.inputDtype(2));
                    }
                    Shape te = ShapeFns.broadcast(c, c.inputShape(1), c.inputShape(2));
                    c.setOutput(0, t, ShapeFns.broadcast(c, c.inputShape(0), te));
                })
                .gradient((op, dy) -> {
                    Graph gr = op.graph();
                    Output cond = op.input(0);
                    Output g = dy.get(0);
                    Output zeros = ConstantOps.zerosLike(gr, g, null);
                    return Arrays.asList(null, BroadcastGradients.reduceTo(selectV2(gr, cond, g, zeros, null), op.input(1)),
                            BroadcastGradients.reduceTo(selectV2(gr, cond, zeros, g, null), op.input(2)));
                }).build());
            r.register(OpDef.builder("Where").input("input").attr("T", AttrType.TYPE, DType.BOOL)
                .shape(c -> c.setOutput(0, DType.INT64, Shape.of(-1, c.inputShape(0).rank())))
                .notDifferentiable().build());
    }

    // ---- constructors ----

    /** {@code Select(condition, t, e)}: t where condition holds, else e ({@code tf.where(c, x, y)}). */
    public static Output select(Graph g, Output condition, Output t, Output e, String name) {
        return g.opBuilder("Select", name).addInput(condition).addInput(t).addInput(e).setAttr("T", t.dtype()).build()
                .output(0);
    }

    /** {@code SelectV2(condition, t, e)}: as Select with all three broadcast ({@code tf.where_v2}). */
    public static Output selectV2(Graph g, Output condition, Output t, Output e, String name) {
        return g.opBuilder("SelectV2", name).addInput(condition).addInput(t).addInput(e).setAttr("T", t.dtype())
                .build().output(0);
    }

    /** {@code Where(condition)}: int64 coordinates [n, rank] of the true elements ({@code tf.where(c)}). */
    public static Output where(Graph g, Output condition, String name) {
        return g.opBuilder("Where", name).addInput(condition).build().output(0);
    }
}
