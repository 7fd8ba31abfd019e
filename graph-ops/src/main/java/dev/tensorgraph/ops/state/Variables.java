package dev.tensorgraph.ops.state;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.control.ControlOps;
import java.util.List;
import java.util.function.Supplier;

/**
 * Creates variable ops the way TensorFlow 1.x does: a reference variable as {@code RefVariable} builds it
 * ({@code v}, {@code v/Assign}, {@code v/read}), a resource variable as {@code ResourceVariable} builds it in graph
 * mode ({@code v} VarHandleOp, {@code v/IsInitialized/VarIsInitializedOp}, {@code v/Assign} AssignVariableOp,
 * {@code v/Read/ReadVariableOp}).
 */
public final class Variables {
    private Variables() {}

    /**
     * Builds a reference variable under the name scope {@code name} (made unique unless it ends in '/'), outside
     * any control-dependency block, as TensorFlow's {@code init_scope} does.
     */
    public static Variable create(Graph g, Output initialValue, String name, boolean trainable, List<String> collections,
                                  boolean exactName) {
        return create(g, () -> initialValue, false, name, trainable, collections, exactName, false);
    }

    /**
     * {@code tf.Variable(initialValue, name=name, trainable=trainable)}: always a new reference variable with a
     * uniquified name (default "Variable") in GLOBAL_VARIABLES (and TRAINABLE_VARIABLES when trainable).
     */
    public static Variable variable(Graph g, Output initialValue, boolean trainable, String name) {
        return variable(g, initialValue, trainable, name, false);
    }

    /** As {@link #variable(Graph, Output, boolean, String)}, a resource variable when {@code useResource}. */
    public static Variable variable(Graph g, Output initialValue, boolean trainable, String name, boolean useResource) {
        List<String> keys = new java.util.ArrayList<>();
        keys.add(dev.tensorgraph.GraphKeys.GLOBAL_VARIABLES);
        if (trainable) {
            keys.add(dev.tensorgraph.GraphKeys.TRAINABLE_VARIABLES);
        }
        return create(g, () -> initialValue, false, name == null ? "Variable" : name, trainable, keys, false, useResource);
    }

    /**
     * {@code fromInitializer}: the value is made inside the variable's {@code Initializer} scope; {@code resource}:
     * a resource variable.
     */
    static Variable create(Graph g, Supplier<Output> initialValue, boolean fromInitializer, String name,
                           boolean trainable, List<String> collections, boolean exactName, boolean resource) {
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
            Variable v = resource ? resourceVariable(g, scope.name(), init, trainable)
                    : referenceVariable(g, scope.name(), init, trainable);
            for (String key : collections) {
                g.addToCollection(key, v);
            }
            return v;
        }
    }

    /** {@code v} VariableV2, {@code v/Assign}, {@code v/read}, inside the variable's name scope {@code scope}. */
    private static Variable referenceVariable(Graph g, String scope, Output init, boolean trainable) {
        Operation varOp = VariableOps.variableV2(g, init.shape(), init.dtype(), scope);
        Output varOut = varOp.output(0);
        Operation assign = VariableOps.assign(g, varOut, init, true, true, "Assign");
        Output read = ControlOps.identity(g, varOut, "read");
        return new Variable(varOp, assign, init, read, trainable);
    }

    /**
     * {@code v} VarHandleOp (shared name {@code v}), {@code v/IsInitialized/VarIsInitializedOp}, {@code v/Assign}
     * AssignVariableOp and {@code v/Read/ReadVariableOp}, inside the variable's name scope {@code scope}.
     */
    private static Variable resourceVariable(Graph g, String scope, Output init, boolean trainable) {
        String opName = scope.substring(0, scope.length() - 1);
        Output handle = ResourceVariableOps.varHandleOp(g, init.dtype(), init.shape(), opName, scope, scope);
        try (var s = g.nameScope("IsInitialized")) {
            ResourceVariableOps.varIsInitializedOp(g, handle, null);
        }
        Operation assign = ResourceVariableOps.assignVariableOp(g, handle, init, false, "Assign");
        Output read;
        try (var s = g.nameScope("Read")) {
            read = ResourceVariableOps.readVariableOp(g, handle, init.dtype(), null);
        }
        return new Variable(handle.op(), assign, init, read, trainable);
    }

    /**
     * The value of {@code v} as TensorFlow's {@code variable.value()} gives it: a reference variable's
     * {@code read} identity; for a resource variable a new {@code ReadVariableOp} in the current name scope (where
     * TensorFlow's operator overloads read it, outside the op they build).
     */
    public static Output read(Graph g, Variable v) {
        return v.isResource() ? ResourceVariableOps.readVariableOp(g, v.handle(), v.dtype(), null) : v.value();
    }
}
