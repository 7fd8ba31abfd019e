package dev.tensorgraph.ops.losses;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Output;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.CastOps;
import dev.tensorgraph.ops.nn.SoftmaxOps;
import dev.tensorgraph.ops.reduction.ReductionOps;
import dev.tensorgraph.ops.support.GraphBound;
import dev.tensorgraph.ops.support.ShapeArgs;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code tf.losses} namespace of TensorFlow 1.x. Each loss computes per-element losses, weights them with a
 * scalar weight (default 1) and reduces them with TensorFlow's default {@code Reduction.SUM_BY_NONZERO_WEIGHTS}:
 * the weighted sum divided by the number of elements with a non-zero weight ({@code DivNoNan}, so 0 when all
 * weights are 0) — the mean over the batch for weight 1. The result is added to the {@code LOSSES} collection.
 *
 * <pre>{@code
 * TfLosses losses = new TfLosses(g);
 * Output loss = losses.sparseSoftmaxCrossEntropy(labels, logits);   // sparse_softmax_cross_entropy_loss/value
 * Output total = losses.getTotalLoss();                             // LOSSES + REGULARIZATION_LOSSES
 * }</pre>
 */
public final class TfLosses {
    private final Graph g;

    /** The losses of {@code g}. */
    public TfLosses(Graph g) {
        this.g = g;
    }

    /** @deprecated use {@link #TfLosses(Graph)}. */
    @Deprecated
    public TfLosses(GraphBound tf) {
        this(tf.graph());
    }

    // ---- losses ----

    /**
     * {@code tf.losses.softmax_cross_entropy(onehot_labels, logits)}: mean over the batch of
     * {@code -sum(labels * log_softmax(logits))}; labels are cast to the logits' dtype and get no gradient.
     */
    public Output softmaxCrossEntropy(Output onehotLabels, Output logits) {
        return softmaxCrossEntropy(onehotLabels, logits, 1.0, null);
    }

    public Output softmaxCrossEntropy(Output onehotLabels, Output logits, double weights, String scope) {
        checkCompatible(logits, onehotLabels, "softmax_cross_entropy");
        try (var s = g.nameScope(scope == null ? "softmax_cross_entropy_loss" : scope)) {
            Output labels = cast(onehotLabels, logits.dtype());
            labels = ControlOps.stopGradient(g, labels, "labels_stop_gradient");
            Output losses = SoftmaxOps.softmaxCrossEntropyWithLogitsV2(g, labels, logits, "xentropy");
            return computeWeightedLoss(losses, weights);
        }
    }

    /**
     * {@code tf.losses.sparse_softmax_cross_entropy(labels, logits)}: class ids ({@code int32}/{@code int64},
     * rank one less than logits) instead of one-hot labels.
     */
    public Output sparseSoftmaxCrossEntropy(Output labels, Output logits) {
        return sparseSoftmaxCrossEntropy(labels, logits, 1.0, null);
    }

    public Output sparseSoftmaxCrossEntropy(Output labels, Output logits, double weights, String scope) {
        if (labels.dtype() != DType.INT32 && labels.dtype() != DType.INT64) {
            throw new InvalidArgumentException("sparse_softmax_cross_entropy: labels must be int32 or int64, got "
                    + labels.dtype() + " ('" + labels.name() + "')");
        }
        try (var s = g.nameScope(scope == null ? "sparse_softmax_cross_entropy_loss" : scope)) {
            Output losses = SoftmaxOps.sparseSoftmaxCrossEntropyWithLogits(g, labels, logits, "xentropy");
            return computeWeightedLoss(losses, weights);
        }
    }

    /** {@code tf.losses.mean_squared_error(labels, predictions)}: mean of {@code (predictions - labels)^2}, in float32. */
    public Output meanSquaredError(Output labels, Output predictions) {
        return meanSquaredError(labels, predictions, 1.0, null);
    }

    public Output meanSquaredError(Output labels, Output predictions, double weights, String scope) {
        checkCompatible(predictions, labels, "mean_squared_error");
        try (var s = g.nameScope(scope == null ? "mean_squared_error" : scope)) {
            Output p = cast(predictions, DType.FLOAT32);
            Output l = cast(labels, DType.FLOAT32);
            Output losses = ArithmeticOps.squaredDifference(g, p, l, null);
            return computeWeightedLoss(losses, weights);
        }
    }

    /**
     * {@code tf.losses.sigmoid_cross_entropy(multi_class_labels, logits)}: mean of the numerically stable
     * {@code max(x, 0) - x * z + log(1 + exp(-|x|))} (TensorFlow's {@code sigmoid_cross_entropy_with_logits}).
     */
    public Output sigmoidCrossEntropy(Output multiClassLabels, Output logits) {
        return sigmoidCrossEntropy(multiClassLabels, logits, 1.0, null);
    }

