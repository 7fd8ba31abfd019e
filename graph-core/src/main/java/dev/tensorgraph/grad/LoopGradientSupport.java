package dev.tensorgraph.grad;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import java.util.List;

/**
 * How {@link Gradients} differentiates through while loops, provided by the library that builds them (found
 * with {@link java.util.ServiceLoader}; graph-ops provides TensorFlow 1.x's construction). It follows
 * TensorFlow's {@code ControlFlowState} protocol: the engine asks it for a state when ops between xs and ys
 * include a loop's Exit, and calls the state at the points TensorFlow's {@code gradients} does.
 */
public interface LoopGradientSupport {
    /**
     * The loop state of one {@code gradients} call, or null when none of {@code between} is a loop Exit. Called
     * inside the gradients name scope; may mark more ops between (every Exit of a loop that has one).
     */
    LoopGradientState begin(Graph g, List<Operation> between, Marker marker);

    /** Lets the support mark ops between xs and ys. */
    interface Marker {
        boolean isBetween(Operation op);

        void markBetween(Operation op);
    }
}
