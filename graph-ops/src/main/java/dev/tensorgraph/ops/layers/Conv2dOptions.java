package dev.tensorgraph.ops.layers;

import dev.tensorgraph.Output;
import dev.tensorgraph.ops.state.Initializer;
import dev.tensorgraph.ops.state.Initializers;
import dev.tensorgraph.ops.state.Reuse;
import java.util.function.UnaryOperator;

/**
 * Keyword arguments of {@code tf.layers.conv2d} with TensorFlow's defaults: strides 1, padding {@code "valid"},
 * NHWC (channels_last), dilation 1, no activation, a bias, default kernel initializer, zeros bias.
 */
public final class Conv2dOptions {
    int[] strides = {1, 1};
    String padding = "valid";
    /** {@code {{top, bottom}, {left, right}}} of EXPLICIT padding, or null for "valid"/"same". */
    int[][] explicitPaddings;
    int[] dilationRate = {1, 1};
    UnaryOperator<Output> activation;
    boolean useBias = true;
    Initializer kernelInitializer;
    Initializer biasInitializer = Initializers.zeros();
    Regularizer kernelRegularizer;
    Regularizer biasRegularizer;
    boolean trainable = true;
    String name;
    Reuse reuse = Reuse.INHERIT;

    public static Conv2dOptions create() {
        return new Conv2dOptions();
    }

    /** One stride for both dimensions, or {@code {sh, sw}}. */
    public Conv2dOptions strides(int... v) {
        this.strides = TfLayers.pair(v, "strides");
        return this;
    }

    /** {@code "valid"} or {@code "same"} (case-insensitive). */
    public Conv2dOptions padding(String v) {
        this.padding = v;
        this.explicitPaddings = null;
        return this;
    }

    /**
     * Explicit zero padding {@code {{top, bottom}, {left, right}}} instead of "valid"/"same", as
     * {@code tf.nn.conv2d} takes it (TensorFlow's layers have no such option): the Conv2D op gets
     * {@code padding="EXPLICIT"}, so no separate Pad op is needed, e.g. for AlexNet's first layer (11x11,
     * stride 4, 2 on each side).
     */
    public Conv2dOptions explicitPadding(int[][] spatialPaddings) {
        if (spatialPaddings == null || spatialPaddings.length != 2 || spatialPaddings[0] == null || spatialPaddings[1] == null
                || spatialPaddings[0].length != 2 || spatialPaddings[1].length != 2) {
            throw new dev.tensorgraph.errors.InvalidArgumentException(
                    "conv2d: explicit padding must be {{top, bottom}, {left, right}}");
        }
        for (int[] side : spatialPaddings) {
            if (side[0] < 0 || side[1] < 0) {
                throw new dev.tensorgraph.errors.InvalidArgumentException("conv2d: explicit padding must not be negative, got "
                        + java.util.Arrays.deepToString(spatialPaddings));
            }
        }
        this.explicitPaddings = new int[][] {spatialPaddings[0].clone(), spatialPaddings[1].clone()};
        this.padding = "explicit";
        return this;
    }

    public Conv2dOptions dilationRate(int... v) {
        this.dilationRate = TfLayers.pair(v, "dilation_rate");
        return this;
    }

    public Conv2dOptions activation(UnaryOperator<Output> v) {
        this.activation = v;
        return this;
    }

    public Conv2dOptions useBias(boolean v) {
        this.useBias = v;
        return this;
    }

    public Conv2dOptions kernelInitializer(Initializer v) {
        this.kernelInitializer = v;
        return this;
    }

    public Conv2dOptions biasInitializer(Initializer v) {
        this.biasInitializer = v;
        return this;
    }

    public Conv2dOptions kernelRegularizer(Regularizer v) {
        this.kernelRegularizer = v;
        return this;
    }

    public Conv2dOptions biasRegularizer(Regularizer v) {
        this.biasRegularizer = v;
        return this;
    }

    public Conv2dOptions trainable(boolean v) {
        this.trainable = v;
        return this;
    }

    public Conv2dOptions name(String v) {
        this.name = v;
        return this;
    }

    public Conv2dOptions reuse(Reuse v) {
        this.reuse = v;
        return this;
    }
}
