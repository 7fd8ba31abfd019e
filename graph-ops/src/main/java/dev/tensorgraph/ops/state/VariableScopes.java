package dev.tensorgraph.ops.state;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Shape;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.AlreadyExistsException;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TensorFlow 1.x's variable scopes and {@code tf.get_variable}: the variable-scope state of one graph (kept as a
 * graph extension) is the stack of open variable scopes and every variable created by {@code getVariable}, by
 * full name, as TensorFlow's {@code _VariableStore}.
 *
 * <pre>{@code
 * try (var scope = VariableScopes.variableScope(g, "V1", Reuse.AUTO_REUSE)) {
 *     Variable a1 = VariableScopes.getVariable(g, "a1", Shape.of(1), DType.FLOAT32, Initializers.constant(1), true, null);
 * }
 * }</pre>
 */
public final class VariableScopes {
    /**
     * One open variable scope: its full name, effective reuse, and whether its new variables are resource
     * variables (null: as the enclosing scope, or the graph's default).
     */
    record Frame(String name, Reuse reuse, Boolean useResource) {}

    private final Deque<Frame> stack = new ArrayDeque<>();
    private final Map<String, Variable> byName = new LinkedHashMap<>();
    /**
     * How often each variable scope (by full name) was opened since its parent was last closed, as TensorFlow's
     * {@code _VariableScopeStore.variable_scopes_count}: a default name is free while its count is 0.
     */
    private final Map<String, Integer> openCounts = new java.util.HashMap<>();
    /** TensorFlow 1.15's {@code enable_resource_variables()}: the kind of new variables when nothing says. */
    private boolean defaultUseResource;

    /** The variable-scope state of {@code g}. */
    public static VariableScopes of(Graph g) {
        return g.extension(VariableScopes.class, VariableScopes::new);
    }

    Frame current() {
        Frame f = stack.peek();
        return f != null ? f : new Frame("", Reuse.INHERIT, null);
    }

    /**
     * TensorFlow 1.15's {@code tf.enable_resource_variables()} ({@code true}) and {@code disable_resource_variables()}
     * for graph {@code g}: whether variables made without a {@code useResource} choice (theirs or an enclosing
     * variable scope's) are resource variables. Reference variables are the default, as in TensorFlow 1.x.
     */
    public static void setDefaultUseResource(Graph g, boolean useResource) {
        of(g).defaultUseResource = useResource;
    }

    /**
     * Whether a new variable is a resource variable: {@code requested} when given, else the innermost variable
     * scope's choice, else the graph's default ({@link #setDefaultUseResource}).
     */
    public static boolean resolveUseResource(Graph g, Boolean requested) {
        if (requested != null) {
            return requested;
        }
        VariableScopes scopes = of(g);
        for (Frame f : scopes.stack) {
            if (f.useResource() != null) {
                return f.useResource();
            }
        }
        return scopes.defaultUseResource;
    }

    void push(Frame f) {
        stack.push(f);
    }

    void pop(Frame f) {
        stack.remove(f);
    }

    /** The variable made by getVariable (or imported) under {@code fullName}, or null. */
    public Variable find(String fullName) {
        return byName.get(fullName);
    }

    /** Registers {@code v} under {@code fullName} for reuse. */
    public void put(String fullName, Variable v) {
        byName.put(fullName, v);
    }

    /**
     * A unique variable-scope name for a scope opened with a default name ({@code dense}, {@code dense_1}), as
     * TensorFlow's {@code _get_unique_variable_scope}: the first of {@code base}, {@code base_1}, ... not opened
     * under {@code prefix} since {@code prefix} was last entered.
     */
    String uniqueDefaultName(String prefix, String base) {
        String full = prefix.isEmpty() ? base : prefix + "/" + base;
        if (openCounts.getOrDefault(full, 0) == 0) {
            return base;
        }
        int n = 1;
        while (openCounts.getOrDefault(full + "_" + n, 0) > 0) {
            n++;
        }
        return base + "_" + n;
    }

