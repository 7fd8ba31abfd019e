package dev.tensorgraph.ops.layers;

import dev.tensorgraph.Output;
import dev.tensorgraph.ops.state.Initializer;
import dev.tensorgraph.ops.state.Initializers;
import dev.tensorgraph.ops.state.Reuse;
import java.util.function.UnaryOperator;

/**
 * Keyword arguments of {@code tf.layers.dense} with TensorFlow's defaults: no activation, a bias, Glorot-uniform
 * kernel (null initializer = {@code get_variable}'s default), zeros bias, no regularizers, trainable.
 *
 * <pre>{@code
 * tf.layers... dense(x, 10, DenseOptions.create().activation(Activations.relu()).kernelRegularizer(l2).name("fc1"))
 * }</pre>
 */
public final class DenseOptions {
    UnaryOperator<Output> activation;
    boolean useBias = true;
    Initializer kernelInitializer;
    Initializer biasInitializer = Initializers.zeros();
    Regularizer kernelRegularizer;
    Regularizer biasRegularizer;
    boolean trainable = true;
    String name;
    Reuse reuse = Reuse.INHERIT;

    public static DenseOptions create() {
        return new DenseOptions();
    }

    public DenseOptions activation(UnaryOperator<Output> v) {
        this.activation = v;
        return this;
    }

    public DenseOptions useBias(boolean v) {
        this.useBias = v;
        return this;
    }

    public DenseOptions kernelInitializer(Initializer v) {
        this.kernelInitializer = v;
        return this;
    }

    public DenseOptions biasInitializer(Initializer v) {
        this.biasInitializer = v;
        return this;
    }

    public DenseOptions kernelRegularizer(Regularizer v) {
        this.kernelRegularizer = v;
        return this;
    }

    public DenseOptions biasRegularizer(Regularizer v) {
        this.biasRegularizer = v;
        return this;
    }

    public DenseOptions trainable(boolean v) {
        this.trainable = v;
        return this;
    }

    public DenseOptions name(String v) {
        this.name = v;
        return this;
    }

    public DenseOptions reuse(Reuse v) {
        this.reuse = v;
        return this;
    }
}
