package dev.tensorgraph.ops.layers;

import dev.tensorgraph.Output;
import dev.tensorgraph.errors.InvalidArgumentException;

/**
 * Keyword arguments of {@code tf.layers.dropout} with TensorFlow's defaults: rate 0.5, no noise shape, no seed,
 * training false (so the layer is the identity).
 *
 * <pre>{@code
 * Output h = tf.layers.dropout(x, DropoutOptions.create().rate(0.3).training(isTraining).seed(7L));
 * }</pre>
 */
public final class DropoutOptions {
    double rate = 0.5;
    boolean trainingValue;
    /** A bool scalar choosing the mode at run time, or null when {@link #trainingValue} holds. */
    Output trainingTensor;
    int[] noiseShape;
    Long seed;
    String name;

    public static DropoutOptions create() {
        return new DropoutOptions();
    }

    /** The fraction of elements dropped, in [0, 1). */
    public DropoutOptions rate(double v) {
        this.rate = v;
        return this;
    }

    /** Training mode known while building. */
    public DropoutOptions training(boolean v) {
        this.trainingValue = v;
        this.trainingTensor = null;
        return this;
    }

    /** Training mode chosen at run time by a bool scalar (usually a placeholder): builds a {@code tf.cond}. */
    public DropoutOptions training(Output v) {
        if (v == null) {
            throw new InvalidArgumentException("training must not be null");
        }
        this.trainingTensor = v;
        return this;
    }

    /** The shape of the keep mask (broadcast against the input), or null for the input's shape. */
    public DropoutOptions noiseShape(int... v) {
        this.noiseShape = v;
        return this;
    }

    /** The op seed, or null to derive it from the graph seed. */
    public DropoutOptions seed(Long v) {
        this.seed = v;
        return this;
    }

    public DropoutOptions name(String v) {
        this.name = v;
        return this;
    }
}