    /** Counts an opening of the scope {@code fullName} ({@code open_variable_scope}). */
    private void opened(String fullName) {
        openCounts.merge(fullName, 1, Integer::sum);
    }

    /** Forgets the scopes opened inside {@code fullName} when it closes ({@code close_variable_subscopes}). */
    private void closedSubscopes(String fullName) {
        String prefix = fullName + "/";
        openCounts.replaceAll((k, n) -> k.startsWith(prefix) ? 0 : n);
    }

    // ---- variable scopes and get_variable ----

    /**
     * {@code tf.variable_scope(name, reuse=...)}: variables from {@code getVariable} are named
     * {@code outer/name/var} whatever the name scope; the name scope it opens is uniquified. Once reuse is
     * on it stays on in nested scopes.
     */
    public static Graph.Scope variableScope(Graph g, String name, Reuse reuse) {
        return variableScope(g, name, reuse, null);
    }

    /**
     * {@code tf.variable_scope(name, reuse=..., use_resource=...)}: as {@link #variableScope(Graph, String, Reuse)},
     * its new variables resource variables when {@code useResource} is true (null: as the enclosing scope).
     */
    public static Graph.Scope variableScope(Graph g, String name, Reuse reuse, Boolean useResource) {
        if (name == null || name.isEmpty()) {
            throw new InvalidArgumentException("a variable scope needs a name");
        }
        return open(g, name, name, reuse, useResource);
    }

    /**
     * {@code tf.variable_scope(name, default_name=defaultName, reuse=...)}: with a name, as
     * {@link #variableScope(Graph, String, Reuse)}; without one, the variable scope is {@code defaultName} made
     * unique among the scopes opened under the current one ({@code Conv}, {@code Conv_1}, ...) and the name scope
     * is {@code defaultName} made unique by the graph, each counted on its own as TensorFlow counts them.
     * Reuse {@link Reuse#TRUE} needs a name.
     */
    public static Graph.Scope variableScope(Graph g, String name, String defaultName, Reuse reuse) {
        if (name != null && !name.isEmpty()) {
            return variableScope(g, name, reuse);
        }
        if (defaultName == null || defaultName.isEmpty()) {
            throw new InvalidArgumentException("a variable scope needs a name or a default name");
        }
        if (reuse == Reuse.TRUE) {
            throw new InvalidArgumentException("reuse=True cannot be used without a name_or_scope (default name '"
                    + defaultName + "')");
        }
        VariableScopes scopes = of(g);
        return open(g, scopes.uniqueDefaultName(scopes.current().name(), defaultName), defaultName, reuse, null);
    }

