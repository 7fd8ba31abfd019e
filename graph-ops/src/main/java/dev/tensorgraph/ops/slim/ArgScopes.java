package dev.tensorgraph.ops.slim;

import dev.tensorgraph.Graph;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The arg-scope stack of one graph (kept as a graph extension, so nothing is shared between graphs): each open
 * {@link ArgScope} holds the whole table of defaults in force while it is the innermost.
 */
final class ArgScopes {
    private final Deque<ArgScope> stack = new ArrayDeque<>();

    static ArgScopes of(Graph g) {
        return g.extension(ArgScopes.class, ArgScopes::new);
    }

    /** The defaults in force: the innermost open scope's table, or none. */
    Map<SlimLayer, SlimArgs> current() {
        ArgScope top = stack.peek();
        return top == null ? Map.of() : top.table();
    }

    /** The defaults {@code layer} gets here (empty when no open scope lists it). */
    SlimArgs defaults(SlimLayer layer) {
        SlimArgs a = current().get(layer);
        return a == null ? SlimArgs.create() : a;
    }

    /**
     * Opens {@code arg_scope(layers, **args)}: the current table with {@code args} merged into the defaults of each
     * listed layer, the new values winning.
     */
    ArgScope open(List<SlimLayer> layers, SlimArgs args) {
        if (layers == null || args == null) {
            throw new InvalidArgumentException("arg_scope needs a list of layers and their arguments, got "
                    + layers + " and " + args);
        }
        Map<SlimLayer, SlimArgs> table = new EnumMap<>(SlimLayer.class);
        table.putAll(current());
        for (SlimLayer layer : layers) {
            if (layer == null) {
                throw new InvalidArgumentException("arg_scope: the list of layers holds null: " + layers);
            }
            args.checkTakenBy(layer, "arg_scope");
            table.put(layer, args.over(table.get(layer)));
        }
        return push(table);
    }

    /** Re-opens a saved scope: exactly its table is current until it closes. */
    ArgScope reopen(ArgScope saved) {
        if (saved == null) {
            throw new InvalidArgumentException("arg_scope needs a saved scope, got null");
        }
        return push(saved.table());
    }

    /** The defaults in force now, as a scope that is not open (closing it does nothing). */
    ArgScope snapshot() {
        return new ArgScope(null, current());
    }

    private ArgScope push(Map<SlimLayer, SlimArgs> table) {
        ArgScope scope = new ArgScope(this, table);
        stack.push(scope);
        return scope;
    }

    void pop(ArgScope scope) {
        stack.remove(scope);
    }
}
