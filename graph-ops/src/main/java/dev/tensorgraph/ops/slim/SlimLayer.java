package dev.tensorgraph.ops.slim;

import static dev.tensorgraph.ops.slim.Kwarg.ACTIVATION_FN;
import static dev.tensorgraph.ops.slim.Kwarg.BIASES_INITIALIZER;
import static dev.tensorgraph.ops.slim.Kwarg.BIASES_REGULARIZER;
import static dev.tensorgraph.ops.slim.Kwarg.CENTER;
import static dev.tensorgraph.ops.slim.Kwarg.DATA_FORMAT;
import static dev.tensorgraph.ops.slim.Kwarg.DECAY;
import static dev.tensorgraph.ops.slim.Kwarg.EPSILON;
import static dev.tensorgraph.ops.slim.Kwarg.FUSED;
import static dev.tensorgraph.ops.slim.Kwarg.IS_TRAINING;
import static dev.tensorgraph.ops.slim.Kwarg.KEEP_PROB;
import static dev.tensorgraph.ops.slim.Kwarg.KERNEL_SIZE;
import static dev.tensorgraph.ops.slim.Kwarg.NOISE_SHAPE;
import static dev.tensorgraph.ops.slim.Kwarg.NORMALIZER_FN;
import static dev.tensorgraph.ops.slim.Kwarg.NORMALIZER_PARAMS;
import static dev.tensorgraph.ops.slim.Kwarg.NUM_OUTPUTS;
import static dev.tensorgraph.ops.slim.Kwarg.OUTPUTS_COLLECTIONS;
import static dev.tensorgraph.ops.slim.Kwarg.PADDING;
import static dev.tensorgraph.ops.slim.Kwarg.PARAM_INITIALIZERS;
import static dev.tensorgraph.ops.slim.Kwarg.PARAM_REGULARIZERS;
import static dev.tensorgraph.ops.slim.Kwarg.RATE;
import static dev.tensorgraph.ops.slim.Kwarg.REUSE;
import static dev.tensorgraph.ops.slim.Kwarg.SCALE;
import static dev.tensorgraph.ops.slim.Kwarg.SCOPE;
import static dev.tensorgraph.ops.slim.Kwarg.SEED;
import static dev.tensorgraph.ops.slim.Kwarg.STRIDE;
import static dev.tensorgraph.ops.slim.Kwarg.TRAINABLE;
import static dev.tensorgraph.ops.slim.Kwarg.UPDATES_COLLECTIONS;
import static dev.tensorgraph.ops.slim.Kwarg.VARIABLES_COLLECTIONS;
import static dev.tensorgraph.ops.slim.Kwarg.WEIGHTS_INITIALIZER;
import static dev.tensorgraph.ops.slim.Kwarg.WEIGHTS_REGULARIZER;

import java.util.EnumSet;
import java.util.Set;

/**
 * The TF-Slim layers an {@link ArgScope} can give defaults to: the key TF-Slim's {@code arg_scope} finds a
 * function by. Each knows its Python name (the scope {@code repeat} and {@code stack} derive from it:
 * {@code conv2d} is {@code convolution2d}, so {@code repeat} without a scope names its layers
 * {@code Repeat/convolution2d_1}, ...) and the keyword arguments it takes.
 *
 * <pre>{@code
 * try (var sc = slim.argScope(List.of(SlimLayer.CONV2D, SlimLayer.FULLY_CONNECTED),
 *         SlimArgs.create().weightsRegularizer(slim.l2Regularizer(0.0005)))) { ... }
 * }</pre>
 */
public enum SlimLayer {
    /** {@code slim.conv2d} (Python: {@code convolution2d}). */
    CONV2D("convolution2d", NUM_OUTPUTS, KERNEL_SIZE, STRIDE, PADDING, DATA_FORMAT, RATE, ACTIVATION_FN, NORMALIZER_FN,
            NORMALIZER_PARAMS, WEIGHTS_INITIALIZER, WEIGHTS_REGULARIZER, BIASES_INITIALIZER, BIASES_REGULARIZER, REUSE,
            VARIABLES_COLLECTIONS, OUTPUTS_COLLECTIONS, TRAINABLE, SCOPE),
    /** {@code slim.fully_connected}. */
    FULLY_CONNECTED("fully_connected", NUM_OUTPUTS, ACTIVATION_FN, NORMALIZER_FN, NORMALIZER_PARAMS,
            WEIGHTS_INITIALIZER, WEIGHTS_REGULARIZER, BIASES_INITIALIZER, BIASES_REGULARIZER, REUSE,
            VARIABLES_COLLECTIONS, OUTPUTS_COLLECTIONS, TRAINABLE, SCOPE),
    /** {@code slim.max_pool2d}. */
    MAX_POOL2D("max_pool2d", KERNEL_SIZE, STRIDE, PADDING, DATA_FORMAT, OUTPUTS_COLLECTIONS, SCOPE),
    /** {@code slim.avg_pool2d}. */
    AVG_POOL2D("avg_pool2d", KERNEL_SIZE, STRIDE, PADDING, DATA_FORMAT, OUTPUTS_COLLECTIONS, SCOPE),
    /** {@code slim.batch_norm}. */
    BATCH_NORM("batch_norm", DECAY, CENTER, SCALE, EPSILON, ACTIVATION_FN, PARAM_INITIALIZERS, PARAM_REGULARIZERS,
            UPDATES_COLLECTIONS, IS_TRAINING, REUSE, VARIABLES_COLLECTIONS, OUTPUTS_COLLECTIONS, TRAINABLE, FUSED,
            DATA_FORMAT, SCOPE),
    /** {@code slim.dropout}. */
    DROPOUT("dropout", KEEP_PROB, NOISE_SHAPE, IS_TRAINING, OUTPUTS_COLLECTIONS, SCOPE, SEED),
    /** {@code slim.flatten}. */
    FLATTEN("flatten", OUTPUTS_COLLECTIONS, SCOPE);

    private final String pythonName;
    private final Set<Kwarg> accepted;

    SlimLayer(String pythonName, Kwarg first, Kwarg... rest) {
        this.pythonName = pythonName;
        this.accepted = EnumSet.of(first, rest);
    }

    /** The layer's Python function name ({@code convolution2d}, {@code fully_connected}, ...). */
    public String pythonName() {
        return pythonName;
    }

    boolean accepts(Kwarg k) {
        return accepted.contains(k);
    }
}
