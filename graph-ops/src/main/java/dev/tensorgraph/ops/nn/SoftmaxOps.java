package dev.tensorgraph.ops.nn;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.array.TransposeOps;
import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.ops.indexing.SelectOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.CastOps;
import dev.tensorgraph.ops.math.ComparisonOps;
import dev.tensorgraph.ops.math.UnaryOps;
import dev.tensorgraph.ops.reduction.ReductionOps;
import dev.tensorgraph.ops.support.ShapeFns;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpLibrary;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ShapeContext;
import java.util.Arrays;
import java.util.List;

/**
 * Softmax over the last dimension ({@code Softmax}, {@code LogSoftmax}) and the fused losses
 * {@code SoftmaxCrossEntropyWithLogits} (dense, possibly soft labels; outputs loss {@code [batch]} and
 * backprop {@code softmax - labels}), {@code SparseSoftmaxCrossEntropyWithLogits} (int32/int64 class
 * indices) and {@code L2Loss} ({@code sum(t^2) / 2}). Gradients follow TensorFlow's {@code nn_grad.py},
 * including the second-order term of the cross-entropy losses. Also {@code tf.nn.softmax} over any axis, the
 * cross-entropy functions of {@code tf.nn} and {@code tf.nn.l2_normalize}.
 */
public final class SoftmaxOps implements OpLibrary {
    @Override
    public void register(OpRegistry r) {
        r.register(OpDef.builder("Softmax").input("logits").attr("T", AttrType.TYPE)
                .shape(SoftmaxOps::softmaxShape)
                .gradient((op, dy) -> {
                    // (dy - sum(dy * y, -1, keepdims)) * y
                    Graph g = op.graph();
                    Output y = op.output(0);
                    Output s = sumKept(g, ArithmeticOps.mul(g, dy.get(0), y, null), new int[] {-1});
                    return List.of(ArithmeticOps.mul(g, ArithmeticOps.sub(g, dy.get(0), s, null), y, null));
                }).build());
        r.register(OpDef.builder("LogSoftmax").input("logits").attr("T", AttrType.TYPE)
                .shape(SoftmaxOps::softmaxShape)
                .gradient((op, dy) -> {
                    // dy - exp(y) * sum(dy, -1, keepdims)
                    Graph g = op.graph();
                    Output softmax = UnaryOps.exp(g, op.output(0), null);
                    Output s = sumKept(g, dy.get(0), new int[] {-1});
                    return List.of(ArithmeticOps.sub(g, dy.get(0), ArithmeticOps.mul(g, s, softmax, null), null));
                }).build());
        r.register(OpDef.builder("SoftmaxCrossEntropyWithLogits").outputNames("loss", "backprop").input("features").input("labels")
                .attr("T", AttrType.TYPE)
                .shape(c -> {
                    DType t = ShapeFns.sameDtype(c, 0, 1);
                    checkFloat(c, t);
                    Shape f = c.inputShape(0);
                    Shape l = c.inputShape(1);
                    if ((f.hasKnownRank() && f.rank() != 2) || (l.hasKnownRank() && l.rank() != 2)) {
                        throw c.fail("logits and labels must be 2-D, got logits shape " + f + " and labels shape " + l);
                    }
                    Shape b = ShapeFns.broadcast(c, f.hasKnownRank() ? f : Shape.unknownOfRank(2),
                            l.hasKnownRank() ? l : Shape.unknownOfRank(2));
                    c.setOutput(0, t, Shape.of(b.size(0)));
                    c.setOutput(1, t, b);
                })
                .gradient((op, dy) -> {
                    Graph g = op.graph();
                    Output gLoss = ShapeOps.expandDims(g, dy.get(0), -1, null);
                    Output dFeatures = addSecondOrder(g, op, ArithmeticOps.mul(g, gLoss, op.output(1), null), dy.get(1));
                    Output logSoftmax = logSoftmax(g, op.input(0), null);
                    Output dLabels = ArithmeticOps.mul(g, gLoss, UnaryOps.neg(g, logSoftmax, null), null);
                    return List.of(dFeatures, dLabels);
                }).build());
        r.register(OpDef.builder("SparseSoftmaxCrossEntropyWithLogits").outputNames("loss", "backprop").input("features").input("labels")
                .attr("T", AttrType.TYPE).attr("Tlabels", AttrType.TYPE, DType.INT64)
                .shape(c -> {
                    DType t = c.inputDtype(0);
                    checkFloat(c, t);
                    DType lt = c.inputDtype(1);
                    if (lt != DType.INT32 && lt != DType.INT64) {
                        throw c.fail("labels must be int32 or int64, got " + lt);
                    }
                    if (lt != c.attrType("Tlabels")) {
                        throw c.fail("labels are " + lt + " but Tlabels is " + c.attrType("Tlabels"));
                    }
                    Shape f = c.inputShape(0);
                    Shape l = c.inputShape(1);
                    if ((f.hasKnownRank() && f.rank() != 2) || (l.hasKnownRank() && l.rank() != 1)) {
                        throw c.fail("logits must be 2-D and labels 1-D, got logits shape " + f + " and labels shape " + l);
                    }
                    long batch = f.hasKnownRank() ? f.size(0) : -1;
                    long lb = l.hasKnownRank() ? l.size(0) : -1;
                    if (batch >= 0 && lb >= 0 && batch != lb) {
                        throw c.fail("logits and labels must have the same first dimension, got logits shape " + f
                                + " and labels shape " + l);
                    }
                    long b = batch >= 0 ? batch : lb;
                    c.setOutput(0, t, Shape.of(b));
                    c.setOutput(1, t, Shape.of(b, f.hasKnownRank() ? f.size(1) : -1));
                })
                .gradient((op, dy) -> {
                    Graph g = op.graph();
                    Output gLoss = ShapeOps.expandDims(g, dy.get(0), -1, null);
                    Output dFeatures = addSecondOrder(g, op, ArithmeticOps.mul(g, gLoss, op.output(1), null), dy.get(1));
                    return Arrays.asList(dFeatures, null);
                }).build());
        r.register(OpDef.builder("L2Loss").input("t").attr("T", AttrType.TYPE)
                .shape(c -> {
                    checkFloat(c, c.inputDtype(0));
                    c.setOutput(0, c.inputDtype(0), Shape.scalar());
                })
                .gradient((op, dy) -> List.of(ArithmeticOps.mul(op.graph(), op.input(0), dy.get(0), null)))
                .build());
    }

