package dev.tensorgraph.ops.array;

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
import dev.tensorgraph.ops.support.ShapeArgs;

/**
 * The ops on the set of values of a tensor: {@code Unique(x)} and {@code UniqueWithCounts(x)} on vectors,
 * {@code UniqueV2(x, axis)} and {@code UniqueWithCountsV2(x, axis)} on the slices along an axis (distinct values or
 * slices in order of first occurrence, each element's position among them, and how often each occurs), and
 * {@code ListDiff(x, y)} ({@code tf.setdiff1d}: the values of x not in y, with their positions). Two values are
 * the same when they compare equal, so every NaN is distinct and -0.0 is 0.0. None is differentiable.
 */
public final class UniqueOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("Unique").input("x")
                .attr("T", AttrType.TYPE).attr("out_idx", AttrType.TYPE, DType.INT32)
                .shape(c -> uniqueShape(c, false))
                .notDifferentiable().build());
        r.register(OpDef.builder("UniqueWithCounts").input("x")
                .attr("T", AttrType.TYPE).attr("out_idx", AttrType.TYPE, DType.INT32)
                .shape(c -> uniqueShape(c, true))
                .notDifferentiable().build());
        r.register(OpDef.builder("UniqueV2").input("x").input("axis")
                .attr("T", AttrType.TYPE).attr("Taxis", AttrType.TYPE, DType.INT64)
                .attr("out_idx", AttrType.TYPE, DType.INT32)
                .shape(c -> uniqueAlongAxisShape(c, false))
                .notDifferentiable().build());
        r.register(OpDef.builder("UniqueWithCountsV2").input("x").input("axis")
                .attr("T", AttrType.TYPE).attr("Taxis", AttrType.TYPE, DType.INT64)
                .attr("out_idx", AttrType.TYPE, DType.INT32)
                .shape(c -> uniqueAlongAxisShape(c, true))
                .notDifferentiable().build());
        r.register(OpDef.builder("ListDiff").input("x").input("y")
                .attr("T", AttrType.TYPE).attr("out_idx", AttrType.TYPE, DType.INT32)
                .shape(c -> {
                    DType idx = ShapeArgs.indexType(c, "out_idx");
                    for (int i = 0; i < 2; i++) {
                        if (c.inputShape(i).rank() > 1 || c.inputShape(i).rank() == 0) {
                            throw c.fail((i == 0 ? "x" : "y") + " should be a 1D vector, got shape " + c.inputShape(i));
                        }
                    }
                    if (c.inputDtype(1) != c.inputDtype(0)) {
                        throw c.fail("x and y must have one dtype, got " + c.inputDtype(0) + " and " + c.inputDtype(1));
                    }
                    c.setOutput(0, c.inputDtype(0), Shape.of(-1));
                    c.setOutput(1, idx, Shape.of(-1));
                })
                .notDifferentiable().build());
    }

    // ---- constructors ----

    /** {@code Unique(x)} with int32 or int64 indices. */
    public static Unique unique(Graph g, Output x, DType outIdx, String name) {
        Operation u = g.opBuilder("Unique", name).addInput(x).setAttr("out_idx", outIdx).build();
        return new Unique(u.output(0), u.output(1));
    }

    /** {@code UniqueWithCounts(x)}: {@code tf.unique_with_counts}. */
    public static UniqueWithCounts uniqueWithCounts(Graph g, Output x, DType outIdx, String name) {
        Operation u = g.opBuilder("UniqueWithCounts", name).addInput(x).setAttr("out_idx", outIdx).build();
        return new UniqueWithCounts(u.output(0), u.output(1), u.output(2));
    }

    /** {@code UniqueV2(x, axis)}: the distinct slices along the one axis given (none: x must be a vector). */
    public static Unique uniqueV2(Graph g, Output x, Output axis, DType outIdx, String name) {
        Operation u = g.opBuilder("UniqueV2", name).addInput(x).addInput(axis).setAttr("Taxis", axis.dtype())
                .setAttr("out_idx", outIdx).build();
        return new Unique(u.output(0), u.output(1));
    }

    /** {@code UniqueWithCountsV2(x, axis)}: UniqueV2 with the counts. */
    public static UniqueWithCounts uniqueWithCountsV2(Graph g, Output x, Output axis, DType outIdx, String name) {
        Operation u = g.opBuilder("UniqueWithCountsV2", name).addInput(x).addInput(axis).setAttr("Taxis", axis.dtype())
                .setAttr("out_idx", outIdx).build();
        return new UniqueWithCounts(u.output(0), u.output(1), u.output(2));
    }

    /** {@code ListDiff(x, y)}: {@code tf.setdiff1d}. */
    public static ListDiff listDiff(Graph g, Output x, Output y, DType outIdx, String name) {
        Operation d = g.opBuilder("ListDiff", name).addInput(x).addInput(y).setAttr("out_idx", outIdx).build();
        return new ListDiff(d.output(0), d.output(1));
    }

    // ---- shape functions ----

    private static void uniqueShape(ShapeContext c, boolean counts) {
        Shape x = c.inputShape(0);
        if (x.rank() > 1 || x.rank() == 0) {
            throw c.fail("x must be a vector, got shape " + x);
        }
        DType idx = ShapeArgs.indexType(c, "out_idx");
        c.setOutput(0, c.inputDtype(0), Shape.of(-1));
        c.setOutput(1, idx, x.hasKnownRank() ? x : Shape.of(-1));
        if (counts) {
            c.setOutput(2, idx, Shape.of(-1));
        }
    }

    private static void uniqueAlongAxisShape(ShapeContext c, boolean counts) {
        ShapeArgs.typeFrom(c, "Taxis", 1);
        ShapeArgs.indexType(c, "Taxis");
        DType idx = ShapeArgs.indexType(c, "out_idx");
        Shape x = c.inputShape(0);
        Tensor axisValue = c.constantValue(1);
        Shape y = x.hasKnownRank() ? Shape.unknownOfRank(x.rank()) : Shape.unknown();
        Shape idxShape = Shape.of(-1);
        if (axisValue != null && x.hasKnownRank()) {
            long[] a = ShapeArgs.longs(axisValue);
            if (a.length > 1) {
                throw c.fail("axis does not support input tensors larger than 1 elements, got " + a.length);
            }
            if (a.length == 0 && x.rank() != 1) {
                throw c.fail("unique expects a 1D vector when no axis is given, got shape " + x);
            }
            int axis = a.length == 0 ? 0 : (int) a[0];
            if (axis < -x.rank() || axis >= x.rank()) {
                throw c.fail("axis = " + axis + " is not in [" + -x.rank() + ", " + x.rank() + ")");
            }
            axis = axis < 0 ? axis + x.rank() : axis;
            y = x.withDim(axis, -1);
            idxShape = Shape.of(x.size(axis));
        }
        c.setOutput(0, c.inputDtype(0), y);
        c.setOutput(1, idx, idxShape);
        if (counts) {
            c.setOutput(2, idx, Shape.of(-1));
        }
    }
}
