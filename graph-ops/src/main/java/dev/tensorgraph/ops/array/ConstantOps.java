package dev.tensorgraph.ops.array;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.ops.reduction.ReductionOps;
import dev.tensorgraph.ops.support.Literals;
import dev.tensorgraph.ops.support.ShapeArgs;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.Arrays;
import java.util.List;

/**
 * The ops that create values: {@code Const}, {@code Placeholder}, {@code PlaceholderWithDefault}, {@code Fill},
 * {@code ZerosLike}, {@code OnesLike} and {@code Range}, with TensorFlow's {@code tf.constant},
 * {@code tf.zeros}, {@code tf.ones} and {@code tf.range} on top of them.
 */
public final class ConstantOps implements OpLibrary {
    private static final String CONST = "Const";

    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder(CONST)
                .attr("value", AttrType.TENSOR).attr("dtype", AttrType.TYPE)
                .shape(c -> {
                    Tensor v = (Tensor) c.attr("value");
                    if (v.dtype() != c.attrType("dtype")) {
                        throw c.fail("value is " + v.dtype() + " but dtype is " + c.attrType("dtype"));
                    }
                    c.setOutput(0, v.dtype(), v.shape());
                })
                .constantValue(o -> o.op().attrTensor("value"))
                .notDifferentiable().build());
        r.register(OpDef.builder("Placeholder")
                .attr("dtype", AttrType.TYPE).attr("shape", AttrType.SHAPE, Shape.unknown())
                .shape(c -> c.setOutput(0, c.attrType("dtype"), c.attrShape("shape")))
                .notDifferentiable().build());
        r.register(OpDef.builder("PlaceholderWithDefault").input("input")
                .attr("dtype", AttrType.TYPE).attr("shape", AttrType.SHAPE)
                .shape(c -> {
                    Shape declared = c.attrShape("shape");
                    if (!c.inputShape(0).isCompatibleWith(declared)) {
                        throw c.fail("default value of shape " + c.inputShape(0) + " does not match the declared shape " + declared);
                    }
                    c.setOutput(0, c.attrType("dtype"), declared);
                })
                .gradient((op, dy) -> List.of(dy.get(0))).build());
        r.register(OpDef.builder("ZerosLike").input("x").attr("T", AttrType.TYPE)
                .shape(ShapeFns.UNCHANGED).notDifferentiable().build());
        r.register(OpDef.builder("OnesLike").input("x").attr("T", AttrType.TYPE)
                .shape(ShapeFns.UNCHANGED).notDifferentiable().build());
        r.register(OpDef.builder("Fill").input("dims").input("value")
                .attr("T", AttrType.TYPE).attr("index_type", AttrType.TYPE, DType.INT32)
                .shape(c -> {
                    ShapeArgs.typeFrom(c, "T", 1);
                    ShapeArgs.typeFrom(c, "index_type", 0);
                    if (c.inputShape(1).rank() > 0) {
                        throw c.fail("value must be a scalar, got shape " + c.inputShape(1));
                    }
                    c.setOutput(0, c.inputDtype(1), ShapeArgs.shapeFromInput(c, 0));
                })
                .gradient((op, dy) -> Arrays.asList(null, sumAll(op.graph(), dy.get(0)))).build());
        r.register(OpDef.builder("Range").input("start").input("limit").input("delta")
                .attr("Tidx", AttrType.TYPE, DType.INT32)
                .shape(ConstantOps::rangeShape)
                .notDifferentiable().build());
    }

    private static void rangeShape(dev.tensorgraph.op.ShapeContext c) {
        for (int i = 0; i < 3; i++) {
            if (c.inputShape(i).rank() > 0) {
                throw c.fail("input " + i + " must be a scalar, got shape " + c.inputShape(i));
            }
        }
        DType t = c.inputDtype(0);
        c.attrs().put("Tidx", t);
        Tensor s = c.constantValue(0);
        Tensor l = c.constantValue(1);
        Tensor d = c.constantValue(2);
        if (s == null || l == null || d == null) {
            c.setOutput(0, t, Shape.of(-1));
            return;
        }
        double start = s.toDoubles()[0];
        double limit = l.toDoubles()[0];
        double delta = d.toDoubles()[0];
        if (delta == 0) {
            throw c.fail("Requires delta != 0");
        }
        if (delta > 0 ? start > limit : start < limit) {
            throw c.fail("Requires start " + (delta > 0 ? "<=" : ">=") + " limit when delta " + (delta > 0 ? ">" : "<")
                    + " 0: " + start + "/" + limit);
        }
        long size = t.isInteger() ? (long) ((Math.abs(limit - start) + Math.abs(delta) - 1) / Math.abs(delta))
                : (long) Math.ceil(Math.abs((limit - start) / delta));
        c.setOutput(0, t, Shape.of(size));
    }

    // ---- constants ----

    /** {@code Const} holding {@code value}; a null name means "Const". */
    public static Output constant(Graph g, Tensor value, String name) {
        return g.opBuilder(CONST, name == null ? CONST : name).setAttr("value", value).setAttr("dtype", value.dtype())
                .build().output(0);
    }

    /** A constant from a (nested) Java array or a Java number; the dtype follows the element type. */
    public static Output constant(Graph g, Object javaValue, String name) {
        return constant(g, Tensor.of(javaValue), name);
    }

    /** A scalar constant of {@code dtype} holding {@code v} converted as TensorFlow casts it. */
    public static Output scalar(Graph g, DType dtype, double v, String name) {
        return constant(g, Literals.scalar(dtype, v), name);
    }

    /** An int32 vector constant (axes, shapes, permutations). */
    public static Output intVector(Graph g, int[] values, String name) {
        return constant(g, Tensor.of(DType.INT32, Shape.of(values.length), values), name);
    }

    /** The value of {@code o} when it is a constant (output 0 of a Const op), else null. */
    public static Tensor constantValue(Output o) {
        return o.op().type().equals(CONST) && o.index() == 0 ? o.op().attrTensor("value") : null;
    }

    /** Whether {@code o} is made by a ZerosLike (as the gradient engine fills in missing gradients). */
    public static boolean isZerosLike(Output o) {
        String t = o.op().type();
        return t.equals("ZerosLike") || t.equals("Zeros");
    }

    // ---- placeholders ----

    /** {@code Placeholder}: a value fed at run time. */
    public static Output placeholder(Graph g, DType dtype, Shape shape, String name) {
        return g.opBuilder("Placeholder", name).setAttr("dtype", dtype).setAttr("shape", shape).build().output(0);
    }

    /** {@code PlaceholderWithDefault}: yields {@code input} when nothing is fed. */
    public static Output placeholderWithDefault(Graph g, Output input, Shape shape, String name) {
        return g.opBuilder("PlaceholderWithDefault", name).addInput(input).setAttr("dtype", input.dtype())
                .setAttr("shape", shape).build().output(0);
    }

    // ---- filled tensors ----

    /** {@code Fill(dims, value)}: a tensor of shape {@code dims} with every element {@code value}. */
    public static Output fill(Graph g, Output dims, Output value, String name) {
        return g.opBuilder("Fill", name).addInput(dims).addInput(value).setAttr("T", value.dtype())
                .setAttr("index_type", dims.dtype()).build().output(0);
    }

    /** {@code tf.fill(dims, value)} with the dims as a constant {@code Fill/dims}. */
    public static Output fill(Graph g, int[] dims, Output value, String name) {
        try (var s = g.nameScope(name == null ? "Fill" : name)) {
            return fill(g, intVector(g, dims, "dims"), value, s.name());
        }
    }

    /** {@code ZerosLike(x)}; a null name means "ZerosLike" ({@code tf.zeros_like} names it zeros_like). */
    public static Output zerosLike(Graph g, Output x, String name) {
        return g.opBuilder("ZerosLike", name).addInput(x).build().output(0);
    }

    /** {@code OnesLike(x)}; a null name means "OnesLike" ({@code tf.ones_like} names it ones_like). */
    public static Output onesLike(Graph g, Output x, String name) {
        return g.opBuilder("OnesLike", name).addInput(x).build().output(0);
    }

    /** {@code tf.zeros(shape, dtype)}: a Const named {@code zeros} below 1000 elements, else a Fill. */
    public static Output zeros(Graph g, Shape shape, DType dtype, String name) {
        return filledConstant(g, shape, dtype, 0, "zeros", name);
    }

    /** {@code tf.ones(shape, dtype)}, as {@link #zeros(Graph, Shape, DType, String)}. */
    public static Output ones(Graph g, Shape shape, DType dtype, String name) {
        return filledConstant(g, shape, dtype, 1, "ones", name);
    }

    /** {@code tf.zeros(shape_tensor, dtype)} for a shape known only when the graph runs. */
    public static Output zeros(Graph g, Output shape, DType dtype) {
        try (var s = g.nameScope("zeros")) {
            return fill(g, shape, scalar(g, dtype, 0, CONST), s.name());
        }
    }

    /** {@code tf.constant(v, dtype, shape)}: a constant of {@code shape} filled with {@code v}. */
    public static Output constant(Graph g, double v, DType dtype, Shape shape, String name) {
        return constant(g, Literals.filled(dtype, shape, v), name);
    }

    private static Output filledConstant(Graph g, Shape shape, DType dtype, double v, String defaultName, String name) {
        if (!shape.isFullyDefined()) {
            throw new InvalidArgumentException("tf." + defaultName + " needs a fully defined shape, got " + shape);
        }
        try (var s = g.nameScope(name == null ? defaultName : name)) {
            if (shape.numElements() < 1000) {
                return constant(g, Literals.filled(dtype, shape, v), s.name());
            }
            long[] d = shape.dims();
            Output dims = constant(g, Tensor.of(DType.INT32, Shape.of(d.length), ShapeArgs.toInts(d)), "shape_as_tensor");
            return fill(g, dims, scalar(g, dtype, v, CONST), s.name());
        }
    }

    // ---- ranges ----

    /** {@code Range(start, limit, delta)}; a null name means "Range" ({@code tf.range} names it range). */
    public static Output range(Graph g, Output start, Output limit, Output delta, String name) {
        return g.opBuilder("Range", name).addInput(start).addInput(limit).addInput(delta)
                .setAttr("Tidx", start.dtype()).build().output(0);
    }

    /** {@code tf.range(start, limit, delta, dtype)}: constants start, limit, delta in the scope {@code range}. */
    public static Output range(Graph g, double start, double limit, double delta, DType dtype, String name) {
        try (var s = g.nameScope(name == null ? "range" : name)) {
            return range(g, scalar(g, dtype, start, "start"), scalar(g, dtype, limit, "limit"),
                    scalar(g, dtype, delta, "delta"), s.name());
        }
    }

    /** Sum over all axes of {@code x} to a scalar, the axes a Const (or a Range over its Rank). */
    static Output sumAll(Graph g, Output x) {
        Output axes;
        if (x.shape().hasKnownRank()) {
            axes = intVector(g, ShapeArgs.range(x.shape().rank()), CONST);
        } else {
            Output rank = ShapeOps.rank(g, x, null);
            axes = range(g, scalar(g, DType.INT32, 0, CONST), rank, scalar(g, DType.INT32, 1, CONST), null);
        }
        return ReductionOps.sum(g, x, axes, false, null);
    }
}
