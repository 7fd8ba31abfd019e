package dev.tensorgraph.ops;

import dev.tensorgraph.Output;
import dev.tensorgraph.grad.Gradients;
import java.util.List;

/**
 * The keyword arguments of {@code tf.gradients} as an options builder with TensorFlow's names and defaults:
 * no initial gradients (ones), no stop tensors, null for unconnected xs, no gating, scope {@code gradients}.
 *
 * <pre>{@code
 * List<Output> g = tf.gradients(List.of(loss), List.of(w, b), GradientsOptions.create().gateGradients(true));
 * }</pre>
 */
public final class GradientsOptions {
    private List<Output> gradYs;
    private List<Output> stopGradients;
    private boolean unconnectedZeros;
    private boolean gateGradients;
    private String name;

    /** TensorFlow's defaults. */
    public static GradientsOptions create() {
        return new GradientsOptions();
    }

    /** {@code grad_ys}: initial gradients of the ys; null (or a null entry) means ones. */
    public GradientsOptions gradYs(List<Output> g) {
        this.gradYs = g;
        return this;
    }

    /** {@code stop_gradients}: tensors held constant. */
    public GradientsOptions stopGradients(List<Output> stops) {
        this.stopGradients = stops;
        return this;
    }

    /** {@code unconnected_gradients=ZERO}: zeros instead of null for an x no y depends on. */
    public GradientsOptions unconnectedZeros(boolean zeros) {
        this.unconnectedZeros = zeros;
        return this;
    }

    /** {@code gate_gradients}: each op's input gradients through a {@code tuple} when it has several. */
    public GradientsOptions gateGradients(boolean gate) {
        this.gateGradients = gate;
        return this;
    }

    /** {@code name}: the name scope of the gradient ops ({@code gradients}, made unique). */
    public GradientsOptions name(String scope) {
        this.name = scope;
        return this;
    }

    Gradients applyTo(Gradients builder) {
        builder.gradYs(gradYs).stopGradients(stopGradients).unconnectedZeros(unconnectedZeros)
                .gateGradients(gateGradients);
        return name == null ? builder : builder.name(name);
    }
}
