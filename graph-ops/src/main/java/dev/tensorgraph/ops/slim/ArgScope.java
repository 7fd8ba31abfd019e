package dev.tensorgraph.ops.slim;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * An open TF-Slim {@code arg_scope}: default arguments per layer for the slim layers built while it is open, in
 * the graph it was opened for. Closing it restores the defaults that held before; closing twice does nothing.
 * The defaults it holds stay readable after it closes, and opening it again ({@code slim.argScope(saved)})
 * makes exactly them current, as TF-Slim's {@code with arg_scope(sc):} does with a saved scope.
 *
 * <pre>{@code
 * ArgScope saved;
 * try (var sc = slim.argScope(List.of(SlimLayer.CONV2D), SlimArgs.create().padding("VALID"))) {
 *     saved = sc;
 * }
 * try (var sc = slim.argScope(saved)) { ... }
 * }</pre>
 */
public final class ArgScope implements AutoCloseable {
    private final ArgScopes owner;
    private final Map<SlimLayer, SlimArgs> defaults;
    private boolean closed;

    ArgScope(ArgScopes owner, Map<SlimLayer, SlimArgs> defaults) {
        this.owner = owner;
        EnumMap<SlimLayer, SlimArgs> copy = new EnumMap<>(SlimLayer.class);
        defaults.forEach((k, v) -> copy.put(k, v.copy()));
        this.defaults = Collections.unmodifiableMap(copy);
    }

    /** The layers this scope gives defaults to. */
    public Set<SlimLayer> layers() {
        return defaults.keySet();
    }

    /** A copy of the defaults this scope gives {@code layer} (empty when it lists none). */
    public SlimArgs defaults(SlimLayer layer) {
        SlimArgs a = defaults.get(layer);
        return a == null ? SlimArgs.create() : a.copy();
    }

    /** The defaults by layer, read-only and never changed (the scope's own copies). */
    Map<SlimLayer, SlimArgs> table() {
        return defaults;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (owner != null) {
                owner.pop(this);
            }
        }
    }

    @Override
    public String toString() {
        return "ArgScope" + defaults;
    }
}
