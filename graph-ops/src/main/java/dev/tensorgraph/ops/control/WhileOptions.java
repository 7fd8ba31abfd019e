package dev.tensorgraph.ops.control;

import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.List;

/**
 * The keyword arguments of {@code tf.while_loop}: shape invariants, maximum iterations, parallel iterations,
 * back prop, swap memory and the name scope. Immutable; each setter returns a copy.
 *
 * <p>{@code parallelIterations} is written into the graph (TensorFlow may overlap that many iterations); this
 * runtime runs iterations one after another, which computes the same values.
 */
public record WhileOptions(List<Shape> shapeInvariants, Object maximumIterations, int parallelIterations,
                           boolean backProp, boolean swapMemory, String name) {
    private static final WhileOptions DEFAULTS = new WhileOptions(null, null, 10, true, false, null);

    public WhileOptions {
        if (parallelIterations < 1) {
            throw new InvalidArgumentException("'parallel_iterations' must be a positive integer: " + parallelIterations);
        }
        if (maximumIterations != null && !(maximumIterations instanceof Output) && !(maximumIterations instanceof Integer)
                && !(maximumIterations instanceof Long)) {
            throw new InvalidArgumentException("maximum_iterations must be an Output or an integer, got "
                    + maximumIterations.getClass().getSimpleName());
        }
        shapeInvariants = shapeInvariants == null ? null : List.copyOf(shapeInvariants);
    }

    /** TensorFlow's defaults: no invariants (each variable keeps its shape), unbounded, 10 parallel iterations. */
    public static WhileOptions create() {
        return DEFAULTS;
    }

    /** The shape each loop variable keeps across iterations (a less specific one lets it change). */
    public WhileOptions withShapeInvariants(List<Shape> invariants) {
        return new WhileOptions(invariants, maximumIterations, parallelIterations, backProp, swapMemory, name);
    }

    /** Ends the loop after at most this many iterations (an int or an int32 scalar Output). */
    public WhileOptions withMaximumIterations(Object max) {
        return new WhileOptions(shapeInvariants, max, parallelIterations, backProp, swapMemory, name);
    }

    public WhileOptions withParallelIterations(int n) {
        return new WhileOptions(shapeInvariants, maximumIterations, n, backProp, swapMemory, name);
    }

    /** False: gradients do not flow through the loop. */
    public WhileOptions withBackProp(boolean v) {
        return new WhileOptions(shapeInvariants, maximumIterations, parallelIterations, v, swapMemory, name);
    }

    /** Recorded in the graph; values for gradients stay in memory here. */
    public WhileOptions withSwapMemory(boolean v) {
        return new WhileOptions(shapeInvariants, maximumIterations, parallelIterations, backProp, v, name);
    }

    /** The name scope (default {@code while}). */
    public WhileOptions withName(String n) {
        return new WhileOptions(shapeInvariants, maximumIterations, parallelIterations, backProp, swapMemory, n);
    }
}
