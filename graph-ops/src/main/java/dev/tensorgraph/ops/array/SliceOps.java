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
import dev.tensorgraph.op.StridedSliceSpec;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.support.ShapeArgs;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code Slice}, {@code StridedSlice} and {@code StridedSliceGrad} (TensorFlow's {@code array_ops.cc}), with
 * {@code tf.slice} and {@code tf.strided_slice}; the slice gradient pads dy back to the input's shape.
 */
public final class SliceOps implements OpLibrary {
    private static final String[] MASKS = {"begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask"};

    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("Slice").input("input").input("begin").input("size")
                .attr("T", AttrType.TYPE).attr("Index", AttrType.TYPE)
                .shape(SliceOps::sliceShape)
                .gradient((op, dy) -> Arrays.asList(sliceGrad(op, dy.get(0)), null, null)).build());
        r.register(masks(OpDef.builder("StridedSlice").input("input").input("begin").input("end").input("strides")
                .attr("T", AttrType.TYPE).attr("Index", AttrType.TYPE))
                .shape(c -> {
                    ShapeArgs.typeFrom(c, "Index", 1);
                    c.setOutput(0, c.inputDtype(0), stridedShape(c, c.inputShape(0)));
                })
                .gradient((op, dy) -> {
                    Graph g = op.graph();
                    Output grad = stridedSliceGrad(g, ShapeOps.shape(g, op.input(0), op.input(1).dtype(), null),
                            op.input(1), op.input(2), op.input(3), dy.get(0), masksOf(op), null);
                    return Arrays.asList(grad, null, null, null);
                }).build());
        r.register(masks(OpDef.builder("StridedSliceGrad").input("shape").input("begin").input("end").input("strides")
                .input("dy").attr("T", AttrType.TYPE).attr("Index", AttrType.TYPE))
                .shape(c -> {
                    ShapeArgs.typeFrom(c, "T", 4);
                    ShapeArgs.typeFrom(c, "Index", 0);
                    Shape s = ShapeArgs.shapeFromInput(c, 0);
                    c.setOutput(0, c.inputDtype(4), s);
                })
                .gradient((op, dy) -> {
                    Output grad = stridedSlice(op.graph(), dy.get(0), op.input(1), op.input(2), op.input(3),
                            masksOf(op), null);
                    List<Output> g = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        g.add(null);
                    }
                    g.add(grad);
                    return g;
                }).build());
    }

    private static OpDef.Builder masks(OpDef.Builder b) {
        for (String m : MASKS) {
            b.attr(m, AttrType.INT, 0L);
        }
        return b;
    }

    /** The mask attributes of a StridedSlice or StridedSliceGrad op. */
    private static StridedSliceOptions masksOf(Operation op) {
        return StridedSliceOptions.create().beginMask(op.attrLong("begin_mask")).endMask(op.attrLong("end_mask"))
                .ellipsisMask(op.attrLong("ellipsis_mask")).newAxisMask(op.attrLong("new_axis_mask"))
                .shrinkAxisMask(op.attrLong("shrink_axis_mask"));
    }

    private static dev.tensorgraph.OpBuilder withMasks(dev.tensorgraph.OpBuilder b, StridedSliceOptions options) {
        StridedSliceOptions o = options == null ? StridedSliceOptions.create() : options;
        return b.setAttr("begin_mask", o.beginMask()).setAttr("end_mask", o.endMask())
                .setAttr("ellipsis_mask", o.ellipsisMask()).setAttr("new_axis_mask", o.newAxisMask())
                .setAttr("shrink_axis_mask", o.shrinkAxisMask());
    }

    // ---- constructors ----

    /** {@code Slice(x, begin, size)}; a size of -1 takes the rest of a dimension. */
    public static Output slice(Graph g, Output x, Output begin, Output size, String name) {
        return g.opBuilder("Slice", name).addInput(x).addInput(begin).addInput(size).setAttr("Index", begin.dtype())
                .build().output(0);
    }

    /** {@code tf.slice(x, begin, size)} with begin and size constants {@code Slice/begin}, {@code Slice/size}. */
    public static Output slice(Graph g, Output x, int[] begin, int[] size, String name) {
        try (var s = g.nameScope(name == null ? "Slice" : name)) {
            return slice(g, x, ConstantOps.intVector(g, begin, "begin"), ConstantOps.intVector(g, size, "size"), s.name());
        }
    }

    /** {@code StridedSlice(x, begin, end, strides)} with the masks of {@code options} (null: none). */
    public static Output stridedSlice(Graph g, Output x, Output begin, Output end, Output strides,
                                      StridedSliceOptions options, String name) {
        return withMasks(g.opBuilder("StridedSlice", name).addInput(x).addInput(begin).addInput(end).addInput(strides)
                .setAttr("Index", begin.dtype()), options).build().output(0);
    }

    /** {@code tf.strided_slice(x, begin, end, strides)} with constants {@code StridedSlice/begin}, ... */
    public static Output stridedSlice(Graph g, Output x, int[] begin, int[] end, int[] strides,
                                      StridedSliceOptions options, String name) {
        try (var s = g.nameScope(name == null ? "StridedSlice" : name)) {
            return stridedSlice(g, x, ConstantOps.intVector(g, begin, "begin"), ConstantOps.intVector(g, end, "end"),
                    ConstantOps.intVector(g, strides, "strides"), options, s.name());
        }
    }

    /** {@code StridedSliceGrad(shape, begin, end, strides, dy)}: dy scattered into zeros of {@code shape}. */
    public static Output stridedSliceGrad(Graph g, Output shape, Output begin, Output end, Output strides, Output dy,
                                          StridedSliceOptions options, String name) {
        return withMasks(g.opBuilder("StridedSliceGrad", name).addInput(shape).addInput(begin).addInput(end)
                .addInput(strides).addInput(dy).setAttr("T", dy.dtype()).setAttr("Index", begin.dtype()), options)
                .build().output(0);
    }

    // ---- shape functions ----

    private static void sliceShape(ShapeContext c) {
        ShapeArgs.typeFrom(c, "Index", 1);
        Shape in = c.inputShape(0);
        Tensor b = c.constantValue(1);
        Tensor s = c.constantValue(2);
        int rank = in.hasKnownRank() ? in.rank()
                : c.inputShape(1).hasKnownRank() && c.inputShape(1).rank() == 1 ? (int) c.inputShape(1).size(0) : -1;
        if (rank < 0) {
            c.setOutput(0, c.inputDtype(0), Shape.unknown());
            return;
        }
        long[] begin = b == null ? null : ShapeArgs.longs(b);
        long[] size = s == null ? null : ShapeArgs.longs(s);
        if ((begin != null && begin.length != rank) || (size != null && size.length != rank)) {
            throw c.fail("Expected begin and size arguments to be 1-D tensors of size " + rank + " for input shape " + in);
        }
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long d = in.hasKnownRank() ? in.size(i) : -1;
            long bi = begin == null ? -1 : begin[i];
            long si = size == null ? -1 : size[i];
            if (size != null && si == -1) {
                out[i] = d >= 0 && bi >= 0 ? d - bi : -1;
            } else {
                out[i] = si;
            }
            if (d >= 0 && bi >= 0 && out[i] >= 0 && (bi + out[i] > d)) {
                throw c.fail("Expected size[" + i + "] in [0, " + (d - bi) + "], but got " + out[i]
                        + "; input shape " + in + ", begin " + java.util.Arrays.toString(begin) + ", size "
                        + java.util.Arrays.toString(size));
            }
        }
        c.setOutput(0, c.inputDtype(0), Shape.of(out));
    }

    /** The output shape of a StridedSlice of a tensor of shape {@code in}, or an unknown shape. */
    private static Shape stridedShape(ShapeContext c, Shape in) {
        Tensor b = c.constantValue(1);
        Tensor e = c.constantValue(2);
        Tensor s = c.constantValue(3);
        if (!in.hasKnownRank() || b == null || e == null || s == null) {
            return Shape.unknown();
        }
        try {
            StridedSliceSpec spec = StridedSliceSpec.of(in.dims(), ShapeArgs.longs(b), ShapeArgs.longs(e), ShapeArgs.longs(s),
                    c.attrLong("begin_mask"), c.attrLong("end_mask"), c.attrLong("ellipsis_mask"),
                    c.attrLong("new_axis_mask"), c.attrLong("shrink_axis_mask"));
            return Shape.of(spec.finalShape());
        } catch (dev.tensorgraph.errors.InvalidArgumentException ex) {
            throw c.fail(ex.getMessage() + " (input shape " + in + ")");
        }
    }

    // ---- gradients ----

    private static Output sliceGrad(Operation op, Output dy) {
        Graph g = op.graph();
        Output x = op.input(0);
        Output begin = op.input(1);
        DType it = begin.dtype();
        Tensor bv = ConstantOps.constantValue(begin);
        Shape xs = x.shape();
        Shape ys = op.output(0).shape();
        Output paddings;
        if (bv != null && xs.isFullyDefined() && ys.isFullyDefined()) {
            long[] b = ShapeArgs.longs(bv);
            long[] p = new long[2 * b.length];
            for (int i = 0; i < b.length; i++) {
                p[2 * i] = b[i];
                p[2 * i + 1] = xs.size(i) - ys.size(i) - b[i];
            }
            Tensor pt = it == DType.INT64 ? Tensor.of(DType.INT64, Shape.of(b.length, 2), p)
                    : Tensor.of(DType.INT32, Shape.of(b.length, 2), ShapeArgs.toInts(p));
            paddings = ConstantOps.constant(g, pt, "Const");
        } else {
            Output rank = ShapeOps.rank(g, x, null);
            Output shape2 = ConcatOps.pack(g, List.of(rank, ConstantOps.scalar(g, DType.INT32, 1, "Const")), 0L, null);
            Output before = ShapeOps.reshape(g, begin, shape2, null);
            Output rest = ArithmeticOps.sub(g, ShapeOps.shape(g, x, it, null), ShapeOps.shape(g, op.output(0), it, null),
                    null);
            rest = ArithmeticOps.sub(g, rest, begin, null);
            Output after = ShapeOps.reshape(g, rest, shape2, null);
            paddings = ConcatOps.concatV2(g, List.of(before, after), ConstantOps.scalar(g, DType.INT32, 1, "Const"), null);
        }
        return PadOps.pad(g, dy, paddings, null);
    }
}
