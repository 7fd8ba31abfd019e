package dev.tensorgraph.ops.math;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.GradientFunction;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.ops.indexing.SelectOps;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.Arrays;
import java.util.List;

import static dev.tensorgraph.ops.support.ShapeFns.ADDABLE;
import static dev.tensorgraph.ops.support.ShapeFns.NUMERIC;
import static dev.tensorgraph.ops.support.ShapeFns.SIGNED;
import static dev.tensorgraph.ops.support.ShapeFns.broadcasting;

/**
 * Binary arithmetic with NumPy broadcasting: Add, AddV2, Sub, Mul, RealDiv, Div, DivNoNan, FloorDiv, FloorMod,
 * Mod (truncated), Pow, Maximum, Minimum, SquaredDifference; the list sum AddN; and BroadcastGradientArgs,
 * the helper TensorFlow's gradient graphs use to find the axes a broadcast gradient is summed over. Also
 * {@code tf.truediv}, {@code tf.div} and {@code tf.add_n}, which choose among these ops.
 *
 * <p>Gradients follow TensorFlow's {@code math_grad.py}: each input's gradient is reduced back to that
 * input's shape by {@link BroadcastGradients}.
 */
public final class ArithmeticOps implements OpLibrary {
    private static OpDef.Builder binary(String type) {
        return OpDef.builder(type).input("x").input("y").attr("T", AttrType.TYPE);
    }

