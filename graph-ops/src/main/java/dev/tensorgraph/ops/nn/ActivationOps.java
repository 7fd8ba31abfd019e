package dev.tensorgraph.ops.nn;

import dev.tensorgraph.DType;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.Graph;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.indexing.SelectOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.ComparisonOps;
import dev.tensorgraph.ops.math.UnaryOps;
import dev.tensorgraph.ops.support.ShapeFns;
import java.util.Arrays;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import java.util.List;

/**
 * Bias addition and the nn activations with fused backward ops: {@code BiasAdd}/{@code BiasAddGrad},
 * {@code Relu}/{@code ReluGrad}, {@code Relu6}/{@code Relu6Grad}, {@code Elu}/{@code EluGrad}, {@code LeakyRelu}/{@code LeakyReluGrad}
 * ({@code alpha}), {@code Softplus}/{@code SoftplusGrad}, {@code Selu}/{@code SeluGrad} (scale 1.0507009873554805,
 * alpha 1.6732632423543772) and {@code Softsign}/{@code SoftsignGrad} ({@code x / (1 + |x|)}). (Sigmoid and Tanh
 * belong to the math family.) The backward ops take {@code (gradients, features)} except {@code EluGrad} and
 * {@code SeluGrad}, which take the forward output, as in TensorFlow; TensorFlow defines no gradient of
 * SoftsignGrad, so differentiating it fails.
 */
