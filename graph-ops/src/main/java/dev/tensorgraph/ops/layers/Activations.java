package dev.tensorgraph.ops.layers;

import dev.tensorgraph.Output;
import dev.tensorgraph.ops.math.UnaryOps;
import dev.tensorgraph.ops.nn.ActivationOps;
import java.util.function.UnaryOperator;

/**
 * Activation functions for layers, each one op named by its type under the layer's name scope
 * ({@code dense/Relu}). Any {@code UnaryOperator<Output>} works as an activation, e.g. {@code tf.nn::relu}.
 */
public final class Activations {
    private Activations() {}

    public static UnaryOperator<Output> relu() {
        return x -> ActivationOps.relu(x.graph(), x, null);
    }

    public static UnaryOperator<Output> relu6() {
        return x -> ActivationOps.relu6(x.graph(), x, null);
    }

    public static UnaryOperator<Output> sigmoid() {
        return x -> UnaryOps.sigmoid(x.graph(), x, null);
    }

    public static UnaryOperator<Output> tanh() {
        return x -> UnaryOps.tanh(x.graph(), x, null);
    }

    public static UnaryOperator<Output> elu() {
        return x -> ActivationOps.elu(x.graph(), x, null);
    }
}