    @Override
    public void register(OpRegistry r) {
        GradientFunction addGrad = (op, dy) -> BroadcastGradients.reduce(op, dy.get(0), dy.get(0));
        r.register(binary("Add").shape(broadcasting(ADDABLE, null)).gradient(addGrad).build());
        r.register(binary("AddV2").shape(broadcasting(ADDABLE, null)).gradient(addGrad).build());
        r.register(binary("Sub").shape(broadcasting(NUMERIC, null))
                .gradient((op, dy) -> BroadcastGradients.reduce(op, dy.get(0), UnaryOps.neg(op.graph(), dy.get(0), null)))
                .build());
        r.register(binary("Mul").shape(broadcasting(NUMERIC, null))
                .gradient((op, dy) -> BroadcastGradients.reduce(op, mul(op.graph(), dy.get(0), op.input(1), null),
                        mul(op.graph(), op.input(0), dy.get(0), null))).build());
        GradientFunction divGrad = (op, dy) -> {
            Graph gr = op.graph();
            Output x = op.input(0);
            Output y = op.input(1);
            Output g = dy.get(0);
            Output gy = mul(gr, g, realDiv(gr, realDiv(gr, UnaryOps.neg(gr, x, null), y, null), y, null), null);
            return BroadcastGradients.reduce(op, realDiv(gr, g, y, null), gy);
        };
        r.register(binary("RealDiv").shape(broadcasting(NUMERIC, null)).gradient(divGrad).build());
        r.register(binary("Div").shape(broadcasting(NUMERIC, null)).gradient(divGrad).build());
        r.register(binary("DivNoNan").shape(broadcasting(NUMERIC, null)).gradient((op, dy) -> {
            Graph gr = op.graph();
            Output x = op.input(0);
            Output y = op.input(1);
            Output g = dy.get(0);
            Output gx = divNoNan(gr, g, y, null);
            Output negXOverY = divNoNan(gr, UnaryOps.neg(gr, x, null), y, null);
            Output gy = mul(gr, g, divNoNan(gr, negXOverY, y, null), null);
            return BroadcastGradients.reduce(op, gx, gy);
        }).build());
        r.register(binary("FloorDiv").shape(broadcasting(NUMERIC, null)).notDifferentiable().build());
        r.register(binary("FloorMod").shape(broadcasting(SIGNED, null))
                .gradient((op, dy) -> {
                    Graph gr = op.graph();
                    Output g = dy.get(0);
                    Output q = floorDiv(gr, op.input(0), op.input(1), null);
                    return BroadcastGradients.reduce(op, g, mul(gr, g, UnaryOps.neg(gr, q, null), null));
                }).build());
        // Mod truncates (C's fmod): z = x - trunc(x / y) * y, so dz/dy = -trunc(x / y) = -(x - z) / y.
        r.register(binary("Mod").shape(broadcasting(SIGNED, null))
                .gradient((op, dy) -> {
                    Graph gr = op.graph();
                    Output g = dy.get(0);
                    Output q = realDiv(gr, sub(gr, op.input(0), op.output(0), null), op.input(1), null);
                    return BroadcastGradients.reduce(op, g, mul(gr, g, UnaryOps.neg(gr, q, null), null));
                }).build());
        r.register(binary("Pow").shape(broadcasting(SIGNED, null))
                .gradient((op, dy) -> {
                    Graph gr = op.graph();
                    Output x = op.input(0);
                    Output y = op.input(1);
                    Output z = op.output(0);
                    Output g = dy.get(0);
                    Output gx = mul(gr, mul(gr, g, y, null), pow(gr, x, sub(gr, y, 1.0, null), null), null);
                    // log(x) where x > 0, else 0, so that a zero or negative base gives a zero exponent gradient.
                    Output positive = ComparisonOps.greater(gr, x, 0.0, null);
                    Output zeros = ConstantOps.zerosLike(gr, x, null);
                    Output safeX = SelectOps.select(gr, positive, x, add(gr, zeros, 1.0, null), null);
                    Output logX = SelectOps.select(gr, positive, UnaryOps.log(gr, safeX, null), zeros, null);
                    Output gy = mul(gr, mul(gr, g, z, null), logX, null);
                    return BroadcastGradients.reduce(op, gx, gy);
                }).build());
        r.register(binary("Maximum").shape(broadcasting(SIGNED, null))
                .gradient((op, dy) -> minMaxGrad(op, dy.get(0), true)).build());
        r.register(binary("Minimum").shape(broadcasting(SIGNED, null))
                .gradient((op, dy) -> minMaxGrad(op, dy.get(0), false)).build());
        r.register(binary("SquaredDifference").shape(broadcasting(SIGNED, null))
                .gradient((op, dy) -> {
                    Graph gr = op.graph();
                    Output diff = sub(gr, op.input(0), op.input(1), null);
                    Output gx = mul(gr, mul(gr, dy.get(0), 2.0, null), diff, null);
                    return BroadcastGradients.reduce(op, gx, UnaryOps.neg(gr, gx, null));
                }).build());
        r.register(OpDef.builder("AddN").inputList("inputs").attr("N", AttrType.INT).attr("T", AttrType.TYPE)
                .shape(c -> {
                    int n = c.numInputs();
                    if (n < 1) {
                        throw c.fail("AddN needs at least one input");
                    }
                    // variant: tensor lists, added element by element (gradients of lists reaching one value)
                    DType t = c.inputDtype(0) == DType.VARIANT ? DType.VARIANT
                            : ShapeFns.requireType(c, c.inputDtype(0), ADDABLE);
                    Shape s = c.inputShape(0);
                    for (int i = 1; i < n; i++) {
                        if (c.inputDtype(i) != t) {
                            throw c.fail("inputs[" + i + "] is " + c.inputDtype(i) + " but inputs[0] is " + t);
                        }
                        if (!s.isCompatibleWith(c.inputShape(i))) {
                            throw c.fail("Shapes must be equal rank and size, but inputs[0] has shape " + s
                                    + " and inputs[" + i + "] has shape " + c.inputShape(i));
                        }
                        s = s.mergeWith(c.inputShape(i));
                    }
                    c.setOutput(0, t, s);
                })
                .gradient((op, dy) -> {
                    Output[] g = new Output[op.numInputs()];
                    Arrays.fill(g, dy.get(0));
                    return Arrays.asList(g);
                }).build());
        r.register(OpDef.builder("BroadcastGradientArgs").outputNames("r0", "r1").input("s0").input("s1").attr("T", AttrType.TYPE, DType.INT32)
                .shape(c -> {
                    DType t = ShapeFns.sameDtype(c, 0, 1);
                    if (t != DType.INT32 && t != DType.INT64) {
                        throw c.fail("Value for attr 'T' of " + t + " is not in the list of allowed values: int32, int64");
                    }
                    for (int i = 0; i < 2; i++) {
                        Shape s = c.inputShape(i);
                        if (s.hasKnownRank() && s.rank() != 1) {
                            throw c.fail("Shape must be rank 1 but is rank " + s.rank() + " for input s" + i);
                        }
                    }
                    c.setOutput(0, t, Shape.of(-1));
                    c.setOutput(1, t, Shape.of(-1));
                })
                .notDifferentiable().build());
    }

