package dev.tensorgraph.ops.array;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.ops.support.ShapeArgs;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Joining and splitting: {@code ConcatV2}, {@code Pack}, {@code Unpack}, {@code Split} and {@code SplitV}, with
 * {@code tf.concat}, {@code tf.stack}, {@code tf.unstack} and {@code tf.split}; each one's gradient is the other
 * direction ({@code array_grad.py}).
 */
public final class ConcatOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("ConcatV2").inputList("values").input("axis")
                .attr("N", AttrType.INT).attr("T", AttrType.TYPE).attr("Tidx", AttrType.TYPE, DType.INT32)
                .shape(ConcatOps::concatShape)
                .gradient(ConcatOps::concatGrad).build());
        r.register(OpDef.builder("ConcatOffset").input("concat_dim").inputList("shape")
                .attr("N", AttrType.INT).attr("shape_type", AttrType.TYPE, DType.INT32)
                .shape(c -> {
                    // TensorFlow's concat gradient: where each input starts along the concat axis.
                    for (int i = 1; i < c.numInputs(); i++) {
                        c.setOutput(i - 1, c.inputDtype(i), c.inputShape(i));
                    }
                })
                .notDifferentiable().build());
        r.register(OpDef.builder("Pack").inputList("values")
                .attr("N", AttrType.INT).attr("T", AttrType.TYPE).attr("axis", AttrType.INT, 0L)
                .shape(ConcatOps::packShape)
                .gradient((op, dy) -> unpack(op.graph(), dy.get(0), op.attrLong("N"), op.attrLong("axis"), null))
                .build());
        r.register(OpDef.builder("Unpack").input("value")
                .attr("num", AttrType.INT).attr("T", AttrType.TYPE).attr("axis", AttrType.INT, 0L)
                .shape(ConcatOps::unpackShape)
                .gradient((op, dy) -> Arrays.asList(pack(op.graph(), dy, op.attrLong("axis"), null))).build());
        r.register(OpDef.builder("Split").input("split_dim").input("value")
                .attr("num_split", AttrType.INT).attr("T", AttrType.TYPE)
                .shape(c -> {
                    ShapeArgs.typeFrom(c, "T", 1);
                    splitShape(c, 1, 0, null);
                })
                .gradient((op, dy) -> {
                    List<Output> g = new ArrayList<>();
                    g.add(null);
                    g.add(concatV2(op.graph(), dy, op.input(0), null));
                    return g;
                }).build());
        r.register(OpDef.builder("SplitV").input("value").input("size_splits").input("split_dim")
                .attr("num_split", AttrType.INT).attr("T", AttrType.TYPE).attr("Tlen", AttrType.TYPE, DType.INT64)
                .shape(c -> {
                    ShapeArgs.typeFrom(c, "Tlen", 1);
                    splitShape(c, 0, 2, c.constantValue(1));
                })
                .gradient((op, dy) -> {
                    List<Output> g = new ArrayList<>();
                    g.add(concatV2(op.graph(), dy, op.input(2), null));
                    g.add(null);
                    g.add(null);
                    return g;
                }).build());
    }

    // ---- constructors ----

    /** {@code ConcatV2(values, axis)}. */
    public static Output concatV2(Graph g, List<Output> values, Output axis, String name) {
        return g.opBuilder("ConcatV2", name).addInputList(values).addInput(axis).setAttr("Tidx", axis.dtype())
                .build().output(0);
    }

    /**
     * {@code tf.concat(values, axis)}: a ConcatV2 in the scope {@code concat} with the axis a constant
     * {@code concat/axis}; a single value becomes an Identity.
     */
    public static Output concat(Graph g, List<Output> values, int axis, String name) {
        requireNonEmpty(values, "concat");
        try (var s = g.nameScope(name == null ? "concat" : name)) {
            if (values.size() == 1) {
                return dev.tensorgraph.ops.control.ControlOps.identity(g, values.get(0), s.name());
            }
            return concatV2(g, values, ConstantOps.scalar(g, DType.INT32, axis, "axis"), s.name());
        }
    }

    /** {@code Pack(values)} along {@code axis}; a null name means "Pack" ({@code tf.stack} names it stack). */
    public static Output pack(Graph g, List<Output> values, long axis, String name) {
        return g.opBuilder("Pack", name).addInputList(values).setAttr("axis", axis).build().output(0);
    }

    /** {@code tf.stack(values, axis)}: a Pack named {@code stack}. */
    public static Output stack(Graph g, List<Output> values, int axis, String name) {
        requireNonEmpty(values, "stack");
        return pack(g, values, axis, name == null ? "stack" : name);
    }

    /** {@code Unpack(value)} into {@code num} tensors along {@code axis}. */
    public static List<Output> unpack(Graph g, Output value, long num, long axis, String name) {
        return g.opBuilder("Unpack", name).addInput(value).setAttr("num", num).setAttr("axis", axis).build().outputs();
    }

    /** {@code tf.unstack(x, axis)}: an Unpack named {@code unstack}; the size of {@code axis} must be known. */
    public static List<Output> unstack(Graph g, Output x, int axis, String name) {
        Shape s = x.shape();
        if (!s.hasKnownRank() || s.size(axis < 0 ? axis + s.rank() : axis) < 0) {
            throw new InvalidArgumentException("Cannot infer num from shape " + s + " for unstack along axis " + axis);
        }
        long num = s.size(axis < 0 ? axis + s.rank() : axis);
        return unpack(g, x, num, axis, name == null ? "unstack" : name);
    }

    /** {@code Split(split_dim, value)} into {@code numSplit} equal parts. */
    public static List<Output> split(Graph g, Output splitDim, Output value, long numSplit, String name) {
        return g.opBuilder("Split", name).addInput(splitDim).addInput(value).setAttr("num_split", numSplit)
                .setAttr("T", value.dtype()).build().outputs();
    }

    /** {@code tf.split(x, numSplit, axis)}: equal parts, the axis a constant {@code split/split_dim}. */
    public static List<Output> split(Graph g, Output x, int numSplit, int axis, String name) {
        try (var s = g.nameScope(name == null ? "split" : name)) {
            return split(g, ConstantOps.scalar(g, DType.INT32, axis, "split_dim"), x, numSplit, s.name());
        }
    }

    /** {@code SplitV(value, size_splits, split_dim)}. */
    public static List<Output> splitV(Graph g, Output value, Output sizeSplits, Output splitDim, long numSplit,
                                      String name) {
        return g.opBuilder("SplitV", name).addInput(value).addInput(sizeSplits).addInput(splitDim)
                .setAttr("num_split", numSplit).setAttr("Tlen", sizeSplits.dtype()).build().outputs();
    }

    /** {@code tf.split(x, sizeSplits, axis)}: parts of the given sizes (one may be -1). */
    public static List<Output> split(Graph g, Output x, int[] sizeSplits, int axis, String name) {
        Output sizes = ConstantOps.intVector(g, sizeSplits, "Const");
        try (var s = g.nameScope(name == null ? "split" : name)) {
            return splitV(g, x, sizes, ConstantOps.scalar(g, DType.INT32, axis, "split_dim"), sizeSplits.length, s.name());
        }
    }

    private static void requireNonEmpty(List<Output> values, String what) {
        if (values == null || values.isEmpty()) {
            throw new InvalidArgumentException("tf." + what + " needs at least one value");
        }
    }

    // ---- shape functions ----

    private static void concatShape(ShapeContext c) {
        int n = c.numInputs() - 1;
        ShapeArgs.typeFrom(c, "Tidx", n);
        DType t = c.inputDtype(0);
        int rank = -1;
        for (int i = 0; i < n; i++) {
            if (c.inputDtype(i) != t) {
                throw c.fail("all values must have one dtype, got " + t + " and " + c.inputDtype(i));
            }
            if (c.inputShape(i).hasKnownRank()) {
                if (rank >= 0 && rank != c.inputShape(i).rank()) {
                    throw c.fail("Shape must be rank " + rank + " but is rank " + c.inputShape(i).rank()
                            + "; input shapes " + c.inputShape(0) + ", " + c.inputShape(i));
                }
                rank = c.inputShape(i).rank();
            }
        }
        Tensor a = c.constantValue(n);
        if (rank < 0 || a == null) {
            c.setOutput(0, t, rank < 0 ? Shape.unknown() : Shape.unknownOfRank(rank));
            return;
        }
        int axis = ShapeFns.axis(c, ShapeArgs.longs(a)[0], rank);
        long[] out = null;
        for (int i = 0; i < n; i++) {
            Shape s = c.inputShape(i);
            long[] d = s.hasKnownRank() ? s.dims() : Shape.unknownOfRank(rank).dims();
            if (out == null) {
                out = d;
                continue;
            }
            for (int k = 0; k < rank; k++) {
                if (k == axis) {
                    out[k] = out[k] < 0 || d[k] < 0 ? -1 : out[k] + d[k];
                } else if (out[k] < 0) {
                    out[k] = d[k];
                } else if (d[k] >= 0 && d[k] != out[k]) {
                    throw c.fail("Dimension " + k + " in both shapes must be equal, but are " + out[k] + " and " + d[k]
                            + ". Shapes are " + c.inputShape(0) + " and " + s + ".");
                }
            }
        }
        c.setOutput(0, t, Shape.of(out));
    }

    private static void packShape(ShapeContext c) {
        int n = c.numInputs();
        Shape merged = Shape.unknown();
        for (int i = 0; i < n; i++) {
            if (c.inputDtype(i) != c.inputDtype(0)) {
                throw c.fail("all values must have one dtype, got " + c.inputDtype(0) + " and " + c.inputDtype(i));
            }
            Shape m = merged.mergeWith(c.inputShape(i));
            if (m == null) {
                throw c.fail("Shapes of all inputs must match: values[0].shape = " + c.inputShape(0) + " != values["
                        + i + "].shape = " + c.inputShape(i));
            }
            merged = m;
        }
        if (!merged.hasKnownRank()) {
            c.setOutput(0, c.inputDtype(0), Shape.unknown());
            return;
        }
        int axis = ShapeFns.axis(c, c.attrLong("axis"), merged.rank() + 1);
        Shape out = merged.subShape(0, axis).concatenate(Shape.of(n)).concatenate(merged.subShape(axis, merged.rank()));
        c.setOutput(0, c.inputDtype(0), out);
    }

    private static void unpackShape(ShapeContext c) {
        Shape in = c.inputShape(0);
        int num = (int) c.attrLong("num");
        Shape each = Shape.unknown();
        if (in.hasKnownRank()) {
            int axis = ShapeFns.axis(c, c.attrLong("axis"), in.rank());
            if (in.size(axis) >= 0 && in.size(axis) != num) {
                throw c.fail("Dimension must be " + num + " but is " + in.size(axis) + " for input shape " + in);
            }
            each = in.subShape(0, axis).concatenate(in.subShape(axis + 1, in.rank()));
        }
        for (int i = 0; i < num; i++) {
            c.setOutput(i, c.inputDtype(0), each);
        }
    }

    /** Split and SplitV: equal parts when {@code sizes} is null, else the given sizes (one may be -1). */
    private static void splitShape(ShapeContext c, int valueIdx, int dimIdx, Tensor sizes) {
        Shape in = c.inputShape(valueIdx);
        int num = (int) c.attrLong("num_split");
        DType t = c.inputDtype(valueIdx);
        Tensor d = c.constantValue(dimIdx);
        if (!in.hasKnownRank() || d == null) {
            for (int i = 0; i < num; i++) {
                c.setOutput(i, t, in.hasKnownRank() ? Shape.unknownOfRank(in.rank()) : Shape.unknown());
            }
            return;
        }
        int axis = ShapeFns.axis(c, ShapeArgs.longs(d)[0], in.rank());
        long total = in.size(axis);
        long[] parts = new long[num];
        if (sizes == null) {
            if (total >= 0 && total % num != 0) {
                throw c.fail("Dimension size must be evenly divisible by " + num + " but is " + total
                        + " for input shape " + in);
            }
            java.util.Arrays.fill(parts, total < 0 ? -1 : total / num);
        } else {
            long[] s = ShapeArgs.longs(sizes);
            if (s.length != num) {
                throw c.fail("size_splits has " + s.length + " entries but num_split is " + num);
            }
            long known = 0;
            int unknown = -1;
            for (int i = 0; i < num; i++) {
                if (s[i] == -1) {
                    if (unknown >= 0) {
                        throw c.fail("only one size_splits entry may be -1: " + java.util.Arrays.toString(s));
                    }
                    unknown = i;
                } else {
                    known += s[i];
                }
                parts[i] = s[i];
            }
            if (total >= 0) {
                if (unknown >= 0) {
                    parts[unknown] = total - known;
                }
                if ((unknown >= 0 && known > total) || (unknown < 0 && known != total)) {
                    throw c.fail("size_splits " + java.util.Arrays.toString(s) + " do not add up to dimension " + axis
                            + " of input shape " + in);
                }
            }
        }
        for (int i = 0; i < num; i++) {
            c.setOutput(i, t, in.withDim(axis, parts[i]));
        }
    }

    // ---- gradients ----

    /** ConcatV2 gradient: dy split along the axis into pieces the sizes of the inputs. */
    private static List<Output> concatGrad(Operation op, List<Output> dy) {
        Graph g = op.graph();
        int n = op.numInputs() - 1;
        Output axis = op.input(n);
        List<Output> values = op.inputs().subList(0, n);
        Tensor a = ConstantOps.constantValue(axis);
        int rank = values.get(0).shape().rank();
        boolean known = a != null && rank >= 0;
        int ax = known ? (int) Math.floorMod(ShapeArgs.longs(a)[0], (long) rank) : 0;
        Output sizes;
        int[] staticSizes = new int[n];
        for (int i = 0; i < n && known; i++) {
            long d = values.get(i).shape().hasKnownRank() ? values.get(i).shape().size(ax) : -1;
            known = d >= 0;
            staticSizes[i] = (int) d;
        }
        if (known) {
            sizes = ConstantOps.intVector(g, staticSizes, "Const");
        } else {
            List<Output> pieces = new ArrayList<>();
            for (Output v : values) {
                Output s = ShapeOps.shape(g, v, DType.INT32, null);
                Output begin = ShapeOps.reshape(g, axis, ConstantOps.intVector(g, new int[] {1}, "Const"), null);
                pieces.add(SliceOps.slice(g, s, begin, ConstantOps.intVector(g, new int[] {1}, "Const"), null));
            }
            sizes = concatV2(g, pieces, ConstantOps.scalar(g, DType.INT32, 0, "Const"), null);
        }
        List<Output> r = new ArrayList<>(splitV(g, dy.get(0), sizes, axis, n, null));
        r.add(null);
        return r;
    }
}
