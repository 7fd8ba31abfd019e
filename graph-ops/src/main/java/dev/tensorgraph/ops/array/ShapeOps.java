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
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.BroadcastGradientArgs;
import dev.tensorgraph.ops.reduction.ReductionOps;
import dev.tensorgraph.ops.support.ShapeArgs;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.Arrays;
import java.util.List;

/**
 * The shape family: {@code Shape}, {@code Rank}, {@code Size}, {@code Reshape}, {@code ExpandDims},
 * {@code Squeeze}, {@code BroadcastTo} and {@code ShapeN}. Type names, inputs and attributes are TensorFlow's
 * ({@code tensorflow/core/ops/array_ops.cc}); gradients follow {@code array_grad.py}.
 */
public final class ShapeOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("Shape").input("input").attr("T", AttrType.TYPE)
                .attr("out_type", AttrType.TYPE, DType.INT32)
                .shape(c -> c.setOutput(0, ShapeArgs.indexType(c, "out_type"),
                        c.inputShape(0).hasKnownRank() ? Shape.of(c.inputShape(0).rank()) : Shape.of(-1)))
                .constantValue(ShapeOps::knownShape)
                .notDifferentiable().build());
        // ShapeN: the shapes of N tensors at once (TensorFlow's Conv2D gradient asks for input and filter shape so).
        r.register(OpDef.builder("ShapeN").inputList("input").attr("N", AttrType.INT).attr("T", AttrType.TYPE)
                .attr("out_type", AttrType.TYPE, DType.INT32)
                .shape(c -> {
                    DType t = ShapeArgs.indexType(c, "out_type");
                    for (int i = 0; i < c.numInputs(); i++) {
                        if (c.inputDtype(i) != c.inputDtype(0)) {
                            throw c.fail("inputs must all have one dtype, got " + c.inputDtype(0) + " and "
                                    + c.inputDtype(i) + " (input " + i + ")");
                        }
                        Shape in = c.inputShape(i);
                        c.setOutput(i, t, in.hasKnownRank() ? Shape.of(in.rank()) : Shape.of(-1));
                    }
                })
                .notDifferentiable().build());
        r.register(OpDef.builder("Rank").input("input").attr("T", AttrType.TYPE)
                .shape(c -> c.setOutput(0, DType.INT32, Shape.scalar()))
                .constantValue(o -> {
                    Shape s = o.op().input(0).shape();
                    return s.hasKnownRank() ? Tensor.of(s.rank()) : null;
                })
                .notDifferentiable().build());
        r.register(OpDef.builder("Size").input("input").attr("T", AttrType.TYPE)
                .attr("out_type", AttrType.TYPE, DType.INT32)
                .shape(c -> c.setOutput(0, ShapeArgs.indexType(c, "out_type"), Shape.scalar()))
                .constantValue(ShapeOps::knownSize)
                .notDifferentiable().build());
        r.register(OpDef.builder("Reshape").input("tensor").input("shape")
                .attr("T", AttrType.TYPE).attr("Tshape", AttrType.TYPE, DType.INT32)
                .shape(ShapeOps::reshapeShape)
                .gradient((op, dy) -> Arrays.asList(reshapeTo(op.graph(), dy.get(0), op.input(0)), null)).build());
        r.register(OpDef.builder("ExpandDims").input("input").input("dim")
                .attr("T", AttrType.TYPE).attr("Tdim", AttrType.TYPE, DType.INT32)
                .shape(c -> {
                    ShapeArgs.typeFrom(c, "Tdim", 1);
                    Shape in = c.inputShape(0);
                    Tensor d = c.constantValue(1);
                    if (d != null && d.numElements() != 1) {
                        throw c.fail("dim must be a single value, got shape " + d.shape());
                    }
                    if (d == null || !in.hasKnownRank()) {
                        c.setOutput(0, c.inputDtype(0), in.hasKnownRank() ? Shape.unknownOfRank(in.rank() + 1) : Shape.unknown());
                        return;
                    }
                    int axis = ShapeFns.axis(c, ShapeArgs.longs(d)[0], in.rank() + 1);
                    long[] dims = in.dims();
                    long[] out = new long[dims.length + 1];
                    System.arraycopy(dims, 0, out, 0, axis);
                    out[axis] = 1;
                    System.arraycopy(dims, axis, out, axis + 1, dims.length - axis);
                    c.setOutput(0, c.inputDtype(0), Shape.of(out));
                })
                .gradient((op, dy) -> Arrays.asList(reshapeTo(op.graph(), dy.get(0), op.input(0)), null)).build());
        r.register(OpDef.builder("Squeeze").input("input").attr("T", AttrType.TYPE)
                .attr("squeeze_dims", AttrType.LIST_INT, new long[0])
                .shape(ShapeOps::squeezeShape)
                .gradient((op, dy) -> List.of(reshapeTo(op.graph(), dy.get(0), op.input(0)))).build());
        r.register(OpDef.builder("BroadcastTo").input("input").input("shape")
                .attr("T", AttrType.TYPE).attr("Tidx", AttrType.TYPE, DType.INT32)
                .shape(c -> {
                    ShapeArgs.typeFrom(c, "Tidx", 1);
                    Shape target = ShapeArgs.shapeFromInput(c, 1);
                    Shape b = ShapeFns.broadcast(c, c.inputShape(0), target);
                    if (target.hasKnownRank() && b.hasKnownRank() && b.rank() != target.rank()) {
                        throw c.fail("cannot broadcast a tensor of shape " + c.inputShape(0) + " to shape " + target);
                    }
                    Shape merged = target.mergeWith(b);
                    c.setOutput(0, c.inputDtype(0), merged == null ? target : merged);
                })
                .gradient((op, dy) -> Arrays.asList(broadcastToGrad(op, dy.get(0)), null)).build());
    }

    // ---- shape functions ----

    private static void reshapeShape(ShapeContext c) {
        ShapeArgs.typeFrom(c, "Tshape", 1);
        Shape in = c.inputShape(0);
        Shape spec = c.inputShape(1);
        if (spec.rank() > 1) {
            throw c.fail("shape must be a vector, got shape " + spec);
        }
        Tensor v = c.constantValue(1);
        if (v == null) {
            c.setOutput(0, c.inputDtype(0), spec.hasKnownRank() && spec.size(0) >= 0
                    ? Shape.unknownOfRank((int) spec.size(0)) : Shape.unknown());
            return;
        }
        long[] dims = ShapeArgs.longs(v);
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1) {
                if (unknown >= 0) {
                    throw c.fail("can only infer one dimension of shape " + Arrays.toString(dims));
                }
                unknown = i;
            } else if (dims[i] < 0) {
                throw c.fail("size " + i + " of shape " + Arrays.toString(dims) + " must be non-negative");
            } else {
                known *= dims[i];
            }
        }
        long n = in.numElements();
        if (n >= 0) {
            if (unknown >= 0) {
                if (known == 0 ? n != 0 : n % known != 0) {
                    throw c.fail("Cannot reshape a tensor with " + n + " elements to shape " + Arrays.toString(dims)
                            + "; input shapes: " + in + ", " + spec);
                }
                dims[unknown] = known == 0 ? 0 : n / known;
            } else if (known != n) {
                throw c.fail("Cannot reshape a tensor with " + n + " elements to shape " + Shape.of(dims) + " ("
                        + known + " elements); input shapes: " + in + ", " + spec);
            }
        } else if (unknown >= 0 && in.hasKnownRank() && known > 0) {
            // Known input dims may still divide out: [?,3,4] to [-1,4] keeps -1 as unknown.
            dims[unknown] = -1;
        }
        c.setOutput(0, c.inputDtype(0), Shape.of(dims));
    }

    private static void squeezeShape(ShapeContext c) {
        Shape in = c.inputShape(0);
        long[] axes = c.attrLongs("squeeze_dims");
        if (!in.hasKnownRank()) {
            c.setOutput(0, c.inputDtype(0), Shape.unknown());
            return;
        }
        int rank = in.rank();
        boolean[] drop = new boolean[rank];
        for (long a : axes) {
            int k = ShapeFns.axis(c, a, rank);
            if (in.size(k) != 1 && in.size(k) != -1) {
                throw c.fail("Can not squeeze dim[" + k + "], expected a dimension of 1, got " + in.size(k)
                        + " for input shape " + in);
            }
            drop[k] = true;
        }
        long[] out = new long[rank];
        int n = 0;
        for (int i = 0; i < rank; i++) {
            long d = in.size(i);
            if (axes.length > 0 ? drop[i] : d == 1) {
                continue;
            }
            if (axes.length == 0 && d == -1) {
                c.setOutput(0, c.inputDtype(0), Shape.unknown());
                return;
            }
            out[n++] = d;
        }
        c.setOutput(0, c.inputDtype(0), Shape.of(Arrays.copyOf(out, n)));
    }

    /** The value of a {@code Shape} op whose input's shape is fully known while building. */
    private static Tensor knownShape(Output shape) {
        Shape s = shape.op().input(0).shape();
        if (!s.isFullyDefined()) {
            return null;
        }
        long[] d = s.dims();
        if (shape.dtype() == DType.INT64) {
            return Tensor.of(DType.INT64, Shape.of(d.length), d);
        }
        int[] r = new int[d.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (int) d[i];
        }
        return Tensor.of(DType.INT32, Shape.of(r.length), r);
    }

    /** The value of a {@code Size} op whose input's shape is fully known while building. */
    private static Tensor knownSize(Output size) {
        Shape s = size.op().input(0).shape();
        if (!s.isFullyDefined()) {
            return null;
        }
        return size.dtype() == DType.INT64 ? Tensor.of(s.numElements()) : Tensor.of((int) s.numElements());
    }

    // ---- constructors ----

    /** {@code Shape(x)} with {@code out_type} int32 or int64. */
    public static Output shape(Graph g, Output x, DType outType, String name) {
        return g.opBuilder("Shape", name).addInput(x).setAttr("out_type", outType).build().output(0);
    }

    /**
     * x's shape as an int32 vector: a constant named {@code constName} (null: "Const") when x's shape is fully
     * known while building, else a {@code Shape} op.
     */
    public static Output shapeOf(Graph g, Output x, String constName) {
        Shape s = x.shape();
        if (s.isFullyDefined()) {
            return ConstantOps.intVector(g, s.intDims(), constName);
        }
        return shape(g, x, DType.INT32, null);
    }

    /** {@code ShapeN(inputs)}: the shape of each input, int32 or int64. */
    public static List<Output> shapeN(Graph g, List<Output> inputs, DType outType, String name) {
        return g.opBuilder("ShapeN", name).addInputList(inputs).setAttr("N", inputs.size()).setAttr("out_type", outType)
                .build().outputs();
    }

    /** {@code Rank(x)}. */
    public static Output rank(Graph g, Output x, String name) {
        return g.opBuilder("Rank", name).addInput(x).build().output(0);
    }

    /** {@code Size(x)}: the element count, int32 or int64. */
    public static Output size(Graph g, Output x, DType outType, String name) {
        return g.opBuilder("Size", name).addInput(x).setAttr("out_type", outType).build().output(0);
    }

    /** {@code Reshape(x, shape)}. */
    public static Output reshape(Graph g, Output x, Output shape, String name) {
        return g.opBuilder("Reshape", name).addInput(x).addInput(shape).setAttr("Tshape", shape.dtype()).build().output(0);
    }

    /** {@code tf.reshape(x, [..])}: the shape a constant {@code Reshape/shape}; one size may be -1. */
    public static Output reshape(Graph g, Output x, int[] shape, String name) {
        try (var s = g.nameScope(name == null ? "Reshape" : name)) {
            return reshape(g, x, ConstantOps.intVector(g, shape, "shape"), s.name());
        }
    }

    /** {@code reshape(x, shape(like))}, the gradient of the ops that only change a shape. */
    public static Output reshapeTo(Graph g, Output x, Output like) {
        return reshape(g, x, shape(g, like, DType.INT32, null), null);
    }

    /** {@code ExpandDims(x, dim)}. */
    public static Output expandDims(Graph g, Output x, Output dim, String name) {
        return g.opBuilder("ExpandDims", name).addInput(x).addInput(dim).setAttr("Tdim", dim.dtype()).build().output(0);
    }

    /** {@code tf.expand_dims(x, axis)}: the axis a constant {@code ExpandDims/dim}. */
    public static Output expandDims(Graph g, Output x, int axis, String name) {
        try (var s = g.nameScope(name == null ? "ExpandDims" : name)) {
            return expandDims(g, x, ConstantOps.scalar(g, DType.INT32, axis, "dim"), s.name());
        }
    }

    /** {@code Squeeze(x)} of the given axes (none: every dimension of size 1). */
    public static Output squeeze(Graph g, Output x, int[] axis, String name) {
        return g.opBuilder("Squeeze", name).addInput(x).setAttr("squeeze_dims", axis == null ? new int[0] : axis)
                .build().output(0);
    }

    /** {@code BroadcastTo(x, shape)}. */
    public static Output broadcastTo(Graph g, Output x, Output shape, String name) {
        return g.opBuilder("BroadcastTo", name).addInput(x).addInput(shape).setAttr("Tidx", shape.dtype()).build().output(0);
    }

    /** {@code tf.broadcast_to(x, [..])}: the shape a constant {@code BroadcastTo/shape}. */
    public static Output broadcastTo(Graph g, Output x, int[] shape, String name) {
        try (var s = g.nameScope(name == null ? "BroadcastTo" : name)) {
            return broadcastTo(g, x, ConstantOps.intVector(g, shape, "shape"), s.name());
        }
    }

    private static Output broadcastToGrad(Operation op, Output dy) {
        Graph g = op.graph();
        Output x = op.input(0);
        Shape xs = x.shape();
        Shape ys = dy.shape();
        if (xs.isFullyDefined() && ys.isFullyDefined()) {
            int lead = ys.rank() - xs.rank();
            int[] axes = new int[ys.rank()];
            int n = 0;
            for (int i = 0; i < ys.rank(); i++) {
                if (i < lead || (xs.size(i - lead) == 1 && ys.size(i) != 1)) {
                    axes[n++] = i;
                }
            }
            Output sum = ReductionOps.sum(g, dy, ConstantOps.intVector(g, Arrays.copyOf(axes, n), "Const"), true, null);
            return reshapeTo(g, sum, x);
        }
        BroadcastGradientArgs args = ArithmeticOps.broadcastGradientArgs(g, shape(g, x, DType.INT32, null),
                shape(g, dy, DType.INT32, null), null);
        Output sum = ReductionOps.sum(g, dy, args.r0(), true, null);
        return reshapeTo(g, sum, x);
    }
}