    // ---- constructors ----

    private static Output binaryOp(Graph g, String type, Output x, Output y, String name) {
        return g.opBuilder(type, name).addInput(x).addInput(y).build().output(0);
    }

    /** {@code type(x, y)} in the scope {@code name} (default: the type) with y a constant {@code y} of x's dtype. */
    private static Output withScalar(Graph g, String type, Output x, double y, String name) {
        try (var s = g.nameScope(name == null ? type : name)) {
            Output c = ConstantOps.scalar(g, x.dtype(), y, "y");
            return binaryOp(g, type, x, c, s.name());
        }
    }

    /** {@code Add}: x + y with broadcasting ({@code tf.add}). */
    public static Output add(Graph g, Output x, Output y, String name) {
        return binaryOp(g, "Add", x, y, name);
    }

    /** {@code Add} with {@code y} a constant of x's dtype named {@code <scope>/y}, as Python converts numbers. */
    public static Output add(Graph g, Output x, double y, String name) {
        return withScalar(g, "Add", x, y, name);
    }

    /** {@code AddV2}: x + y with broadcasting, the addition TensorFlow 2 emits. */
    public static Output addV2(Graph g, Output x, Output y, String name) {
        return binaryOp(g, "AddV2", x, y, name);
    }

    /** {@code AddV2} with {@code y} a constant of x's dtype named {@code <scope>/y}, as Python converts numbers. */
    public static Output addV2(Graph g, Output x, double y, String name) {
        return withScalar(g, "AddV2", x, y, name);
    }

    /** {@code Sub}: x - y ({@code tf.subtract}). */
    public static Output sub(Graph g, Output x, Output y, String name) {
        return binaryOp(g, "Sub", x, y, name);
    }

    /** {@code Sub} with {@code y} a constant of x's dtype named {@code <scope>/y}, as Python converts numbers. */
    public static Output sub(Graph g, Output x, double y, String name) {
        return withScalar(g, "Sub", x, y, name);
    }

    /** {@code Mul}: x * y ({@code tf.multiply}). */
    public static Output mul(Graph g, Output x, Output y, String name) {
        return binaryOp(g, "Mul", x, y, name);
    }

    /** {@code Mul} with {@code y} a constant of x's dtype named {@code <scope>/y}, as Python converts numbers. */
    public static Output mul(Graph g, Output x, double y, String name) {
        return withScalar(g, "Mul", x, y, name);
    }

    /** {@code RealDiv}: x / y; integers truncate toward zero ({@code tf.realdiv}). */
    public static Output realDiv(Graph g, Output x, Output y, String name) {
        return binaryOp(g, "RealDiv", x, y, name);
    }

    /** {@code RealDiv} with {@code y} a constant of x's dtype named {@code <scope>/y}, as Python converts numbers. */
    public static Output realDiv(Graph g, Output x, double y, String name) {
        return withScalar(g, "RealDiv", x, y, name);
    }

    /** {@code Div}: x / y as the raw Div op ({@code tf.div} builds RealDiv or FloorDiv instead, see {@link #div}). */
    public static Output divOp(Graph g, Output x, Output y, String name) {
        return binaryOp(g, "Div", x, y, name);
    }