public final class ActivationOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("BiasAdd").input("value").input("bias")
                .attr("T", AttrType.TYPE).attr("data_format", AttrType.STRING, "NHWC")
                .shape(ActivationOps::biasAddShape)
                .gradient((op, dy) -> List.of(dy.get(0),
                        biasAddGrad(op.graph(), dy.get(0), op.attrString("data_format"), null))).build());
        r.register(OpDef.builder("BiasAddGrad").input("out_backprop")
                .attr("T", AttrType.TYPE).attr("data_format", AttrType.STRING, "NHWC")
                .shape(c -> {
                    Shape s = c.inputShape(0);
                    if (!s.hasKnownRank()) {
                        c.setOutput(0, c.inputDtype(0), Shape.unknownOfRank(1));
                        return;
                    }
                    if (s.rank() < 2) {
                        throw c.fail("out_backprop must be at least 2-D, got shape " + s);
                    }
                    c.setOutput(0, c.inputDtype(0), Shape.of(s.size(channelDim(c, s.rank()))));
                })
                .gradient((op, dy) -> {
                    // d(sum over all but the channel)/d(out_backprop): broadcast the incoming gradient back.
                    Graph g = op.graph();
                    Output zeros = ConstantOps.zerosLike(g, op.input(0), null);
                    return List.of(biasAdd(g, zeros, dy.get(0), op.attrString("data_format"), null));
                }).build());

        r.register(OpDef.builder("Relu").input("features").attr("T", AttrType.TYPE)
                .shape(c -> c.setOutput(0, ShapeFns.requireType(c, c.inputDtype(0), ShapeFns.NUMERIC), c.inputShape(0)))
                .gradient((op, dy) -> List.of(reluGrad(op.graph(), dy.get(0), op.output(0), null))).build());
        r.register(OpDef.builder("ReluGrad").input("gradients").input("features").attr("T", AttrType.TYPE)
                .shape(c -> {
                    DType t = ShapeFns.requireType(c, ShapeFns.sameDtype(c, 0, 1), ShapeFns.NUMERIC);
                    if (!c.inputShape(0).isCompatibleWith(c.inputShape(1))) {
                        throw c.fail("Shapes must be equal rank and size, but are " + c.inputShape(0) + " and "
                                + c.inputShape(1));
                    }
                    c.setOutput(0, t, c.inputShape(0).mergeWith(c.inputShape(1)));
                })
                .gradient((op, dy) -> Arrays.asList(reluGrad(op.graph(), dy.get(0), op.input(1), null),
                        ConstantOps.zerosLike(op.graph(), op.input(1), null))).build());
        unaryWithGrad(r, "Relu6", "Relu6Grad", false, false);
        unaryWithGrad(r, "Elu", "EluGrad", true, false);
        unaryWithGrad(r, "LeakyRelu", "LeakyReluGrad", false, true);
        unaryWithGrad(r, "Softplus", "SoftplusGrad", false, false);
        unaryWithGrad(r, "Selu", "SeluGrad", true, false);
        unaryWithGrad(r, "Softsign", "SoftsignGrad", false, false);

        r.register(gradDef("Relu6Grad", false)
                .gradient((op, dy) -> List.of(gradOp(op.graph(), "Relu6Grad", dy.get(0), op.input(1), null),
                        ConstantOps.zerosLike(op.graph(), op.input(1), null))).build());
        r.register(gradDef("LeakyReluGrad", true)
                .gradient((op, dy) -> {
                    Graph g = op.graph();
                    Output grad = g.opBuilder("LeakyReluGrad", null).addInput(dy.get(0)).addInput(op.input(1))
                            .setAttr("alpha", op.attr("alpha")).build().output(0);
                    return List.of(grad, ConstantOps.zerosLike(g, op.input(1), null));
                }).build());
        for (String type : List.of("EluGrad", "SeluGrad")) {
            r.register(gradDef(type, false)
                    .gradient((op, dy) -> {
                        // XxxGrad(g, y) = g * (y < 0 ? y + c : k): linear in g; d/dy is g where y < 0.
                        Graph g = op.graph();
                        Output y = op.input(1);
                        Output dg = gradOp(g, type, dy.get(0), y, null);
                        Output neg = ComparisonOps.less(g, y, ConstantOps.scalar(g, y.dtype(), 0, "zero"), null);
                        Output dyTerm = ArithmeticOps.mul(g, dy.get(0), op.input(0), null);
                        Output dY = SelectOps.select(g, neg, dyTerm, ConstantOps.zerosLike(g, y, null), null);
                        return List.of(dg, dY);
                    }).build());
        }
        r.register(gradDef("SoftsignGrad", false)
                .gradient((op, dy) -> {
                    throw new UnimplementedException("TensorFlow defines no gradient for SoftsignGrad (op '" + op.name()
                            + "')");
                }).build());
        r.register(gradDef("SoftplusGrad", false)
                .gradient((op, dy) -> {
                    // SoftplusGrad(g, x) = g * sigmoid(x); d/dx = g * sigmoid'(x) = g / (e^-x + 2 + e^x).
                    Graph g = op.graph();
                    Output x = op.input(1);
                    Output ddy = gradOp(g, "SoftplusGrad", dy.get(0), x, null);
                    Output denom = ArithmeticOps.addV2(g,
                            ArithmeticOps.addV2(g, UnaryOps.exp(g, UnaryOps.neg(g, x, null), null),
                                    ConstantOps.scalar(g, x.dtype(), 2, "two"), null),
                            UnaryOps.exp(g, x, null), null);
                    Output d2x = ArithmeticOps.realDiv(g, ArithmeticOps.mul(g, dy.get(0), op.input(0), null), denom, null);
                    return List.of(ddy, d2x);
                }).build());
    }

    /** The channel dimension of a rank-{@code rank} BiasAdd operand. */
    static int channelDim(ShapeContext c, int rank) {
        String df = (String) c.attr("data_format");
        return switch (df) {
            case "NHWC" -> rank - 1;
            case "NCHW" -> rank >= 3 ? rank - 3 : rank - 1;
            default -> throw c.fail("data_format must be NHWC or NCHW, got '" + df + "'");
        };
    }

    private static void biasAddShape(ShapeContext c) {
        DType t = ShapeFns.sameDtype(c, 0, 1);
        Shape v = c.inputShape(0);
        Shape b = c.inputShape(1);
        if (b.hasKnownRank() && b.rank() != 1) {
            throw c.fail("bias must be 1-D, got shape " + b);
        }
        if (!v.hasKnownRank()) {
            c.setOutput(0, t, v);
            return;
        }
        if (v.rank() < 2) {
            throw c.fail("value must be at least 2-D, got shape " + v);
        }
        int cd = channelDim(c, v.rank());
        long vc = v.size(cd);
        long bc = b.hasKnownRank() ? b.size(0) : -1;
        if (vc >= 0 && bc >= 0 && vc != bc) {
            throw c.fail("Must provide as many biases as the channel dimension of the input tensor: bias shape " + b
                    + " vs value shape " + v);
        }
        c.setOutput(0, t, vc < 0 && bc >= 0 ? v.withDim(cd, bc) : v);
    }

    private static void unaryWithGrad(OpRegistry r, String type, String gradType, boolean useOutput, boolean alpha) {
        OpDef.Builder b = OpDef.builder(type).input("features").attr("T", AttrType.TYPE);
        if (alpha) {
            b.attr("alpha", AttrType.FLOAT, 0.2f);
        }
        r.register(b.shape(ActivationOps::floatUnary)
                .gradient((op, dy) -> {
                    var g = op.graph().opBuilder(gradType, null).addInput(dy.get(0))
                            .addInput(useOutput ? op.output(0) : op.input(0));
                    if (alpha) {
                        g.setAttr("alpha", op.attr("alpha"));
                    }
                    return List.of(g.build().output(0));
                }).build());
    }

    private static OpDef.Builder gradDef(String type, boolean alpha) {
        OpDef.Builder b = OpDef.builder(type).input("gradients").input(type.equals("EluGrad") || type.equals("SeluGrad") ? "outputs" : "features")
                .attr("T", AttrType.TYPE);
        if (alpha) {
            b.attr("alpha", AttrType.FLOAT, 0.2f);
        }
        return b.shape(c -> {
            DType t = ShapeFns.sameDtype(c, 0, 1);
            if (!c.inputShape(0).isCompatibleWith(c.inputShape(1))) {
                throw c.fail("gradients shape " + c.inputShape(0) + " does not match " + c.inputShape(1));
            }
            c.setOutput(0, t, c.inputShape(0).mergeWith(c.inputShape(1)));
        });
    }

    private static void floatUnary(ShapeContext c) {
        DType t = c.inputDtype(0);
        if (!t.isFloating()) {
            throw c.fail("features must be a floating type, got " + t);
        }
        c.setOutput(0, t, c.inputShape(0));
    }

    // ---- constructors ----

    private static Output gradOp(Graph g, String type, Output gradients, Output features, String name) {
        return g.opBuilder(type, name).addInput(gradients).addInput(features).build().output(0);
    }

    private static Output activation(Graph g, String type, Output features, String name) {
        return g.opBuilder(type, name).addInput(features).build().output(0);
    }

    /** {@code BiasAdd(value, bias)}: the 1-D bias added along the channel dimension of {@code dataFormat}. */
    public static Output biasAdd(Graph g, Output value, Output bias, String dataFormat, String name) {
        return g.opBuilder("BiasAdd", name).addInput(value).addInput(bias)
                .setAttr("data_format", dataFormat == null ? "NHWC" : dataFormat).build().output(0);
    }

    /** {@code BiasAddGrad(out_backprop)}: the sum over every dimension but the channel. */
    public static Output biasAddGrad(Graph g, Output outBackprop, String dataFormat, String name) {
        return g.opBuilder("BiasAddGrad", name).addInput(outBackprop)
                .setAttr("data_format", dataFormat == null ? "NHWC" : dataFormat).build().output(0);
    }

    /** {@code Relu(features)}: max(x, 0). */
    public static Output relu(Graph g, Output features, String name) {
        return activation(g, "Relu", features, name);
    }

    /** {@code ReluGrad(gradients, features)}: the gradients where the features are positive. */
    public static Output reluGrad(Graph g, Output gradients, Output features, String name) {
        return gradOp(g, "ReluGrad", gradients, features, name);
    }

    /** {@code Relu6(features)}: min(max(x, 0), 6). */
    public static Output relu6(Graph g, Output features, String name) {
        return activation(g, "Relu6", features, name);
    }

    /** {@code Elu(features)}: x for x > 0, exp(x) - 1 otherwise. */
    public static Output elu(Graph g, Output features, String name) {
        return activation(g, "Elu", features, name);
    }

    /** {@code LeakyRelu(features; alpha)}: x for x > 0, alpha * x otherwise. */
    public static Output leakyRelu(Graph g, Output features, float alpha, String name) {
        return g.opBuilder("LeakyRelu", name).addInput(features).setAttr("alpha", alpha).build().output(0);
    }

    /** {@code Selu(features)}: scale * x for x > 0, scale * alpha * (exp(x) - 1) otherwise. */
    public static Output selu(Graph g, Output features, String name) {
        return activation(g, "Selu", features, name);
    }

    /** {@code Softsign(features)}: x / (1 + |x|). */
    public static Output softsign(Graph g, Output features, String name) {
        return activation(g, "Softsign", features, name);
    }

    /**
     * {@code tf.nn.gelu(features, approximate)} as TensorFlow builds it in the scope {@code Gelu}:
     * {@code 0.5 * x * (1 + erf(x / sqrt(2)))}, or {@code 0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 *
     * x^3)))} when {@code approximate}.
     */
    public static Output gelu(Graph g, Output features, boolean approximate, String name) {
        try (var s = g.nameScope(name == null ? "Gelu" : name)) {
            Output half = ArithmeticOps.mul(g, features, 0.5, "mul");
            Output inner;
            if (approximate) {
                Output cube = ArithmeticOps.pow(g, features, 3, "Pow");
                Output arg = ArithmeticOps.mul(g, ArithmeticOps.addV2(g, features,
                        ArithmeticOps.mul(g, cube, 0.044715, "mul"), "add"), 0.7978845608028654, "mul");
                inner = UnaryOps.tanh(g, arg, null);
            } else {
                inner = UnaryOps.erf(g, ArithmeticOps.realDiv(g, features, 1.4142135623730951, "truediv"), null);
            }
            return ArithmeticOps.mul(g, half, ArithmeticOps.addV2(g, inner, 1.0, "add"), "mul");
        }
    }

    /** {@code Softplus(features)}: log(exp(x) + 1). */
    public static Output softplus(Graph g, Output features, String name) {
        return activation(g, "Softplus", features, name);
    }
}
