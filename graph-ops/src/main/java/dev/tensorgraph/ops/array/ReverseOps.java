package dev.tensorgraph.ops.array;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.ops.math.UnaryOps;
import dev.tensorgraph.ops.support.ShapeArgs;
import java.util.Arrays;

/**
 * Reordering elements along axes: {@code ReverseV2(tensor, axis)} ({@code tf.reverse}) and
 * {@code Roll(input, shift, axis)} ({@code tf.roll}, elements shifted cyclically; shifts on a repeated axis add
 * up). Each gradient is the inverse reordering of dy: the same reversal, the opposite roll.
 */
public final class ReverseOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("ReverseV2").input("tensor").input("axis")
                .attr("Tidx", AttrType.TYPE, DType.INT32).attr("T", AttrType.TYPE)
                .shape(ReverseOps::reverseShape)
                .gradient((op, dy) -> Arrays.asList(reverseV2(op.graph(), dy.get(0), op.input(1), null), null)).build());
        r.register(OpDef.builder("Roll").input("input").input("shift").input("axis")
                .attr("T", AttrType.TYPE).attr("Tshift", AttrType.TYPE).attr("Taxis", AttrType.TYPE)
                .shape(ReverseOps::rollShape)
                .gradient((op, dy) -> {
                    Graph g = op.graph();
                    Output back = UnaryOps.neg(g, op.input(1), null);
                    return Arrays.asList(roll(g, dy.get(0), back, op.input(2), null), null, null);
                }).build());
    }

    // ---- constructors ----

    /** {@code ReverseV2(tensor, axis)}: the elements in reverse order along each axis listed. */
    public static Output reverseV2(Graph g, Output tensor, Output axis, String name) {
        return g.opBuilder("ReverseV2", name).addInput(tensor).addInput(axis).setAttr("Tidx", axis.dtype())
                .build().output(0);
    }

    /** {@code tf.reverse(tensor, axis)}: the axes a constant {@code ReverseV2/axis}. */
    public static Output reverse(Graph g, Output tensor, int[] axis, String name) {
        try (var s = g.nameScope(name == null ? "ReverseV2" : name)) {
            return reverseV2(g, tensor, ConstantOps.intVector(g, axis, "axis"), s.name());
        }
    }

    /** {@code Roll(input, shift, axis)}: shift and axis scalars or vectors of one length. */
    public static Output roll(Graph g, Output input, Output shift, Output axis, String name) {
        return g.opBuilder("Roll", name).addInput(input).addInput(shift).addInput(axis).setAttr("Tshift", shift.dtype())
                .setAttr("Taxis", axis.dtype()).build().output(0);
    }

    /** {@code tf.roll(input, shift, axis)} with vectors: constants {@code Roll/shift} and {@code Roll/axis}. */
    public static Output roll(Graph g, Output input, int[] shift, int[] axis, String name) {
        try (var s = g.nameScope(name == null ? "Roll" : name)) {
            return roll(g, input, ConstantOps.intVector(g, shift, "shift"), ConstantOps.intVector(g, axis, "axis"),
                    s.name());
        }
    }

    /** {@code tf.roll(input, shift, axis)} with scalars. */
    public static Output roll(Graph g, Output input, int shift, int axis, String name) {
        try (var s = g.nameScope(name == null ? "Roll" : name)) {
            return roll(g, input, ConstantOps.constant(g, Tensor.of(shift), "shift"),
                    ConstantOps.constant(g, Tensor.of(axis), "axis"), s.name());
        }
    }

    // ---- shape functions ----

    private static void reverseShape(ShapeContext c) {
        ShapeArgs.typeFrom(c, "Tidx", 1);
        ShapeArgs.indexType(c, "Tidx");
        Shape in = c.inputShape(0);
        if (c.inputShape(1).rank() > 1) {
            throw c.fail("axis must be a vector, got shape " + c.inputShape(1));
        }
        Tensor axis = c.constantValue(1);
        if (axis != null && in.hasKnownRank()) {
            int rank = in.rank();
            long[] a = ShapeArgs.longs(axis);
            boolean[] seen = new boolean[rank];
            for (int i = 0; i < a.length; i++) {
                if (a[i] < -rank || a[i] >= rank) {
                    throw c.fail("'axis'[" + i + "] = " + a[i] + " is out of valid range [" + -rank + ", " + rank + ")");
                }
                int k = (int) (a[i] < 0 ? a[i] + rank : a[i]);
                if (seen[k]) {
                    throw c.fail("axis " + k + " specified more than once.");
                }
                seen[k] = true;
            }
        }
        c.setOutput(0, c.inputDtype(0), in);
    }

    private static void rollShape(ShapeContext c) {
        ShapeArgs.typeFrom(c, "Tshift", 1);
        ShapeArgs.typeFrom(c, "Taxis", 2);
        ShapeArgs.indexType(c, "Tshift");
        ShapeArgs.indexType(c, "Taxis");
        Shape in = c.inputShape(0);
        Shape shift = c.inputShape(1);
        Shape axis = c.inputShape(2);
        if (in.hasKnownRank() && in.rank() < 1) {
            throw c.fail("input must be 1-D or higher, got shape " + in);
        }
        if (shift.rank() > 1) {
            throw c.fail("shift must be a scalar or a 1-D vector. Found: " + shift);
        }
        if (axis.rank() > 1) {
            throw c.fail("axis must be a scalar or a 1-D vector. Found: " + axis);
        }
        if (shift.hasKnownRank() && axis.hasKnownRank() && shift.numElements() >= 0 && axis.numElements() >= 0
                && shift.numElements() != axis.numElements()) {
            throw c.fail("shift and axis must have the same size, got shapes " + shift + " and " + axis);
        }
        Tensor a = c.constantValue(2);
        if (a != null && in.hasKnownRank()) {
            for (long v : ShapeArgs.longs(a)) {
                if (v < -in.rank() || v >= in.rank()) {
                    throw c.fail("axis " + v + " is out of range for an input of rank " + in.rank());
                }
            }
        }
        c.setOutput(0, c.inputDtype(0), in);
    }
}