    /**
     * TensorFlow's second-order term: when the backprop output itself receives a gradient {@code gg},
     * add {@code (gg - sum(gg * softmax, -1, keepdims)) * softmax}. Zeros filled in by the engine are skipped.
     */
    private static Output addSecondOrder(Graph g, Operation op, Output grad, Output gg) {
        if (gg == null || ConstantOps.isZerosLike(gg)) {
            return grad;
        }
        Output softmax = softmax(g, op.input(0), null);
        Output s = sumKept(g, ArithmeticOps.mul(g, gg, softmax, null), new int[] {-1});
        Output term = ArithmeticOps.mul(g, ArithmeticOps.sub(g, gg, s, null), softmax, null);
        return ArithmeticOps.addV2(g, grad, term, null);
    }

    /** Sum over {@code axes}, kept, with the axes a constant {@code reduction_indices} beside the op. */
    private static Output sumKept(Graph g, Output x, int[] axes) {
        return ReductionOps.sum(g, x, ConstantOps.intVector(g, axes, "reduction_indices"), true, null);
    }

    private static void checkFloat(ShapeContext c, DType t) {
        if (!t.isFloating()) {
            throw c.fail("T must be a floating type, got " + t);
        }
    }

    private static void softmaxShape(ShapeContext c) {
        checkFloat(c, c.inputDtype(0));
        Shape s = c.inputShape(0);
        if (s.hasKnownRank() && s.rank() < 1) {
            throw c.fail("logits must have at least one dimension, got shape " + s);
        }
        c.setOutput(0, c.inputDtype(0), s);
    }

    // ---- constructors ----

    /** {@code Softmax(logits)} over the last axis. */
    public static Output softmax(Graph g, Output logits, String name) {
        return g.opBuilder("Softmax", name).addInput(logits).build().output(0);
    }

    /** {@code LogSoftmax(logits)} over the last axis. */
    public static Output logSoftmax(Graph g, Output logits, String name) {
        return g.opBuilder("LogSoftmax", name).addInput(logits).build().output(0);
    }

    /** {@code tf.nn.softmax(logits, axis)}: other axes are swapped to the end with a Transpose, as TensorFlow does. */
    public static Output softmax(Graph g, Output logits, int axis, String name) {
        return onAxis(g, "Softmax", logits, axis, name);
    }

    /** {@code tf.nn.log_softmax(logits, axis)}. */
    public static Output logSoftmax(Graph g, Output logits, int axis, String name) {
        return onAxis(g, "LogSoftmax", logits, axis, name);
    }