    /** {@code Div} with {@code y} a constant of x's dtype named {@code <scope>/y}, as Python converts numbers. */
    public static Output divOp(Graph g, Output x, double y, String name) {
        return withScalar(g, "Div", x, y, name);
    }

    /** {@code DivNoNan}: x / y, 0 where y is 0 ({@code tf.math.divide_no_nan}). */
    public static Output divNoNan(Graph g, Output x, Output y, String name) {
        return binaryOp(g, "DivNoNan", x, y, name);
    }

    /** {@code DivNoNan} with {@code y} a constant of x's dtype named {@code <scope>/y}, as Python converts numbers. */
    public static Output divNoNan(Graph g, Output x, double y, String name) {
        return withScalar(g, "DivNoNan", x, y, name);
    }

    /** {@code FloorDiv}: floor(x / y) ({@code tf.floordiv} names it floordiv). */
    public static Output floorDiv(Graph g, Output x, Output y, String name) {
        return binaryOp(g, "FloorDiv", x, y, name);
    }

    /** {@code FloorDiv} with {@code y} a constant of x's dtype named {@code <scope>/y}, as Python converts numbers. */
    public static Output floorDiv(Graph g, Output x, double y, String name) {
        return withScalar(g, "FloorDiv", x, y, name);
    }

    /** {@code FloorMod}: x mod y with the sign of y ({@code tf.floormod}). */
    public static Output floorMod(Graph g, Output x, Output y, String name) {
        return binaryOp(g, "FloorMod", x, y, name);
    }

    /** {@code FloorMod} with {@code y} a constant of x's dtype named {@code <scope>/y}, as Python converts numbers. */
    public static Output floorMod(Graph g, Output x, double y, String name) {
        return withScalar(g, "FloorMod", x, y, name);
    }

    /** {@code Mod}: x mod y with the sign of x (C's fmod, {@code tf.truncatemod}). */
    public static Output mod(Graph g, Output x, Output y, String name) {
        return binaryOp(g, "Mod", x, y, name);
    }

    /** {@code Mod} with {@code y} a constant of x's dtype named {@code <scope>/y}, as Python converts numbers. */
    public static Output mod(Graph g, Output x, double y, String name) {
        return withScalar(g, "Mod", x, y, name);
    }

    /** {@code Pow}: x to the power y. */
    public static Output pow(Graph g, Output x, Output y, String name) {
        return binaryOp(g, "Pow", x, y, name);
    }

    /** {@code Pow} with {@code y} a constant of x's dtype named {@code <scope>/y}, as Python converts numbers. */
    public static Output pow(Graph g, Output x, double y, String name) {
        return withScalar(g, "Pow", x, y, name);
    }

    /** {@code Maximum}: the larger of x and y. */
    public static Output maximum(Graph g, Output x, Output y, String name) {
        return binaryOp(g, "Maximum", x, y, name);
    }

    /** {@code Maximum} with {@code y} a constant of x's dtype named {@code <scope>/y}, as Python converts numbers. */
    public static Output maximum(Graph g, Output x, double y, String name) {
        return withScalar(g, "Maximum", x, y, name);
    }

    /** {@code Minimum}: the smaller of x and y. */
    public static Output minimum(Graph g, Output x, Output y, String name) {
        return binaryOp(g, "Minimum", x, y, name);
    }

    /** {@code Minimum} with {@code y} a constant of x's dtype named {@code <scope>/y}, as Python converts numbers. */
    public static Output minimum(Graph g, Output x, double y, String name) {
        return withScalar(g, "Minimum", x, y, name);
    }

    /** {@code SquaredDifference}: (x - y)^2. */
    public static Output squaredDifference(Graph g, Output x, Output y, String name) {
        return binaryOp(g, "SquaredDifference", x, y, name);
    }

