package dev.tensorgraph.ops.layers;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.nn.SoftmaxOps;

/**
 * A weight regularizer: maps a layer's weight to a scalar penalty, which the layer adds to the
 * {@code REGULARIZATION_LOSSES} collection (built under the name scope {@code <layer>/<weight>/Regularizer}).
 */
@FunctionalInterface
public interface Regularizer {
    Output apply(Output weights);

    /**
     * {@code tf.contrib.layers.l2_regularizer(scale)}: {@code scale * l2_loss(w) = scale * sum(w^2) / 2} (note the
     * half, unlike Keras' {@code l2}, which is {@code scale * sum(w^2)}). Ops: {@code l2_regularizer/scale},
     * {@code l2_regularizer/L2Loss} and the product named {@code l2_regularizer}.
     */
    static Regularizer l2Regularizer(double scale) {
        if (scale < 0) {
            throw new InvalidArgumentException("Setting a scale less than 0 on a regularizer: " + scale);
        }
        return w -> {
            Graph g = w.graph();
            try (var s = g.nameScope("l2_regularizer")) {
                Output sc = ConstantOps.scalar(g, w.dtype(), scale, "scale");
                Output l2 = SoftmaxOps.l2Loss(g, w, null);
                return ArithmeticOps.mul(g, sc, l2, s.name());
            }
        };
    }
}