    private static Output onAxis(Graph g, String type, Output logits, int axis, String name) {
        Shape s = logits.shape();
        if (axis == -1 || (s.hasKnownRank() && axis == s.rank() - 1)) {
            return g.opBuilder(type, name).addInput(logits).build().output(0);
        }
        if (!s.hasKnownRank()) {
            throw new InvalidArgumentException(type + " over axis " + axis + " needs the rank of logits");
        }
        int rank = s.rank();
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new InvalidArgumentException("axis " + axis + " is out of range for logits of shape " + s);
        }
        int[] perm = new int[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = i;
        }
        perm[a] = rank - 1;
        perm[rank - 1] = a;
        Output t = TransposeOps.transpose(g, logits, ConstantOps.intVector(g, perm, "perm"), null);
        Output y = g.opBuilder(type, null).addInput(t).build().output(0);
        return TransposeOps.transpose(g, y, ConstantOps.intVector(g, perm, "perm"), name);
    }

    /**
     * {@code tf.nn.softmax_cross_entropy_with_logits(labels=, logits=)} (TF1: labels get no gradient): the
     * loss per row of rank-2 logits. Name scope {@code softmax_cross_entropy_with_logits_sg}.
     */
    public static Output softmaxCrossEntropyWithLogits(Graph g, Output labels, Output logits, String name) {
        try (var s = g.nameScope(name == null ? "softmax_cross_entropy_with_logits_sg" : name)) {
            Output l = ControlOps.stopGradient(g, labels, "labels_stop_gradient");
            return softmaxCrossEntropyWithLogitsV2(g, l, logits, s.name());
        }
    }

    /**
     * {@code tf.nn.softmax_cross_entropy_with_logits_v2}: one {@code SoftmaxCrossEntropyWithLogits} op (named
     * {@code softmax_cross_entropy_with_logits} by default) of the logits and the labels cast to their dtype;
     * gradients flow to the labels too. Returns the loss per row.
     */
    public static Output softmaxCrossEntropyWithLogitsV2(Graph g, Output labels, Output logits, String name) {
        Shape s = logits.shape();
        if (s.hasKnownRank() && s.rank() != 2) {
            throw new InvalidArgumentException("softmax_cross_entropy_with_logits expects rank-2 logits, got shape " + s);
        }
        Output l = CastOps.cast(g, labels, logits.dtype(), null);
        return g.opBuilder("SoftmaxCrossEntropyWithLogits", name == null ? "softmax_cross_entropy_with_logits" : name)
                .addInput(logits).addInput(l).build().output(0);
    }

    /**
     * {@code tf.nn.sparse_softmax_cross_entropy_with_logits(labels=, logits=)}: one
     * {@code SparseSoftmaxCrossEntropyWithLogits} op named {@code xentropy} in the scope {@code name}; labels are
     * int32/int64 class indices, and one outside {@code [0, classes)} fails at run time naming it.
     */
    public static Output sparseSoftmaxCrossEntropyWithLogits(Graph g, Output labels, Output logits, String name) {
        try (var s = g.nameScope(name == null ? "SparseSoftmaxCrossEntropyWithLogits" : name)) {
            return g.opBuilder("SparseSoftmaxCrossEntropyWithLogits", "xentropy").addInput(logits).addInput(labels)
                    .setAttr("Tlabels", labels.dtype()).build().output(0);
        }
    }

    /**
     * {@code tf.nn.sigmoid_cross_entropy_with_logits(labels=, logits=)}: {@code max(x, 0) - x * z +
     * log(1 + exp(-|x|))}, built as TensorFlow does under the name scope {@code logistic_loss}.
     */
    public static Output sigmoidCrossEntropyWithLogits(Graph g, Output labels, Output logits, String name) {
        try (var s = g.nameScope(name == null ? "logistic_loss" : name)) {
            return logisticLoss(g, labels, logits, null, null, s.name());
        }
    }

    /**
     * The ops of the logistic loss in the current scope; {@code mulName}/{@code subName} name the product and the
     * difference (null: their types) and {@code name} the sum.
     */
    public static Output logisticLoss(Graph g, Output labels, Output logits, String mulName, String subName,
                                      String name) {
        Output zeros = ConstantOps.zerosLike(g, logits, null);
        Output cond = ComparisonOps.greaterEqual(g, logits, zeros, null);
        Output reluLogits = SelectOps.select(g, cond, logits, zeros, null);
        Output negAbs = SelectOps.select(g, cond, UnaryOps.neg(g, logits, null), logits, null);
        Output a = ArithmeticOps.sub(g, reluLogits, ArithmeticOps.mul(g, logits, labels, mulName), subName);
        Output b = UnaryOps.log1p(g, UnaryOps.exp(g, negAbs, null), null);
        return ArithmeticOps.addV2(g, a, b, name);
    }

    /** {@code L2Loss(t)}: {@code sum(t ** 2) / 2}. */
    public static Output l2Loss(Graph g, Output t, String name) {
        return g.opBuilder("L2Loss", name).addInput(t).build().output(0);
    }

    /** {@code tf.nn.l2_normalize(x, axis, epsilon)}: {@code x * rsqrt(max(sum(x^2, axis), epsilon))}. */
    public static Output l2Normalize(Graph g, Output x, int[] axes, float epsilon, String name) {
        try (var s = g.nameScope(name == null ? "l2_normalize" : name)) {
            Output sq = UnaryOps.square(g, x, null);
            Output sum = sumKept(g, sq, axes);
            Output m = ArithmeticOps.maximum(g, sum, ConstantOps.scalar(g, x.dtype(), epsilon, "Maximum/y"), null);
            Output inv = UnaryOps.rsqrt(g, m, null);
            return ArithmeticOps.mul(g, x, inv, s.name());
        }
    }
}
