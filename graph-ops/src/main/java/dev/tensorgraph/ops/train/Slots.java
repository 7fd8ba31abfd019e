package dev.tensorgraph.ops.train;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.state.Initializer;
import dev.tensorgraph.ops.state.VariableScopes;
import dev.tensorgraph.ops.state.Variables;

/**
 * Slot variables (TensorFlow's {@code slot_creator}): a variable shadowing a primary one, named
 * {@code <primary>/<name>} under the current variable scope, made unique with {@code _1}, {@code _2} ... as a
 * variable scope opened with a default name is; not trainable; in GLOBAL_VARIABLES.
 */
final class Slots {
    private Slots() {}

    static Variable create(Graph g, Variable primary, Initializer init, String name) {
        String base = primary.opName() + "/" + name;
        String scope = VariableScopes.currentVariableScope(g);
        String prefix = scope.isEmpty() ? "" : scope + "/";
        String candidate = base;
        for (int i = 1; g.operation(prefix + candidate) != null; i++) {
            candidate = base + "_" + i;
        }
        return VariableScopes.getVariable(g, candidate, primary.shape(), primary.dtype(), init, false, null,
                primary.isResource());
    }

    /** A slot whose initial value is an existing tensor (as the shadow variables of a moving average). */
    static Variable create(Graph g, Variable primary, Output initialValue, String name) {
        return create(g, primary, (graph, shape, dtype) -> initialValue, name);
    }

    /**
     * {@code tf.Variable(value, name=name, trainable=trainable)} for a scalar of {@code dtype}, in the current name
     * scope, with its initial value named {@code <name>/initial_value} as TensorFlow names it.
     */
    static Variable plainVariable(Graph g, String name, DType dtype, double value, boolean trainable) {
        return plainVariable(g, name, dtype, value, trainable, false);
    }

    /**
     * As above, a resource variable when {@code resource}, whose initial value TensorFlow names
     * {@code <name>/Initializer/initial_value}.
     */
    static Variable plainVariable(Graph g, String name, DType dtype, double value, boolean trainable, boolean resource) {
        String scopeName;
        Output init;
        try (var noDeps = g.controlDependencies(null); var scope = g.nameScope(name)) {
            scopeName = scope.name();
            try (var initScope = resource ? g.nameScope("Initializer") : null) {
                init = ConstantOps.scalar(g, dtype, value, "initial_value");
            }
        }
        return Variables.variable(g, init, trainable, scopeName, resource);
    }
}
