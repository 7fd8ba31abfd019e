package dev.tensorgraph.ops.train;

import dev.tensorgraph.DType;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.Graph;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.state.Initializers;
import dev.tensorgraph.ops.state.VariableScopes;
import dev.tensorgraph.ops.state.Variables;
import dev.tensorgraph.ops.support.GraphBound;
import java.util.List;

/**
 * The global step ({@code tf.train.get_or_create_global_step}): an int64 scalar variable named
 * {@code global_step}, initialized to zero, not trainable, in the GLOBAL_VARIABLES and GLOBAL_STEP collections,
 * created at the root name scope. Optimizers increment it when it is passed to {@code minimize}.
 */
public final class GlobalStep {
    private GlobalStep() {}

    /**
     * The global step of the graph: the one variable in the GLOBAL_STEP collection, else a global variable named
     * {@code global_step}; null when there is none.
     */
    public static Variable getGlobalStep(Graph g) {
        List<Object> found = g.collection(GraphKeys.GLOBAL_STEP);
        Variable step = null;
        if (found.size() == 1) {
            if (!(found.get(0) instanceof Variable v)) {
                throw new InvalidArgumentException("Existing \"global_step\" must be a Variable, got " + found.get(0));
            }
            step = v;
        } else if (found.size() > 1) {
            throw new InvalidArgumentException("Multiple tensors in global_step collection.");
        } else {
            for (Variable v : g.collection(GraphKeys.GLOBAL_VARIABLES, Variable.class)) {
                if (v.name().equals("global_step:0")) {
                    step = v;
                }
            }
        }
        if (step != null && !step.dtype().isInteger()) {
            throw new InvalidArgumentException("Existing \"global_step\" does not have integer type: " + step.dtype());
        }
        return step;
    }

    /** Creates the global step; an error when the graph already has one. */
    public static Variable createGlobalStep(Graph g) {
        if (getGlobalStep(g) != null) {
            throw new InvalidArgumentException("\"global_step\" already exists.");
        }
        List<String> keys = List.of(GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP);
        try (var root = g.nameScope(null)) {
            if (VariableScopes.currentVariableScope(g).isEmpty()) {
                return VariableScopes.getVariable(g, GraphKeys.GLOBAL_STEP, Shape.scalar(), DType.INT64,
                        Initializers.zeros(), false, keys);
            }
            // Inside a variable scope: still a root-level variable, built with the same op names.
            String scopeName;
            Output init;
            try (var noDeps = g.controlDependencies(null); var scope = g.nameScope(GraphKeys.GLOBAL_STEP)) {
                scopeName = scope.name();
                try (var initScope = g.nameScope("Initializer")) {
                    init = ConstantOps.scalar(g, DType.INT64, 0, "zeros");
                }
            }
            Variable v = Variables.variable(g, init, false, scopeName);
            g.addToCollection(GraphKeys.GLOBAL_STEP, v);
            return v;
        }
    }

    /** The graph's global step, created when missing. */
    public static Variable getOrCreateGlobalStep(Graph g) {
        Variable step = getGlobalStep(g);
        return step != null ? step : createGlobalStep(g);
    }

    /** @deprecated use {@link #getGlobalStep(Graph)}. */
    @Deprecated
    public static Variable getGlobalStep(GraphBound tf) {
        return getGlobalStep(tf.graph());
    }

    /** @deprecated use {@link #createGlobalStep(Graph)}. */
    @Deprecated
    public static Variable createGlobalStep(GraphBound tf) {
        return createGlobalStep(tf.graph());
    }

    /** @deprecated use {@link #getOrCreateGlobalStep(Graph)}. */
    @Deprecated
    public static Variable getOrCreateGlobalStep(GraphBound tf) {
        return getOrCreateGlobalStep(tf.graph());
    }
}
