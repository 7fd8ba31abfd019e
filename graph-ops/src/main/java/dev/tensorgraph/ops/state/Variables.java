package dev.tensorgraph.ops.state;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.control.ControlOps;
import java.util.List;
import java.util.function.Supplier;

/** Creates variable ops the way TensorFlow 1.x's RefVariable does: {@code v}, {@code v/Assign}, {@code v/read}. */
public final class Variables {
    private Variables() {}

    /**
     * Builds a variable under the name scope {@code name} (made unique unless it ends in '/'), outside any
     * control-dependency block, as TensorFlow's {@code init_scope} does.
     */
    public static Variable create(Graph g, Output initialValue, String name, boolean trainable, List<String> collections,
                                  boolean exactName) {
        return create(g, () -> initialValue, false, name, trainable, collections, exactName);
    }

    /**
     * {@code tf.Variable(initialValue, name=name, trainable=trainable)}: always a new variable with a uniquified
     * name (default "Variable") in GLOBAL_VARIABLES (and TRAINABLE_VARIABLES when trainable).
     */
    public static Variable variable(Graph g, Output initialValue, boolean trainable, String name) {
        List<String> keys = new java.util.ArrayList<>();
        keys.add(dev.tensorgraph.GraphKeys.GLOBAL_VARIABLES);
        if (trainable) {
            keys.add(dev.tensorgraph.GraphKeys.TRAINABLE_VARIABLES);
        }
        return create(g, initialValue, name == null ? "Variable" : name, trainable, keys, false);
    }

    /** {@code fromInitializer}: the value is made inside the variable's {@code Initializer} scope. */
    static Variable create(Graph g, Supplier<Output> initialValue, boolean fromInitializer, String name,
                           boolean trainable, List<String> collections, boolean exactName) {
        // A variable built inside a loop's body is still made once, outside the loop (TensorFlow's init_scope).
        try (var outside = g.outsideControlFlow();
             var scope = g.nameScope(exactName ? name + "/" : name)) {
            Output init;
            if (fromInitializer) {
                try (var initScope = g.nameScope("Initializer")) {
                    init = initialValue.get();
                }
            } else {
                init = initialValue.get();
            }
            if (init == null) {
                throw new InvalidArgumentException("initial value of variable '" + scope.name() + "' is null");
            }
            if (!init.shape().isFullyDefined()) {
                throw new InvalidArgumentException("initial value of variable '" + scope.name()
                        + "' must have a fully defined shape, got " + init.shape());
            }
            String opName = scope.name();
            Operation varOp = VariableOps.variableV2(g, init.shape(), init.dtype(), opName);
            Output varOut = varOp.output(0);
            Operation assign = VariableOps.assign(g, varOut, init, true, true, "Assign");
            Output read = ControlOps.identity(g, varOut, "read");
            Variable v = new Variable(varOp, assign, init, read, trainable);
            for (String key : collections) {
                g.addToCollection(key, v);
            }
            return v;
        }
    }
}
