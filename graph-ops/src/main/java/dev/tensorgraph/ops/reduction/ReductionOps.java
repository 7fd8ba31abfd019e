package dev.tensorgraph.ops.reduction;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.Graph;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.support.ShapeArgs;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reductions over a set of axes, as TensorFlow's {@code math_ops.cc}: Sum, Prod, Mean, Max, Min (numeric),
 * Any, All (bool), each with inputs {@code (input, reduction_indices)} and attrs {@code keep_dims, T, Tidx};
 * and ArgMax/ArgMin {@code (input, dimension)} with {@code output_type} (default int64).
 *
 * <p>Gradients follow TensorFlow's {@code math_grad.py}: Sum reshapes dy to the kept-dims shape and tiles it
 * to the input shape; Mean divides that by the number of reduced elements; Max/Min share dy equally among
 * the tied extrema; Prod is exact also where inputs are zero (see {@link ReductionGrads#prod}). Any, All,
 * ArgMax and ArgMin are not differentiable.
 */
public final class ReductionOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(reduction("Sum", false).gradient((op, dy) -> Arrays.asList(ReductionGrads.sum(op, dy.get(0)), null)).build());
        r.register(reduction("Mean", false).gradient((op, dy) -> Arrays.asList(ReductionGrads.mean(op, dy.get(0)), null)).build());
        r.register(reduction("Prod", false).gradient((op, dy) -> Arrays.asList(ReductionGrads.prod(op, dy.get(0)), null)).build());
        r.register(reduction("Max", false).gradient((op, dy) -> Arrays.asList(ReductionGrads.minOrMax(op, dy.get(0)), null)).build());
        r.register(reduction("Min", false).gradient((op, dy) -> Arrays.asList(ReductionGrads.minOrMax(op, dy.get(0)), null)).build());
        r.register(reduction("Any", true).notDifferentiable().build());
        r.register(reduction("All", true).notDifferentiable().build());
        for (String t : Arrays.asList("ArgMax", "ArgMin")) {
            r.register(OpDef.builder(t).input("input").input("dimension")
                    .attr("T", AttrType.TYPE).attr("Tidx", AttrType.TYPE, DType.INT32)
                    .attr("output_type", AttrType.TYPE, DType.INT64)
                    .shape(ReductionOps::argShape).notDifferentiable().build());
        }
    }

    private static OpDef.Builder reduction(String type, boolean bool) {
        OpDef.Builder b = OpDef.builder(type).input("input").input("reduction_indices")
                .attr("keep_dims", AttrType.BOOL, false);
        if (!bool) {
            b.attr("T", AttrType.TYPE);
        }
        return b.attr("Tidx", AttrType.TYPE, DType.INT32).shape(c -> reductionShape(c, bool));
    }

    /** TensorFlow's ReductionShape: constant axes give a full result, otherwise only the rank when kept. */
    static void reductionShape(ShapeContext c, boolean bool) {
        DType t = c.inputDtype(0);
        if (bool && t != DType.BOOL) {
            throw c.fail("input must be bool, got " + t);
        }
        if (!bool && !t.isNumeric()) {
            throw c.fail("input must be numeric, got " + t);
        }
        checkIndexType(c, 1, "reduction_indices");
        boolean keep = c.attrBool("keep_dims");
        Shape in = c.inputShape(0);
        Shape axesShape = c.inputShape(1);
        if (axesShape.hasKnownRank() && axesShape.rank() > 1) {
            throw c.fail("reduction_indices must be a scalar or vector, got shape " + axesShape);
        }
        Tensor axes = c.constantValue(1);
        if (axes == null || !in.hasKnownRank()) {
            if (keep && in.hasKnownRank()) {
                c.setOutput(0, t, Shape.unknownOfRank(in.rank()));
            } else if (axes != null && axes.numElements() == 0) {
                c.setOutput(0, t, in);
            } else {
                c.setOutput(0, t, Shape.unknown());
            }
            return;
        }
        boolean[] reduced = reducedAxes(c, axes, in.rank());
        c.setOutput(0, t, reducedShape(in, reduced, keep));
    }

    /** Which axes of a rank-{@code rank} input the constant {@code axes} reduce; bad axes fail naming the op. */
    static boolean[] reducedAxes(ShapeContext c, Tensor axes, int rank) {
        boolean[] reduced = new boolean[rank];
        for (long a : axisValues(axes)) {
            if (a < -rank || a >= rank) {
                throw c.fail("Invalid reduction dimension " + a + " for input with " + rank + " dimension(s)");
            }
            reduced[(int) (a < 0 ? a + rank : a)] = true;
        }
        return reduced;
    }

    static long[] axisValues(Tensor axes) {
        return ShapeArgs.longs(axes);
    }

    /** The input shape with reduced axes removed, or set to 1 when kept. */
    static Shape reducedShape(Shape in, boolean[] reduced, boolean keep) {
        List<Long> dims = new ArrayList<>();
        for (int i = 0; i < reduced.length; i++) {
            if (!reduced[i]) {
                dims.add(in.size(i));
            } else if (keep) {
                dims.add(1L);
            }
        }
        long[] d = new long[dims.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = dims.get(i);
        }
        return Shape.of(d);
    }

    private static void checkIndexType(ShapeContext c, int i, String what) {
        DType t = c.inputDtype(i);
        if (t != DType.INT32 && t != DType.INT64) {
            throw c.fail(what + " must be int32 or int64, got " + t);
        }
        if (c.attrType("Tidx") != t) {
            throw c.fail("Tidx is " + c.attrType("Tidx") + " but " + what + " is " + t);
        }
    }

    private static void argShape(ShapeContext c) {
        if (!c.inputDtype(0).isNumeric()) {
            throw c.fail("input must be numeric, got " + c.inputDtype(0));
        }
        checkIndexType(c, 1, "dimension");
        DType out = c.attrType("output_type");
        if (out != DType.INT32 && out != DType.INT64) {
            throw c.fail("output_type must be int32 or int64, got " + out);
        }
        Shape in = c.inputShape(0);
        Shape dimShape = c.inputShape(1);
        if (dimShape.hasKnownRank() && dimShape.rank() != 0) {
            throw c.fail("dimension must be a scalar, got shape " + dimShape);
        }
        Tensor dim = c.constantValue(1);
        if (!in.hasKnownRank()) {
            c.setOutput(0, out, Shape.unknown());
            return;
        }
        if (in.rank() == 0) {
            throw c.fail("input must have rank >= 1, got a scalar");
        }
        if (dim == null) {
            c.setOutput(0, out, Shape.unknownOfRank(in.rank() - 1));
            return;
        }
        int axis = ShapeFns.axis(c, axisValues(dim)[0], in.rank());
        boolean[] reduced = new boolean[in.rank()];
        reduced[axis] = true;
        c.setOutput(0, out, reducedShape(in, reduced, false));
    }

    // ---- constructors ----

    private static Output reduce(Graph g, String type, Output x, Output axes, boolean keepDims, String name) {
        return g.opBuilder(type, name).addInput(x).addInput(axes).setAttr("keep_dims", keepDims)
                .setAttr("Tidx", axes.dtype()).build().output(0);
    }

    /**
     * {@code type(x, axes)} as Python's reductions build it: given axes become a constant
     * {@code <scope>/reduction_indices}; null axes a constant range over x's rank in the current scope (or a
     * Range over its Rank when unknown).
     */
    private static Output reduce(Graph g, String type, Output x, Tensor axes, boolean keepDims, String name) {
        if (axes == null) {
            return reduce(g, type, x, allAxes(g, x), keepDims, name);
        }
        try (var s = g.nameScope(name == null ? type : name)) {
            return reduce(g, type, x, ConstantOps.constant(g, axes, "reduction_indices"), keepDims, s.name());
        }
    }

    private static Tensor axesTensor(int[] axes) {
        return axes == null ? null : Tensor.of(DType.INT32, Shape.of(axes.length), axes);
    }

    /** TensorFlow's {@code _ReductionDims} for axis=None: a constant range when the rank is known. */
    private static Output allAxes(Graph g, Output x) {
        Shape s = x.shape();
        if (s.hasKnownRank()) {
            return ConstantOps.intVector(g, ShapeArgs.range(s.rank()), null);
        }
        Output rank = ShapeOps.rank(g, x, null);
        try (var r = g.nameScope("range")) {
            Output start = ConstantOps.constant(g, Tensor.of(0), "start");
            Output delta = ConstantOps.constant(g, Tensor.of(1), "delta");
            return ConstantOps.range(g, start, rank, delta, r.name());
        }
    }

    /** {@code Sum(x, axes)}: the sum over the axes held by an int32/int64 tensor. */
    public static Output sum(Graph g, Output x, Output axes, boolean keepDims, String name) {
        return reduce(g, "Sum", x, axes, keepDims, name);
    }

    /** {@code tf.reduce_sum(x, axes, keepdims)}: the sum over {@code axes} (null: all axes). */
    public static Output sum(Graph g, Output x, int[] axes, boolean keepDims, String name) {
        return reduce(g, "Sum", x, axesTensor(axes), keepDims, name);
    }

    /** As above over the single axis {@code axis} (a scalar constant). */
    public static Output sum(Graph g, Output x, int axis, boolean keepDims, String name) {
        return reduce(g, "Sum", x, Tensor.of(axis), keepDims, name);
    }

    /** {@code Prod(x, axes)}: the product over the axes held by an int32/int64 tensor. */
    public static Output prod(Graph g, Output x, Output axes, boolean keepDims, String name) {
        return reduce(g, "Prod", x, axes, keepDims, name);
    }

    /** {@code tf.reduce_prod(x, axes, keepdims)}: the product over {@code axes} (null: all axes). */
    public static Output prod(Graph g, Output x, int[] axes, boolean keepDims, String name) {
        return reduce(g, "Prod", x, axesTensor(axes), keepDims, name);
    }

    /** As above over the single axis {@code axis} (a scalar constant). */
    public static Output prod(Graph g, Output x, int axis, boolean keepDims, String name) {
        return reduce(g, "Prod", x, Tensor.of(axis), keepDims, name);
    }

    /** {@code Mean(x, axes)}: the mean (integer division for integers) over the axes held by an int32/int64 tensor. */
    public static Output mean(Graph g, Output x, Output axes, boolean keepDims, String name) {
        return reduce(g, "Mean", x, axes, keepDims, name);
    }

    /** {@code tf.reduce_mean(x, axes, keepdims)}: the mean (integer division for integers) over {@code axes} (null: all axes). */
    public static Output mean(Graph g, Output x, int[] axes, boolean keepDims, String name) {
        return reduce(g, "Mean", x, axesTensor(axes), keepDims, name);
    }

    /** As above over the single axis {@code axis} (a scalar constant). */
    public static Output mean(Graph g, Output x, int axis, boolean keepDims, String name) {
        return reduce(g, "Mean", x, Tensor.of(axis), keepDims, name);
    }

    /** {@code Max(x, axes)}: the maximum over the axes held by an int32/int64 tensor. */
    public static Output max(Graph g, Output x, Output axes, boolean keepDims, String name) {
        return reduce(g, "Max", x, axes, keepDims, name);
    }

    /** {@code tf.reduce_max(x, axes, keepdims)}: the maximum over {@code axes} (null: all axes). */
    public static Output max(Graph g, Output x, int[] axes, boolean keepDims, String name) {
        return reduce(g, "Max", x, axesTensor(axes), keepDims, name);
    }

    /** As above over the single axis {@code axis} (a scalar constant). */
    public static Output max(Graph g, Output x, int axis, boolean keepDims, String name) {
        return reduce(g, "Max", x, Tensor.of(axis), keepDims, name);
    }

    /** {@code Min(x, axes)}: the minimum over the axes held by an int32/int64 tensor. */
    public static Output min(Graph g, Output x, Output axes, boolean keepDims, String name) {
        return reduce(g, "Min", x, axes, keepDims, name);
    }

    /** {@code tf.reduce_min(x, axes, keepdims)}: the minimum over {@code axes} (null: all axes). */
    public static Output min(Graph g, Output x, int[] axes, boolean keepDims, String name) {
        return reduce(g, "Min", x, axesTensor(axes), keepDims, name);
    }

    /** As above over the single axis {@code axis} (a scalar constant). */
    public static Output min(Graph g, Output x, int axis, boolean keepDims, String name) {
        return reduce(g, "Min", x, Tensor.of(axis), keepDims, name);
    }

    /** {@code Any(x, axes)}: logical or over the axes held by an int32/int64 tensor. */
    public static Output any(Graph g, Output x, Output axes, boolean keepDims, String name) {
        return reduce(g, "Any", x, axes, keepDims, name);
    }

    /** {@code tf.reduce_any(x, axes, keepdims)}: logical or over {@code axes} (null: all axes). */
    public static Output any(Graph g, Output x, int[] axes, boolean keepDims, String name) {
        return reduce(g, "Any", x, axesTensor(axes), keepDims, name);
    }

    /** As above over the single axis {@code axis} (a scalar constant). */
    public static Output any(Graph g, Output x, int axis, boolean keepDims, String name) {
        return reduce(g, "Any", x, Tensor.of(axis), keepDims, name);
    }

    /** {@code All(x, axes)}: logical and over the axes held by an int32/int64 tensor. */
    public static Output all(Graph g, Output x, Output axes, boolean keepDims, String name) {
        return reduce(g, "All", x, axes, keepDims, name);
    }

    /** {@code tf.reduce_all(x, axes, keepdims)}: logical and over {@code axes} (null: all axes). */
    public static Output all(Graph g, Output x, int[] axes, boolean keepDims, String name) {
        return reduce(g, "All", x, axesTensor(axes), keepDims, name);
    }

    /** As above over the single axis {@code axis} (a scalar constant). */
    public static Output all(Graph g, Output x, int axis, boolean keepDims, String name) {
        return reduce(g, "All", x, Tensor.of(axis), keepDims, name);
    }

    /** {@code ArgMax(x, dimension)}: the index of the largest element along the axis (first on ties). */
    public static Output argMax(Graph g, Output x, Output dimension, DType outputType, String name) {
        return argOp(g, "ArgMax", x, dimension, outputType, name);
    }

    /** {@code tf.argmax(x, axis)}: the axis a constant {@code ArgMax/dimension}. */
    public static Output argMax(Graph g, Output x, int axis, DType outputType, String name) {
        return argOp(g, "ArgMax", x, axis, outputType, name);
    }

    /** {@code ArgMin(x, dimension)}: the index of the smallest element along the axis (first on ties). */
    public static Output argMin(Graph g, Output x, Output dimension, DType outputType, String name) {
        return argOp(g, "ArgMin", x, dimension, outputType, name);
    }

    /** {@code tf.argmin(x, axis)}: the axis a constant {@code ArgMin/dimension}. */
    public static Output argMin(Graph g, Output x, int axis, DType outputType, String name) {
        return argOp(g, "ArgMin", x, axis, outputType, name);
    }

    private static Output argOp(Graph g, String type, Output x, Output dimension, DType outputType, String name) {
        return g.opBuilder(type, name).addInput(x).addInput(dimension).setAttr("Tidx", dimension.dtype())
                .setAttr("output_type", outputType).build().output(0);
    }

    private static Output argOp(Graph g, String type, Output x, int axis, DType outputType, String name) {
        try (var s = g.nameScope(name == null ? type : name)) {
            return argOp(g, type, x, ConstantOps.constant(g, Tensor.of(axis), "dimension"), outputType, s.name());
        }
    }
}
