package dev.tensorgraph.ops.math;

import static dev.tensorgraph.ops.math.ArithmeticOps.mul;
import static dev.tensorgraph.ops.support.ShapeFns.FLOATS;
import static dev.tensorgraph.ops.support.ShapeFns.SIGNED;
import static dev.tensorgraph.ops.support.ShapeFns.requireType;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.support.ShapeFns;
import dev.tensorgraph.Output;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.GradientFunction;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeFunction;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Elementwise unary math: Square, Sqrt, Rsqrt, Exp, Log, Log1p, Abs, Neg, Sign, Reciprocal (and its old
 * name Inv), Sigmoid, Tanh, Erf, Erfc, Round (half to even), Floor, Ceil; and the fused gradient ops that
 * TensorFlow's gradient graphs use: SigmoidGrad, TanhGrad, SqrtGrad, RsqrtGrad, ReciprocalGrad,
 * InvGrad. (Relu is an nn activation.) The {@code XxxGrad(y, dy)} ops take the forward output {@code y} and the incoming gradient.
 */
public final class UnaryOps implements OpLibrary {
    private static ShapeFunction unchanged(Set<DType> allowed) {
        return c -> c.setOutput(0, requireType(c, c.inputDtype(0), allowed), c.inputShape(0));
    }

    /** Two same-dtype, same-shape inputs (the fused gradient ops). */
    private static ShapeFunction sameShape(Set<DType> allowed) {
        return c -> {
            DType t = requireType(c, ShapeFns.sameDtype(c, 0, 1), allowed);
            if (!c.inputShape(0).isCompatibleWith(c.inputShape(1))) {
                throw c.fail("Shapes must be equal rank and size, but are " + c.inputShape(0) + " and " + c.inputShape(1));
            }
            c.setOutput(0, t, c.inputShape(0).mergeWith(c.inputShape(1)));
        };
    }

    private static OpDef.Builder unary(String type) {
        return OpDef.builder(type).input("x").attr("T", AttrType.TYPE);
    }

    @Override
    public void register(OpRegistry r) {
        r.register(unary("Square").shape(unchanged(SIGNED))
                .gradient((op, dy) -> List.of(mul(op.graph(), dy.get(0), mul(op.graph(), op.input(0), 2.0, null), null)))
                .build());
        r.register(unary("Sqrt").shape(unchanged(FLOATS))
                .gradient((op, dy) -> List.of(sqrtGrad(op.graph(), op.output(0), dy.get(0), null))).build());
        r.register(unary("Rsqrt").shape(unchanged(FLOATS))
                .gradient((op, dy) -> List.of(rsqrtGrad(op.graph(), op.output(0), dy.get(0), null))).build());
        r.register(unary("Exp").shape(unchanged(FLOATS))
                .gradient((op, dy) -> List.of(mul(op.graph(), dy.get(0), op.output(0), null))).build());
        r.register(unary("Log").shape(unchanged(FLOATS))
                .gradient((op, dy) -> List.of(mul(op.graph(), dy.get(0), reciprocal(op.graph(), op.input(0), null), null)))
                .build());
        r.register(unary("Log1p").shape(unchanged(FLOATS))
                .gradient((op, dy) -> {
                    Graph g = op.graph();
                    return List.of(mul(g, dy.get(0), reciprocal(g, ArithmeticOps.add(g, op.input(0), 1.0, null), null), null));
                }).build());
        r.register(unary("Abs").shape(unchanged(SIGNED))
                .gradient((op, dy) -> List.of(mul(op.graph(), dy.get(0), sign(op.graph(), op.input(0), null), null)))
                .build());
        r.register(unary("Neg").shape(unchanged(SIGNED))
                .gradient((op, dy) -> List.of(neg(op.graph(), dy.get(0), null))).build());
        r.register(unary("Sign").shape(unchanged(SIGNED))
                .gradient((op, dy) -> List.of(ConstantOps.zerosLike(op.graph(), op.input(0), null))).build());
        for (String t : List.of("Reciprocal", "Inv")) {
            String gradType = t + "Grad";
            r.register(unary(t).shape(unchanged(SIGNED))
                    .gradient((op, dy) -> List.of(gradOf(op.graph(), gradType, op.output(0), dy.get(0), null))).build());
        }
        r.register(unary("Sigmoid").shape(unchanged(FLOATS))
                .gradient((op, dy) -> List.of(sigmoidGrad(op.graph(), op.output(0), dy.get(0), null))).build());
        r.register(unary("Tanh").shape(unchanged(FLOATS))
                .gradient((op, dy) -> List.of(tanhGrad(op.graph(), op.output(0), dy.get(0), null))).build());
        // d erf(x)/dx = 2 / sqrt(pi) * exp(-x^2); erfc = 1 - erf.
        for (String t : List.of("Erf", "Erfc")) {
            double k = (t.equals("Erf") ? 2 : -2) / Math.sqrt(Math.PI);
            r.register(unary(t).shape(unchanged(FLOATS))
                    .gradient((op, dy) -> {
                        Graph g = op.graph();
                        Output gauss = exp(g, neg(g, square(g, op.input(0), null), null), null);
                        return List.of(mul(g, mul(g, dy.get(0), k, null), gauss, null));
                    }).build());
        }
        r.register(unary("Round").shape(unchanged(SIGNED)).notDifferentiable().build());
        r.register(unary("Floor").shape(unchanged(FLOATS)).notDifferentiable().build());
        r.register(unary("Ceil").shape(unchanged(FLOATS)).notDifferentiable().build());
        registerGradOps(r);
    }

