package dev.tensorgraph.ops.nn;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.UnaryOps;
import dev.tensorgraph.ops.reduction.ReductionOps;
import dev.tensorgraph.ops.support.ShapeFns;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import java.util.Arrays;
import java.util.List;
import dev.tensorgraph.OpBuilder;
import dev.tensorgraph.ops.array.TransposeOps;

/**
 * Fused batch normalization, {@code FusedBatchNormV3} and {@code FusedBatchNormGradV3} and the older
 * {@code FusedBatchNorm}/{@code FusedBatchNormGrad} (one type) and {@code FusedBatchNormV2}/{@code
 * FusedBatchNormGradV2} (five outputs: no reserve_space_3), over the channel dimension of a rank-4 NHWC or
 * NCHW tensor. Training ({@code is_training}) normalizes with the batch
 * statistics and returns the Bessel-corrected batch variance as {@code batch_variance} (blended with the
 * running value when {@code exponential_avg_factor != 1}); reserve_space_1/2 hold the batch mean and the
 * biased variance for the backward op. Inference normalizes with the given mean and variance. Also
 * {@code tf.nn.moments} and {@code tf.nn.batch_normalization}, which {@code tf.layers.batch_normalization}
 * composes when it does not fuse.
 */
public final class BatchNormOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        for (int version = 0; version <= 2; version++) {
            registerVersion(r, version);
        }
    }

    private static final String[] FORWARD = {"FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"};
    private static final String[] BACKWARD = {"FusedBatchNormGrad", "FusedBatchNormGradV2", "FusedBatchNormGradV3"};

    /**
     * One version of the op pair: 0 (FusedBatchNorm, everything of type T), 1 (V2: the statistics of type U;
     * its gradient takes a float32 scale) or 2 (V3: a sixth output, reserve_space_3, that the gradient takes).
     */
    private static void registerVersion(OpRegistry r, int version) {
        OpDef.Builder fwd = OpDef.builder(FORWARD[version]).input("x").input("scale").input("offset").input("mean")
                .input("variance").attr("T", AttrType.TYPE);
        if (version > 0) {
            fwd.attr("U", AttrType.TYPE);
        }
        fwd.outputNames(version == 2
                ? new String[] {"y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2", "reserve_space_3"}
                : new String[] {"y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2"});
        r.register(fwd.attr("epsilon", AttrType.FLOAT, 0.0001f).attr("exponential_avg_factor", AttrType.FLOAT, 1.0f)
                .attr("data_format", AttrType.STRING, "NHWC").attr("is_training", AttrType.BOOL, true)
                .shape(c -> {
                    DType t = c.inputDtype(0);
                    DType u = version == 0 ? t : c.attrType("U");
                    checkTypes(c, t, u, 1, 5);
                    Shape x = Windows.rank4(c, 0, "x");
                    long ch = channels(c, x, 1, 5);
                    c.setOutput(0, t, x);
                    for (int i = 1; i <= 4; i++) {
                        c.setOutput(i, u, Shape.of(ch));
                    }
                    if (version == 2) {
                        c.setOutput(5, u, Shape.unknown());
                    }
                })
                .gradient((op, dy) -> forwardGradient(op, version, dy.get(0))).build());
        OpDef.Builder bwd = OpDef.builder(BACKWARD[version]).input("y_backprop").input("x").input("scale")
                .input("reserve_space_1").input("reserve_space_2");
        if (version == 2) {
            bwd.input("reserve_space_3");
        }
        bwd.attr("T", AttrType.TYPE).outputNames("x_backprop", "scale_backprop", "offset_backprop",
                version == 2 ? "reserve_space_4" : "reserve_space_3", version == 2 ? "reserve_space_5" : "reserve_space_4");
        if (version > 0) {
            bwd.attr("U", AttrType.TYPE);
        }
        r.register(bwd.attr("epsilon", AttrType.FLOAT, 0.0001f)
                .attr("data_format", AttrType.STRING, "NHWC").attr("is_training", AttrType.BOOL, true)
                .shape(c -> {
                    DType t = ShapeFns.sameDtype(c, 0, 1);
                    DType u = version == 0 ? t : c.attrType("U");
                    checkTypes(c, t, u, 3, 5);
                    DType scaleType = version == 0 ? t : version == 1 ? DType.FLOAT32 : u;
                    if (c.inputDtype(2) != scaleType && !(version == 1 && c.inputDtype(2) == u)) {
                        throw c.fail("scale is " + c.inputDtype(2) + " but must be " + scaleType);
                    }
                    Shape x = Windows.rank4(c, 1, "x");
                    if (!x.isCompatibleWith(c.inputShape(0))) {
                        throw c.fail("y_backprop shape " + c.inputShape(0) + " does not match x shape " + x);
                    }
                    long ch = channels(c, x, 2, 5);
                    c.setOutput(0, t, x.mergeWith(c.inputShape(0)));
                    c.setOutput(1, u, Shape.of(ch));
                    c.setOutput(2, u, Shape.of(ch));
                    c.setOutput(3, u, Shape.of(0));
                    c.setOutput(4, u, Shape.of(0));
                })
                .gradient((op, dy) -> {
                    throw new dev.tensorgraph.errors.UnimplementedException(
                            "second-order gradient of " + op.type() + " is not implemented");
                }).build());
    }

    /**
     * The gradient of a fused batch norm as TensorFlow builds it: in training from the reserve spaces; in
     * inference from the given mean and variance, computed in NHWC (NCHW operands are transposed there and the
     * input gradient back).
     */
    private static List<Output> forwardGradient(Operation op, int version, Output dy) {
        Graph g = op.graph();
        boolean training = op.attrBool("is_training");
        String df = op.attrString("data_format");
        Output x = op.input(0);
        Output rs1 = training ? op.output(3) : op.input(3);
        Output rs2 = training ? op.output(4) : op.input(4);
        Output rs3 = version == 2 ? op.output(5) : null;
        boolean transpose = !training && "NCHW".equals(df);
        if (transpose) {
            x = TransposeOps.transpose(g, x, new int[] {0, 2, 3, 1}, null);
            dy = TransposeOps.transpose(g, dy, new int[] {0, 2, 3, 1}, null);
        }
        FusedBatchNormGrad grad = fusedBatchNormGrad(g, version, dy, x, op.input(1), rs1, rs2, rs3,
                op.attrFloat("epsilon"), transpose ? "NHWC" : df, training, null);
        Output dx = transpose ? TransposeOps.transpose(g, grad.xBackprop(), new int[] {0, 3, 1, 2}, null)
                : grad.xBackprop();
        return Arrays.asList(dx, grad.scaleBackprop(), grad.offsetBackprop(), null, null);
    }

    private static void checkTypes(ShapeContext c, DType t, DType u, int from, int to) {
        if (!t.isFloating()) {
            throw c.fail("T must be float32, float64, bfloat16 or float16, got " + t);
        }
        for (int i = from; i < to; i++) {
            if (c.inputDtype(i) != u) {
                throw c.fail("input " + i + " is " + c.inputDtype(i) + " but U is " + u);
            }
        }
    }

    /** The channel count; every 1-D parameter input in [from, to) must be empty or match it. */
    private static long channels(ShapeContext c, Shape x, int from, int to) {
        int[] hwc = Windows.layout(c, (String) c.attr("data_format"));
        long ch = x.size(hwc[2]);
        for (int i = from; i < to; i++) {
            Shape s = c.inputShape(i);
            if (!s.hasKnownRank()) {
                continue;
            }
            if (s.rank() != 1) {
                throw c.fail("input " + i + " must be 1-D, got shape " + s);
            }
            long n = s.size(0);
            if (n == 0 || n < 0) {
                continue;
            }
            if (ch >= 0 && n != ch) {
                throw c.fail("input " + i + " has shape " + s + " but x " + x + " has " + ch + " channels");
            }
            ch = n;
        }
        return ch;
    }

    // ---- constructors ----

    /**
     * {@code FusedBatchNormV3(x, scale, offset, mean, variance)}; in training, mean and variance may be null
     * (empty constants are fed).
     */
    public static FusedBatchNorm fusedBatchNormV3(Graph g, Output x, Output scale, Output offset, Output mean,
                                                  Output variance, float epsilon, float exponentialAvgFactor,
                                                  String dataFormat, boolean isTraining, String name) {
        return fusedBatchNorm(g, 2, x, scale, offset, mean, variance, epsilon, exponentialAvgFactor, dataFormat,
                isTraining, name);
    }

    /** {@code FusedBatchNormV2(x, scale, offset, mean, variance)}: as V3 without reserve_space_3. */
    public static FusedBatchNorm fusedBatchNormV2(Graph g, Output x, Output scale, Output offset, Output mean,
                                                  Output variance, float epsilon, float exponentialAvgFactor,
                                                  String dataFormat, boolean isTraining, String name) {
        return fusedBatchNorm(g, 1, x, scale, offset, mean, variance, epsilon, exponentialAvgFactor, dataFormat,
                isTraining, name);
    }

    /** {@code FusedBatchNorm(x, scale, offset, mean, variance)}: every input and output of x's type. */
    public static FusedBatchNorm fusedBatchNorm(Graph g, Output x, Output scale, Output offset, Output mean,
                                                Output variance, float epsilon, float exponentialAvgFactor,
                                                String dataFormat, boolean isTraining, String name) {
        return fusedBatchNorm(g, 0, x, scale, offset, mean, variance, epsilon, exponentialAvgFactor, dataFormat,
                isTraining, name);
    }

    private static FusedBatchNorm fusedBatchNorm(Graph g, int version, Output x, Output scale, Output offset,
                                                 Output mean, Output variance, float epsilon, float exponentialAvgFactor,
                                                 String dataFormat, boolean isTraining, String name) {
        if (!isTraining && (mean == null || variance == null)) {
            throw new InvalidArgumentException("fused_batch_norm in inference needs mean and variance");
        }
        DType u = scale.dtype();
        Output m = mean != null ? mean : ConstantOps.constant(g, Tensor.of(u, Shape.of(0), Tensor.newArray(u, 0)), "Const");
        Output v = variance != null ? variance
                : ConstantOps.constant(g, Tensor.of(u, Shape.of(0), Tensor.newArray(u, 0)), "Const");
        OpBuilder b = g.opBuilder(FORWARD[version], name).addInput(x).addInput(scale).addInput(offset).addInput(m)
                .addInput(v);
        if (version > 0) {
            b.setAttr("U", u);
        }
        Operation op = b.setAttr("epsilon", epsilon).setAttr("exponential_avg_factor", exponentialAvgFactor)
                .setAttr("data_format", dataFormat == null ? "NHWC" : dataFormat).setAttr("is_training", isTraining)
                .build();
        return new FusedBatchNorm(op.output(0), op.output(1), op.output(2));
    }

    /** {@code FusedBatchNormGradV3}: the gradients of a FusedBatchNormV3 from its reserve spaces. */
    public static FusedBatchNormGrad fusedBatchNormGradV3(Graph g, Output yBackprop, Output x, Output scale,
                                                          Output reserveSpace1, Output reserveSpace2,
                                                          Output reserveSpace3, float epsilon, String dataFormat,
                                                          boolean isTraining, String name) {
        return fusedBatchNormGrad(g, 2, yBackprop, x, scale, reserveSpace1, reserveSpace2, reserveSpace3, epsilon,
                dataFormat, isTraining, name);
    }

    /** {@code FusedBatchNormGradV2}: the gradients of a FusedBatchNormV2. */
    public static FusedBatchNormGrad fusedBatchNormGradV2(Graph g, Output yBackprop, Output x, Output scale,
                                                          Output reserveSpace1, Output reserveSpace2, float epsilon,
                                                          String dataFormat, boolean isTraining, String name) {
        return fusedBatchNormGrad(g, 1, yBackprop, x, scale, reserveSpace1, reserveSpace2, null, epsilon, dataFormat,
                isTraining, name);
    }

    /** {@code FusedBatchNormGrad}: the gradients of a FusedBatchNorm. */
    public static FusedBatchNormGrad fusedBatchNormGrad(Graph g, Output yBackprop, Output x, Output scale,
                                                        Output reserveSpace1, Output reserveSpace2, float epsilon,
                                                        String dataFormat, boolean isTraining, String name) {
        return fusedBatchNormGrad(g, 0, yBackprop, x, scale, reserveSpace1, reserveSpace2, null, epsilon, dataFormat,
                isTraining, name);
    }

    private static FusedBatchNormGrad fusedBatchNormGrad(Graph g, int version, Output yBackprop, Output x, Output scale,
                                                         Output reserveSpace1, Output reserveSpace2,
                                                         Output reserveSpace3, float epsilon, String dataFormat,
                                                         boolean isTraining, String name) {
        OpBuilder b = g.opBuilder(BACKWARD[version], name).addInput(yBackprop).addInput(x).addInput(scale)
                .addInput(reserveSpace1).addInput(reserveSpace2);
        if (version == 2) {
            b.addInput(reserveSpace3);
        }
        if (version > 0) {
            b.setAttr("U", reserveSpace1.dtype());
        }
        Operation op = b.setAttr("epsilon", epsilon).setAttr("data_format", dataFormat == null ? "NHWC" : dataFormat)
                .setAttr("is_training", isTraining).build();
        return new FusedBatchNormGrad(op.output(0), op.output(1), op.output(2));
    }

    /**
     * {@code tf.nn.moments(x, axes, keep_dims)} as TensorFlow builds it in the scope {@code moments}: {@code mean}
     * and {@code variance} (the mean of the squared difference from the stopped-gradient mean), each a Mean with
     * its axes {@code <op>/reduction_indices}, then squeezed unless {@code keepDims}.
     */
    public static Moments moments(Graph g, Output x, int[] axes, boolean keepDims, String name) {
        try (var s = g.nameScope(name == null ? "moments" : name)) {
            Output mean = ReductionOps.mean(g, x, axes, true, "mean");
            Output sg = ControlOps.stopGradient(g, mean, null);
            Output sq = ArithmeticOps.squaredDifference(g, x, sg, null);
            Output variance = ReductionOps.mean(g, sq, axes, true, "variance");
            if (keepDims) {
                return new Moments(mean, variance);
            }
            return new Moments(ShapeOps.squeeze(g, mean, axes, null), ShapeOps.squeeze(g, variance, axes, null));
        }
    }

    /**
     * {@code tf.nn.batch_normalization(x, mean, variance, offset, scale, variance_epsilon)} as TensorFlow builds it
     * in the scope {@code batchnorm}: {@code inv = rsqrt(variance + eps) [* scale]}, then
     * {@code x * inv + (offset - mean * inv)} ({@code -mean * inv} without offset); offset and scale may be null.
     */
    public static Output batchNormalization(Graph g, Output x, Output mean, Output variance, Output offset, Output scale,
                                            double varianceEpsilon, String name) {
        try (var s = g.nameScope(name == null ? "batchnorm" : name)) {
            Output inv = UnaryOps.rsqrt(g, ArithmeticOps.addV2(g, variance, varianceEpsilon, "add"), null);
            if (scale != null) {
                inv = ArithmeticOps.mul(g, inv, scale, "mul");
            }
            Output xs = ArithmeticOps.mul(g, x, inv, "mul");
            Output shift = offset != null ? ArithmeticOps.sub(g, offset, ArithmeticOps.mul(g, mean, inv, "mul"), "sub")
                    : ArithmeticOps.mul(g, UnaryOps.neg(g, mean, null), inv, "mul");
            return ArithmeticOps.addV2(g, xs, shift, "add");
        }
    }
}
