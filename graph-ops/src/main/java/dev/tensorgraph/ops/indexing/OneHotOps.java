package dev.tensorgraph.ops.indexing;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.ops.array.ConcatOps;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.array.SliceOps;
import dev.tensorgraph.ops.array.StridedSliceOptions;
import dev.tensorgraph.ops.array.TransposeOps;
import dev.tensorgraph.ops.reduction.ReductionOps;
import dev.tensorgraph.ops.support.ShapeArgs;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@code OneHot(indices, depth, on_value, off_value)} along a new axis, with {@code tf.one_hot}; no gradient. */
public final class OneHotOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("OneHot").input("indices").input("depth").input("on_value").input("off_value")
                .attr("axis", AttrType.INT, -1L).attr("T", AttrType.TYPE).attr("TI", AttrType.TYPE, DType.INT64)
                .shape(OneHotOps::oneHotShape)
                .notDifferentiable().build());
    }

    /** {@code OneHot(indices, depth, on_value, off_value)} along {@code axis} (-1: a new last axis). */
    public static Output oneHot(Graph g, Output indices, Output depth, Output onValue, Output offValue, long axis,
                                String name) {
        return g.opBuilder("OneHot", name).addInput(indices).addInput(depth).addInput(onValue).addInput(offValue)
                .setAttr("axis", axis).setAttr("T", onValue.dtype()).setAttr("TI", indices.dtype()).build().output(0);
    }

    /** {@code tf.one_hot(indices, depth, on_value, off_value, axis, dtype)}: constants in the scope {@code one_hot}. */
    public static Output oneHot(Graph g, Output indices, int depth, double onValue, double offValue, int axis, DType dtype,
                                String name) {
        try (var s = g.nameScope(name == null ? "one_hot" : name)) {
            Output on = ConstantOps.scalar(g, dtype, onValue, "on_value");
            Output off = ConstantOps.scalar(g, dtype, offValue, "off_value");
            return oneHot(g, indices, ConstantOps.scalar(g, DType.INT32, depth, "depth"), on, off, axis, s.name());
        }
    }

    private static void oneHotShape(ShapeContext c) {
        ShapeArgs.typeFrom(c, "T", 2);
        ShapeArgs.typeFrom(c, "TI", 0);
        if (c.inputDtype(3) != c.inputDtype(2)) {
            throw c.fail("on_value is " + c.inputDtype(2) + " but off_value is " + c.inputDtype(3));
        }
        if (c.inputDtype(1) != DType.INT32) {
            throw c.fail("depth must be int32, got " + c.inputDtype(1));
        }
        Shape in = c.inputShape(0);
        Tensor d = c.constantValue(1);
        long depth = d == null ? -1 : ShapeArgs.longs(d)[0];
        if (d != null && depth < 0) {
            throw c.fail("depth must be non-negative, got " + depth);
        }
        long axis = c.attrLong("axis");
        if (axis < -1) {
            throw c.fail("axis must be >= -1, got " + axis);
        }
        if (!in.hasKnownRank()) {
            c.setOutput(0, c.inputDtype(2), Shape.unknown());
            return;
        }
        if (axis > in.rank()) {
            throw c.fail("axis " + axis + " is out of range for indices of shape " + in);
        }
        int a = axis == -1 ? in.rank() : (int) axis;
        Shape out = in.subShape(0, a).concatenate(Shape.of(depth)).concatenate(in.subShape(a, in.rank()));
        c.setOutput(0, c.inputDtype(2), out);
    }
}
