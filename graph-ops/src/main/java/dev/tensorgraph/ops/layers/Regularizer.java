package dev.tensorgraph.ops.layers;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.UnaryOps;
import dev.tensorgraph.ops.nn.SoftmaxOps;
import dev.tensorgraph.ops.reduction.ReductionOps;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A weight regularizer: maps a layer's weight to a scalar penalty, which the layer adds to the
 * {@code REGULARIZATION_LOSSES} collection (built under the name scope {@code <layer>/<weight>/Regularizer}). A
 * regularizer may return null for no penalty (a scale of 0, as TensorFlow's).
 */
@FunctionalInterface
public interface Regularizer {
    Output apply(Output weights);

    /**
     * {@code tf.contrib.layers.l2_regularizer(scale)}: {@code scale * l2_loss(w) = scale * sum(w^2) / 2} (note the
     * half, unlike Keras' {@code l2}, which is {@code scale * sum(w^2)}). Ops: {@code l2_regularizer/scale},
     * {@code l2_regularizer/L2Loss} and the product named {@code l2_regularizer}. A scale of 0 gives no penalty.
     */
    static Regularizer l2Regularizer(double scale) {
        return l2Regularizer(scale, null);
    }

    /** As {@link #l2Regularizer(double)} with the ops in the name scope {@code scope} (null: {@code l2_regularizer}). */
    static Regularizer l2Regularizer(double scale, String scope) {
        return scaled("l2_regularizer", scale, scope, w -> SoftmaxOps.l2Loss(w.graph(), w, null));
    }

    /**
     * {@code tf.contrib.layers.l1_regularizer(scale)}: {@code scale * sum(|w|)}, the product named
     * {@code l1_regularizer} after {@code l1_regularizer/scale}, {@code l1_regularizer/Abs} and
     * {@code l1_regularizer/Sum}. A scale of 0 gives no penalty.
     */
    static Regularizer l1Regularizer(double scale) {
        return l1Regularizer(scale, null);
    }

    static Regularizer l1Regularizer(double scale, String scope) {
        return scaled("l1_regularizer", scale, scope,
                w -> ReductionOps.sum(w.graph(), UnaryOps.abs(w.graph(), w, null), (int[]) null, false, null));
    }

    /**
     * {@code tf.contrib.layers.l1_l2_regularizer(scale_l1, scale_l2)}: the sum of both penalties in the scope
     * {@code l1_l2_regularizer}; a scale of 0 leaves out its part.
     */
    static Regularizer l1L2Regularizer(double scaleL1, double scaleL2) {
        String scope = "l1_l2_regularizer";
        if (scaleL1 == 0) {
            return l2Regularizer(scaleL2, scope);
        }
        if (scaleL2 == 0) {
            return l1Regularizer(scaleL1, scope);
        }
        return sumRegularizer(List.of(l1Regularizer(scaleL1), l2Regularizer(scaleL2)), scope);
    }

    /**
     * {@code tf.contrib.layers.sum_regularizer(regularizers)}: the {@code AddN} of the penalties, named after the
     * scope ({@code sum_regularizer} when null); null when the list holds no regularizer.
     */
    static Regularizer sumRegularizer(List<Regularizer> regularizers, String scope) {
        List<Regularizer> parts = new ArrayList<>();
        for (Regularizer r : regularizers == null ? List.<Regularizer>of() : regularizers) {
            if (r != null) {
                parts.add(r);
            }
        }
        if (parts.isEmpty()) {
            return null;
        }
        return w -> {
            Graph g = w.graph();
            try (var s = g.nameScope(scope == null ? "sum_regularizer" : scope)) {
                List<Output> penalties = new ArrayList<>();
                for (Regularizer r : parts) {
                    Output p = r.apply(w);
                    if (p != null) {
                        penalties.add(p);
                    }
                }
                return penalties.isEmpty() ? null : ArithmeticOps.addN(g, penalties, s.name());
            }
        };
    }

    /** {@code scale * penalty(w)} in the scope {@code scope} (or {@code defaultScope}), the product named after it. */
    private static Regularizer scaled(String defaultScope, double scale, String scope,
                                      UnaryOperator<Output> penalty) {
        if (!(scale >= 0)) {
            throw new InvalidArgumentException("Setting a scale less than 0 on a regularizer: " + scale);
        }
        if (scale == 0) {
            return w -> null;
        }
        return w -> {
            Graph g = w.graph();
            try (var s = g.nameScope(scope == null ? defaultScope : scope)) {
                Output sc = ConstantOps.scalar(g, w.dtype(), scale, "scale");
                return ArithmeticOps.mul(g, sc, penalty.apply(w), s.name());
            }
        };
    }
}