    public Output sigmoidCrossEntropy(Output multiClassLabels, Output logits, double weights, String scope) {
        checkCompatible(logits, multiClassLabels, "sigmoid_cross_entropy");
        try (var s = g.nameScope(scope == null ? "sigmoid_cross_entropy_loss" : scope)) {
            Output z = cast(multiClassLabels, logits.dtype());
            Output losses;
            try (var x = g.nameScope("xentropy")) {
                losses = SoftmaxOps.logisticLoss(g, z, logits, "mul", "sub", x.name());
            }
            return computeWeightedLoss(losses, weights);
        }
    }

    // ---- collections ----

    /** {@code tf.losses.get_losses()}: the LOSSES collection. */
    public List<Output> getLosses() {
        return g.collection(GraphKeys.LOSSES, Output.class);
    }

    /** {@code tf.losses.get_regularization_losses()}: the REGULARIZATION_LOSSES collection. */
    public List<Output> getRegularizationLosses() {
        return g.collection(GraphKeys.REGULARIZATION_LOSSES, Output.class);
    }

    /**
     * {@code tf.losses.get_regularization_loss()}: {@code AddN} of the regularization losses named
     * {@code total_regularization_loss}, or a float32 constant 0 when there are none.
     */
    public Output getRegularizationLoss() {
        return getRegularizationLoss("total_regularization_loss");
    }

    public Output getRegularizationLoss(String name) {
        List<Output> losses = getRegularizationLosses();
        if (losses.isEmpty()) {
            return ConstantOps.scalar(g, DType.FLOAT32, 0, "Const");
        }
        return ArithmeticOps.addNOp(g, losses, name);
    }

    /** {@code tf.losses.get_total_loss()}: {@code AddN} of LOSSES and REGULARIZATION_LOSSES named {@code total_loss}. */
    public Output getTotalLoss() {
        return getTotalLoss(true, "total_loss");
    }

    public Output getTotalLoss(boolean addRegularizationLosses, String name) {
        List<Output> losses = new ArrayList<>(getLosses());
        if (addRegularizationLosses) {
            losses.addAll(getRegularizationLosses());
        }
        if (losses.isEmpty()) {
            throw new InvalidArgumentException("No losses found: the LOSSES collection"
                    + (addRegularizationLosses ? " and the REGULARIZATION_LOSSES collection are" : " is") + " empty");
        }
        return ArithmeticOps.addNOp(g, losses, name);
    }

    /** {@code tf.losses.add_loss(loss)}. */
    public void addLoss(Output loss) {
        g.addToCollection(GraphKeys.LOSSES, loss);
    }

    // ---- reduction ----

    /**
     * {@code compute_weighted_loss} with a scalar weight and SUM_BY_NONZERO_WEIGHTS: {@code Mul} by the weight,
     * {@code Sum}, divided ({@code DivNoNan} named {@code value}) by the number of elements ({@code num_elements})
     * when the weight is non-zero, by 0 otherwise; cast back to the input dtype and added to LOSSES.
     */
    private Output computeWeightedLoss(Output losses, double weights) {
        DType inputDtype = losses.dtype();
        Output l = cast(losses, DType.FLOAT32);
        Output w = ConstantOps.scalar(g, DType.FLOAT32, weights, "Cast/x");
        Output weighted = ArithmeticOps.mul(g, l, w, null);
        Output axes;
        if (weighted.shape().hasKnownRank()) {
            axes = ConstantOps.intVector(g, ShapeArgs.range(weighted.shape().rank()), "Const");
        } else {
            Output r = ShapeOps.rank(g, weighted, null);
            axes = ConstantOps.range(g, ConstantOps.scalar(g, DType.INT32, 0, "range/start"), r,
                    ConstantOps.scalar(g, DType.INT32, 1, "range/delta"), null);
        }
        Output sum = ReductionOps.sum(g, weighted, axes, false, null);
        Output count;
        if (weights != 0.0) {
            try (var s = g.nameScope("num_elements")) {
                Output size = ShapeOps.size(g, l, DType.INT32, s.name());
                count = cast(size, DType.FLOAT32);
            }
        } else {
            count = ConstantOps.scalar(g, DType.FLOAT32, 0, "num_present");
        }
        Output loss = ArithmeticOps.divNoNan(g, sum, count, "value");
        loss = cast(loss, inputDtype);
        g.addToCollection(GraphKeys.LOSSES, loss);
        return loss;
    }

    /** {@code tf.cast}: the tensor itself when it already has {@code dtype}. */
    private Output cast(Output x, DType dtype) {
        return CastOps.cast(g, x, dtype, null);
    }

    private static void checkCompatible(Output a, Output b, String what) {
        if (!a.shape().isCompatibleWith(b.shape())) {
            throw new InvalidArgumentException(what + ": shapes " + a.shape() + " ('" + a.name() + "') and "
                    + b.shape() + " ('" + b.name() + "') are incompatible");
        }
    }
}