    /** The fused gradient ops, each with its own gradient so that second derivatives work. */
    private static void registerGradOps(OpRegistry r) {
        // d/dy [dy * y * (1 - y)] = dy - 2 * dy * y; d/d(dy) = y * (1 - y).
        r.register(gradOp("SigmoidGrad").gradient((op, g) -> {
            Graph gr = op.graph();
            Output gb = mul(gr, g.get(0), op.input(1), null);
            return List.of(ArithmeticOps.sub(gr, gb, mul(gr, mul(gr, gb, 2.0, null), op.input(0), null), null),
                    sigmoidGrad(gr, op.input(0), g.get(0), null));
        }).build());
        // d/dy [dy * (1 - y^2)] = -2 * dy * y; d/d(dy) = 1 - y^2.
        r.register(gradOp("TanhGrad").gradient((op, g) -> {
            Graph gr = op.graph();
            Output gb = mul(gr, g.get(0), op.input(1), null);
            return List.of(mul(gr, mul(gr, gb, -2.0, null), op.input(0), null), tanhGrad(gr, op.input(0), g.get(0), null));
        }).build());
        // out = 0.5 * dy / y: d/dy = -out * g / y; d/d(dy) = 0.5 * g / y.
        r.register(gradOp("SqrtGrad").gradient((op, g) -> {
            Graph gr = op.graph();
            Output ga = ArithmeticOps.realDiv(gr, g.get(0), op.input(0), null);
            return List.of(mul(gr, neg(gr, op.output(0), null), ga, null), mul(gr, ga, 0.5, null));
        }).build());
        // out = -0.5 * dy * y^3: d/dy = -1.5 * g * dy * y^2; d/d(dy) = RsqrtGrad(y, g).
        r.register(gradOp("RsqrtGrad").gradient((op, g) -> {
            Graph gr = op.graph();
            Output gb = mul(gr, g.get(0), op.input(1), null);
            return List.of(mul(gr, mul(gr, gb, -1.5, null), square(gr, op.input(0), null), null),
                    rsqrtGrad(gr, op.input(0), g.get(0), null));
        }).build());
        for (String t : List.of("ReciprocalGrad", "InvGrad")) {
            // out = -dy * y^2: d/dy = -2 * g * dy * y; d/d(dy) = XxxGrad(y, g).
            GradientFunction fn = (op, g) -> {
                Graph gr = op.graph();
                Output gb = mul(gr, g.get(0), op.input(1), null);
                return List.of(mul(gr, mul(gr, gb, -2.0, null), op.input(0), null), gradOf(gr, t, op.input(0), g.get(0), null));
            };
            r.register(gradOp(t).gradient(fn).build());
        }
    }

    private static OpDef.Builder gradOp(String type) {
        return OpDef.builder(type).input("y").input("dy").attr("T", AttrType.TYPE).shape(sameShape(FLOATS));
    }

    // ---- constructors ----

    private static Output unaryOp(Graph g, String type, Output x, String name) {
        return g.opBuilder(type, name).addInput(x).build().output(0);
    }

    /** {@code type(y, dy)} for the fused gradient ops. */
    private static Output gradOf(Graph g, String type, Output y, Output dy, String name) {
        return g.opBuilder(type, name).addInput(y).addInput(dy).build().output(0);
    }

    /** {@code Square(x)}: x * x. */
    public static Output square(Graph g, Output x, String name) {
        return unaryOp(g, "Square", x, name);
    }

    /** {@code Sqrt(x)}: the square root. */
    public static Output sqrt(Graph g, Output x, String name) {
        return unaryOp(g, "Sqrt", x, name);
    }

