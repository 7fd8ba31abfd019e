package dev.tensorgraph.ops.rnn;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.state.Initializer;
import dev.tensorgraph.ops.state.Reuse;
import dev.tensorgraph.ops.state.VariableScopes;

/** What the cells share: their layer name, variable creation under it, and checks of what they are given. */
abstract class CellSupport implements RnnCell {
    private final String requestedName;
    private String name;

    CellSupport(String name) {
        this.requestedName = name;
    }

    /** TensorFlow's default layer name of the cell ({@code lstm_cell}). */
    abstract String baseName();

    /** The cell's layer name, fixed at its first build. */
    String name() {
        if (name == null) {
            throw new InvalidArgumentException(className() + " is used before it is built");
        }
        return name;
    }

    boolean built() {
        return name != null;
    }

    /** Opens the cell's variable scope (naming it on first use) for {@code create}. */
    void inScope(Graph g, Runnable create) {
        name = requestedName != null ? requestedName : VariableScopes.uniqueLayerName(g, baseName());
        try (var scope = VariableScopes.variableScope(g, name, Reuse.INHERIT)) {
            create.run();
        }
    }

    static Variable variable(Graph g, String name, Shape shape, DType dtype, Initializer init) {
        return VariableScopes.getVariable(g, name, shape, dtype, init, true, null);
    }

    static void checkDepth(String cell, long inputDepth) {
        if (inputDepth < 0) {
            throw new InvalidArgumentException("Expected inputs.shape[-1] to be known for " + cell
                    + ", saw an unknown depth");
        }
    }

    void checkState(java.util.List<Output> state) {
        if (state.size() != stateSize().size()) {
            throw new InvalidArgumentException(className() + " takes " + stateSize().size() + " state tensors, got "
                    + state.size());
        }
    }
}
