package dev.tensorgraph.ops.layers;

import dev.tensorgraph.Output;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.state.Initializer;
import dev.tensorgraph.ops.state.Initializers;
import dev.tensorgraph.ops.state.Reuse;

/**
 * Keyword arguments of {@code tf.layers.batch_normalization} with TensorFlow's defaults: axis -1, momentum 0.99,
 * epsilon 0.001, center and scale on, beta/moving_mean zeros, gamma/moving_variance ones, training false,
 * fused when possible (4-D float32 input normalised over its last axis).
 */
public final class BatchNormOptions {
    int axis = -1;
    double momentum = 0.99;
    double epsilon = 1e-3;
    boolean center = true;
    boolean scale = true;
    Initializer betaInitializer = Initializers.zeros();
    Initializer gammaInitializer = Initializers.ones();
    Initializer movingMeanInitializer = Initializers.zeros();
    Initializer movingVarianceInitializer = Initializers.ones();
    boolean trainingValue;
    /** A bool scalar choosing the mode at run time, or null when {@link #trainingValue} holds. */
    Output trainingTensor;
    boolean trainable = true;
    Boolean fused;
    String name;
    Reuse reuse = Reuse.INHERIT;

    public static BatchNormOptions create() {
        return new BatchNormOptions();
    }

    public BatchNormOptions axis(int v) {
        this.axis = v;
        return this;
    }

    public BatchNormOptions momentum(double v) {
        this.momentum = v;
        return this;
    }

    public BatchNormOptions epsilon(double v) {
        this.epsilon = v;
        return this;
    }

    public BatchNormOptions center(boolean v) {
        this.center = v;
        return this;
    }

    public BatchNormOptions scale(boolean v) {
        this.scale = v;
        return this;
    }

    public BatchNormOptions betaInitializer(Initializer v) {
        this.betaInitializer = v;
        return this;
    }

    public BatchNormOptions gammaInitializer(Initializer v) {
        this.gammaInitializer = v;
        return this;
    }

    public BatchNormOptions movingMeanInitializer(Initializer v) {
        this.movingMeanInitializer = v;
        return this;
    }

    public BatchNormOptions movingVarianceInitializer(Initializer v) {
        this.movingVarianceInitializer = v;
        return this;
    }

    /** Training mode known while building. */
    public BatchNormOptions training(boolean v) {
        this.trainingValue = v;
        this.trainingTensor = null;
        return this;
    }

    /** Training mode chosen at run time by a bool scalar (usually a placeholder): builds {@code tf.cond}s. */
    public BatchNormOptions training(Output v) {
        if (v == null) {
            throw new InvalidArgumentException("training must not be null");
        }
        this.trainingTensor = v;
        return this;
    }

    public BatchNormOptions trainable(boolean v) {
        this.trainable = v;
        return this;
    }

    /** Force the fused ({@code FusedBatchNormV3}) or the composed implementation; null chooses as TensorFlow. */
    public BatchNormOptions fused(Boolean v) {
        this.fused = v;
        return this;
    }

    public BatchNormOptions name(String v) {
        this.name = v;
        return this;
    }

    public BatchNormOptions reuse(Reuse v) {
        this.reuse = v;
        return this;
    }
}
