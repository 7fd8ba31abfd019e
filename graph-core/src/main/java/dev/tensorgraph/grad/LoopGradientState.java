package dev.tensorgraph.grad;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import java.util.List;
import java.util.Set;

/**
 * The state of the while loops in one {@code gradients} call (see {@link LoopGradientSupport}): the backward
 * loop of each forward loop, where gradient ops of ops inside a loop are built, and the bookkeeping of which
 * loop exits have gradients.
 */
public interface LoopGradientState {
    /** What the engine knows of the gradients collected so far. */
    interface Grads {
        /** Whether any output of {@code op} has a gradient. */
        boolean hasAny(Operation op);

        /** Adds {@code grad} as a gradient of {@code t}. */
        void add(Output t, Output grad);

        int pending(Operation op);

        void setPending(Operation op, int count);
    }

    /**
     * Opens the backward-loop context in which {@code op}'s gradient is built ({@code before}: for summing its
     * output gradients, where a loop's Exit counts as outside its loop), or returns null when there is none.
     */
    Graph.Scope enterGradContext(Operation op, boolean before);

    /**
     * Loop exits that no gradient will reach through the ys but whose loops others do, to be differentiated
     * with zero gradients; marks the loops' Enter ops pending, as TensorFlow does.
     */
    List<Output> unusedExits(Set<Operation> yOps, Grads grads);

    /** A zero gradient for a loop's Exit value, built where {@code gradients} was called. */
    Output zerosLikeForExit(Output exit);

    /**
     * The zero gradient of output {@code index} of {@code op} where it has none, built in the backward loop;
     * null where the gradient must stay absent (a loop's Switch between its two visits).
     */
    Output zerosLike(Operation op, int index);

    /** Whether {@code op} is a loop's Switch, whose gradient is built twice (once per output). */
    boolean isLoopSwitch(Operation op);

    /** Whether {@code op} is a loop's Exit. */
    boolean isLoopExit(Operation op);

    /**
     * Exit {@code exit} has all its gradients: returns the ops to differentiate now (the loop's exits once all
     * of them are ready, with zero gradients for those that have none but need one).
     */
    List<Operation> exitReady(Operation exit, Grads grads);

    /** Completes the backward loops once every gradient is built. */
    void finish();
}
