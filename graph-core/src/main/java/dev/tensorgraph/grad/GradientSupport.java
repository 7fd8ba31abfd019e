package dev.tensorgraph.grad;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Tensor;
import java.util.List;

/**
 * The ops the gradient engine adds itself, around the per-op gradient functions: zeros where no gradient
 * reached a value, the sum of several gradients of one tensor, the initial gradients of {@code ys}, and the
 * gating of one op's gradients.
 * graph-core names no op type, so the op library supplies them: one implementation on the class path,
 * listed in {@code META-INF/services/dev.tensorgraph.grad.GradientSupport} (graph-ops has it). Each method
 * adds its ops in the current name scope; the engine has opened it.
 */
public interface GradientSupport {
    /** Zeros of {@code x}'s dtype and shape (TensorFlow: {@code ZerosLike}, default name). */
    Output zerosLike(Graph g, Output x);

    /** {@code x} unchanged, as an op named {@code name} in the current scope (TensorFlow: {@code Identity}). */
    Output identity(Graph g, Output x, String name);

    /** The sum of two or more gradients of one tensor, all of one dtype and shape (TensorFlow: {@code AddN}). */
    Output addN(Graph g, List<Output> gradients);

    /**
     * A tensor of {@code like}'s shape as it is when the graph runs, every element {@code scalar}: TensorFlow's
     * {@code ones(shape(like), name=name)}, the default {@code grad_ys}.
     */
    Output fillLike(Graph g, Output like, Tensor scalar, String name);

    /**
     * TensorFlow's {@code tuple(tensors)} in a {@code tuple} name scope: each tensor through an Identity that runs
     * only after all of them are computed (null entries stay null); how {@code gate_gradients} orders the
     * gradients of one op's inputs.
     */
    List<Output> tuple(Graph g, List<Output> tensors);
}
