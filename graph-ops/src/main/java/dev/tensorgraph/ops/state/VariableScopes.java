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
    /** One open variable scope: its full name and effective reuse. */
    record Frame(String name, Reuse reuse) {}

    private final Deque<Frame> stack = new ArrayDeque<>();
    private final Map<String, Variable> byName = new LinkedHashMap<>();
    private final Map<String, Integer> defaultNameCounts = new java.util.HashMap<>();

    /** The variable-scope state of {@code g}. */
    public static VariableScopes of(Graph g) {
        return g.extension(VariableScopes.class, VariableScopes::new);
    }

    Frame current() {
        Frame f = stack.peek();
        return f != null ? f : new Frame("", Reuse.INHERIT);
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
     * A unique variable-scope name for layers created without a name ({@code dense}, {@code dense_1}), counted
     * per enclosing scope as TensorFlow's {@code _get_unique_variable_scope}.
     */
    String uniqueDefaultName(String prefix, String base) {
        String full = prefix.isEmpty() ? base : prefix + "/" + base;
        int n = defaultNameCounts.getOrDefault(full, 0);
        String candidate = n == 0 ? base : base + "_" + n;
        while (byNamePrefixUsed(prefix, candidate)) {
            n++;
            candidate = base + "_" + n;
        }
        defaultNameCounts.put(full, n + 1);
        return candidate;
    }

    private boolean byNamePrefixUsed(String prefix, String name) {
        String full = (prefix.isEmpty() ? "" : prefix + "/") + name + "/";
        for (String k : byName.keySet()) {
            if (k.startsWith(full)) {
                return true;
            }
        }
        return false;
    }

    // ---- variable scopes and get_variable ----

    /**
     * {@code tf.variable_scope(name, reuse=...)}: variables from {@code getVariable} are named
     * {@code outer/name/var} whatever the name scope; the name scope it opens is uniquified. Once reuse is
     * on it stays on in nested scopes.
     */
    public static Graph.Scope variableScope(Graph g, String name, Reuse reuse) {
        if (name == null || name.isEmpty()) {
            throw new InvalidArgumentException("a variable scope needs a name");
        }
        VariableScopes scopes = of(g);
        Frame outer = scopes.current();
        Reuse effective;
        if (outer.reuse() == Reuse.TRUE) {
            effective = Reuse.TRUE;
        } else if (reuse == Reuse.INHERIT) {
            effective = outer.reuse();
        } else {
            effective = reuse;
        }
        String full = outer.name().isEmpty() ? name : outer.name() + "/" + name;
        Frame frame = new Frame(full, effective);
        Graph.Scope nameScope = g.nameScope(name);
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
        Variable v;
        try (var root = g.nameScope(null)) {
            v = Variables.create(g, () -> init.create(g, shape, type), true, full, trainable, keys, false);
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
        return scopes.uniqueDefaultName(scopes.current().name(), base);
    }
}