    /** {@code Rsqrt(x)}: 1 / sqrt(x). */
    public static Output rsqrt(Graph g, Output x, String name) {
        return unaryOp(g, "Rsqrt", x, name);
    }

    /** {@code Exp(x)}: e to the x. */
    public static Output exp(Graph g, Output x, String name) {
        return unaryOp(g, "Exp", x, name);
    }

    /** {@code Log(x)}: the natural logarithm. */
    public static Output log(Graph g, Output x, String name) {
        return unaryOp(g, "Log", x, name);
    }

    /** {@code Log1p(x)}: log(1 + x), accurate for small x. */
    public static Output log1p(Graph g, Output x, String name) {
        return unaryOp(g, "Log1p", x, name);
    }

    /** {@code Abs(x)}: the absolute value. */
    public static Output abs(Graph g, Output x, String name) {
        return unaryOp(g, "Abs", x, name);
    }

    /** {@code Neg(x)}: -x ({@code tf.negative}). */
    public static Output neg(Graph g, Output x, String name) {
        return unaryOp(g, "Neg", x, name);
    }

    /** {@code Sign(x)}: -1, 0 or 1. */
    public static Output sign(Graph g, Output x, String name) {
        return unaryOp(g, "Sign", x, name);
    }

    /** {@code Reciprocal(x)}: 1 / x. */
    public static Output reciprocal(Graph g, Output x, String name) {
        return unaryOp(g, "Reciprocal", x, name);
    }

    /** {@code Inv(x)}: 1 / x, Reciprocal's old name. */
    public static Output inv(Graph g, Output x, String name) {
        return unaryOp(g, "Inv", x, name);
    }

    /** {@code Sigmoid(x)}: 1 / (1 + exp(-x)). */
    public static Output sigmoid(Graph g, Output x, String name) {
        return unaryOp(g, "Sigmoid", x, name);
    }

    /** {@code Tanh(x)}: the hyperbolic tangent. */
    public static Output tanh(Graph g, Output x, String name) {
        return unaryOp(g, "Tanh", x, name);
    }

    /** {@code Floor(x)}: the largest integer not above x. */
    public static Output floor(Graph g, Output x, String name) {
        return unaryOp(g, "Floor", x, name);
    }

    /** {@code Ceil(x)}: the smallest integer not below x. */
    public static Output ceil(Graph g, Output x, String name) {
        return unaryOp(g, "Ceil", x, name);
    }

    /** {@code Erf(x)}: the error function, 2 / sqrt(pi) times the integral of exp(-t^2) from 0 to x. */
    public static Output erf(Graph g, Output x, String name) {
        return unaryOp(g, "Erf", x, name);
    }

    /** {@code Erfc(x)}: the complementary error function 1 - erf(x), accurate where erf(x) is near 1. */
    public static Output erfc(Graph g, Output x, String name) {
        return unaryOp(g, "Erfc", x, name);
    }

    /** {@code Round(x)}: half to even; integers are returned unchanged (no op), as {@code tf.round}. */
    public static Output round(Graph g, Output x, String name) {
        return x.dtype().isInteger() ? x : unaryOp(g, "Round", x, name);
    }

    /** {@code SigmoidGrad(y, dy)}: the gradient of Sigmoid from its output {@code y}. */
    public static Output sigmoidGrad(Graph g, Output y, Output dy, String name) {
        return gradOf(g, "SigmoidGrad", y, dy, name);
    }

    /** {@code TanhGrad(y, dy)}: the gradient of Tanh from its output {@code y}. */
    public static Output tanhGrad(Graph g, Output y, Output dy, String name) {
        return gradOf(g, "TanhGrad", y, dy, name);
    }

    /** {@code SqrtGrad(y, dy)}: the gradient of Sqrt from its output {@code y}. */
    public static Output sqrtGrad(Graph g, Output y, Output dy, String name) {
        return gradOf(g, "SqrtGrad", y, dy, name);
    }

    /** {@code RsqrtGrad(y, dy)}: the gradient of Rsqrt from its output {@code y}. */
    public static Output rsqrtGrad(Graph g, Output y, Output dy, String name) {
        return gradOf(g, "RsqrtGrad", y, dy, name);
    }

    /** {@code ReciprocalGrad(y, dy)}: the gradient of Reciprocal from its output {@code y}. */
    public static Output reciprocalGrad(Graph g, Output y, Output dy, String name) {
        return gradOf(g, "ReciprocalGrad", y, dy, name);
    }

    /** {@code InvGrad(y, dy)}: the gradient of Inv from its output {@code y}. */
    public static Output invGrad(Graph g, Output y, Output dy, String name) {
        return gradOf(g, "InvGrad", y, dy, name);
    }
}