    /** {@code SquaredDifference} with {@code y} a constant of x's dtype named {@code <scope>/y}, as Python converts numbers. */
    public static Output squaredDifference(Graph g, Output x, double y, String name) {
        return withScalar(g, "SquaredDifference", x, y, name);
    }

    /**
     * {@code tf.truediv(x, y)} (and {@code tf.divide}): RealDiv named {@code truediv}; integer inputs are first
     * cast to floating point (int32 and int64 to float64, uint8 to float32) as Python 3 does.
     */
    public static Output truediv(Graph g, Output x, Output y, String name) {
        try (var s = g.nameScope(name == null ? "truediv" : name)) {
            DType ft = trueDivType(x.dtype());
            if (ft != x.dtype()) {
                x = CastOps.cast(g, x, ft, null);
                y = CastOps.cast(g, y, ft, null);
            }
            return realDiv(g, x, y, s.name());
        }
    }

    /** {@code tf.truediv(x, y)} with {@code y} a constant {@code truediv/y}. */
    public static Output truediv(Graph g, Output x, double y, String name) {
        try (var s = g.nameScope(name == null ? "truediv" : name)) {
            DType ft = trueDivType(x.dtype());
            Output c = ConstantOps.scalar(g, ft, y, "y");
            if (ft != x.dtype()) {
                x = CastOps.cast(g, x, ft, null);
            }
            return realDiv(g, x, c, s.name());
        }
    }

    private static DType trueDivType(DType t) {
        return switch (t) {
            case INT32, INT64 -> DType.FLOAT64;
            case UINT8 -> DType.FLOAT32;
            default -> t;
        };
    }

    /** {@code tf.div} (TensorFlow 1's Python-2 division): RealDiv for floats, FloorDiv for integers, named div. */
    public static Output div(Graph g, Output x, Output y, String name) {
        try (var s = g.nameScope(name == null ? "div" : name)) {
            return x.dtype().isFloating() ? realDiv(g, x, y, s.name()) : floorDiv(g, x, y, s.name());
        }
    }

    /** {@code AddN(inputs)}: the sum of same-shaped tensors, one op even for a single input. */
    public static Output addNOp(Graph g, List<Output> inputs, String name) {
        return g.opBuilder("AddN", name).addInputList(inputs).build().output(0);
    }

    /**
     * {@code tf.add_n(inputs)}: an AddN, except that a single input is returned as it is (or as an Identity
     * named {@code name}).
     */
    public static Output addN(Graph g, List<Output> inputs, String name) {
        if (inputs == null || inputs.isEmpty()) {
            throw new InvalidArgumentException("addN needs at least one input");
        }
        if (inputs.size() == 1) {
            return name == null ? inputs.get(0) : ControlOps.identity(g, inputs.get(0), name);
        }
        return addNOp(g, inputs, name);
    }

    /** {@code BroadcastGradientArgs(s0, s1)}: the reduction axes of two broadcast operands' gradients. */
    public static BroadcastGradientArgs broadcastGradientArgs(Graph g, Output s0, Output s1, String name) {
        Operation op = g.opBuilder("BroadcastGradientArgs", name).addInput(s0).addInput(s1).build();
        return new BroadcastGradientArgs(op.output(0), op.output(1));
    }

    /** The gradient flows to x where x wins (ties go to x, as in TensorFlow), to y elsewhere. */
    private static List<Output> minMaxGrad(Operation op, Output g, boolean max) {
        Graph gr = op.graph();
        Output x = op.input(0);
        Output y = op.input(1);
        Output xWins = max ? ComparisonOps.greaterEqual(gr, x, y, null) : ComparisonOps.lessEqual(gr, x, y, null);
        Output zeros = ConstantOps.zerosLike(gr, g, null);
        return BroadcastGradients.reduce(op, SelectOps.selectV2(gr, xWins, g, zeros, null),
                SelectOps.selectV2(gr, xWins, zeros, g, null));
    }
}