    private static Graph.Scope open(Graph g, String name, String nameScopeName, Reuse reuse, Boolean useResource) {
        VariableScopes scopes = of(g);
        Frame outer = scopes.current();
        Reuse effective;
        if (outer.reuse() == Reuse.TRUE) {
            effective = Reuse.TRUE;
        } else if (reuse == null || reuse == Reuse.INHERIT) {
            effective = outer.reuse();
        } else {
            effective = reuse;
        }
        String full = outer.name().isEmpty() ? name : outer.name() + "/" + name;
        Frame frame = new Frame(full, effective, useResource);
        Graph.Scope nameScope = g.nameScope(nameScopeName);
        scopes.opened(full);
        scopes.push(frame);
        return new Graph.Scope() {
            private boolean closed;

            @Override
            public String name() {
                return nameScope.name();
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    scopes.pop(frame);
                    scopes.closedSubscopes(full);
                    nameScope.close();
                }
            }
        };
    }

    /** The full name of the current variable scope ({@code ""} at the root). */
    public static String currentVariableScope(Graph g) {
        return of(g).current().name();
    }

    /**
     * {@code tf.get_variable(name, shape, dtype, initializer, trainable, collections)}. {@code shape}/{@code dtype} may be null when reusing; a null initializer means
     * Glorot-uniform for floats and zeros otherwise, as TensorFlow; null collections means GLOBAL_VARIABLES
     * (plus TRAINABLE_VARIABLES when trainable).
     */
    public static Variable getVariable(Graph g, String name, Shape shape, DType dtype, Initializer initializer,
                                       boolean trainable, List<String> collections) {
        return getVariable(g, name, shape, dtype, initializer, trainable, collections, null);
    }

    /**
     * {@code tf.get_variable(..., use_resource=useResource)}: as above, a new variable a resource variable when
     * {@code useResource} is true, a reference one when false, and as the variable scopes and the graph's default
     * say when null ({@link #resolveUseResource}). A reused variable is returned whatever its kind.
     */
    public static Variable getVariable(Graph g, String name, Shape shape, DType dtype, Initializer initializer,
                                       boolean trainable, List<String> collections, Boolean useResource) {
        if (name == null || name.isEmpty()) {
            throw new InvalidArgumentException("getVariable needs a name");
        }
        VariableScopes scopes = of(g);
        Frame frame = scopes.current();
        String full = frame.name().isEmpty() ? name : frame.name() + "/" + name;
        Variable existing = scopes.find(full);
        if (existing != null) {
            if (frame.reuse() == Reuse.INHERIT) {
                throw new AlreadyExistsException("Variable " + full + " already exists, disallowed. Did you mean to set "
                        + "reuse=True or reuse=tf.AUTO_REUSE in VarScope?");
            }
            if (shape != null && !shape.isCompatibleWith(existing.shape())) {
                throw new InvalidArgumentException("Trying to share variable " + full + ", but specified shape " + shape
                        + " and found shape " + existing.shape() + ".");
            }
            if (dtype != null && dtype != existing.dtype()) {
                throw new InvalidArgumentException("Trying to share variable " + full + ", but specified dtype " + dtype
                        + " and found dtype " + existing.dtype() + ".");
            }
            return existing;
        }
        if (frame.reuse() == Reuse.TRUE) {
            throw new NotFoundException("Variable " + full + " does not exist, or was not created with tf.get_variable(). "
                    + "Did you mean to set reuse=tf.AUTO_REUSE in VarScope?");
        }
        if (shape == null || !shape.isFullyDefined()) {
            throw new InvalidArgumentException("Shape of a new variable (" + full + ") must be fully defined, but instead was "
                    + (shape == null ? "<unknown>" : shape) + ".");
        }
        DType type = dtype == null ? DType.FLOAT32 : dtype;
        Initializer init = initializer != null ? initializer
                : type.isFloating() ? Initializers.glorotUniform() : Initializers.zeros();
        List<String> keys = new ArrayList<>();
        if (collections == null) {
            keys.add(GraphKeys.GLOBAL_VARIABLES);
        } else {
            keys.addAll(collections);
        }
        if (trainable && !keys.contains(GraphKeys.TRAINABLE_VARIABLES)) {
            keys.add(GraphKeys.TRAINABLE_VARIABLES);
        }
        boolean resource = resolveUseResource(g, useResource);
        Variable v;
        try (var root = g.nameScope(null)) {
            v = Variables.create(g, () -> init.create(g, shape, type), true, full, trainable, keys, false, resource);
        }
        scopes.put(full, v);
        return v;
    }

    /**
     * The variable-scope name a layer created without a name gets: {@code base}, then {@code base_1}, ...
     * counted under the current variable scope, as TensorFlow 1.x's {@code variable_scope(None, default_name=base)}
     * in {@code Layer._set_scope}.
     */
    public static String uniqueLayerName(Graph g, String base) {
        VariableScopes scopes = of(g);
        String prefix = scopes.current().name();
        String name = scopes.uniqueDefaultName(prefix, base);
        // Reserved at once, so that two calls give two names even before either scope is opened.
        scopes.opened(prefix.isEmpty() ? name : prefix + "/" + name);
        return name;
    }
}
