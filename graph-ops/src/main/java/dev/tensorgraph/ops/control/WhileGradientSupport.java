package dev.tensorgraph.ops.control;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.grad.LoopGradientState;
import dev.tensorgraph.grad.LoopGradientSupport;
import java.util.List;

/** TensorFlow 1.x's construction of while-loop gradients, for the gradient engine (see {@link ControlFlowState}). */
public final class WhileGradientSupport implements LoopGradientSupport {
    @Override
    public LoopGradientState begin(Graph g, List<Operation> between, Marker marker) {
        return ControlFlowState.create(g, between, marker);
    }
}
