package dev.tensorgraph.ops.control;

import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Optional;

/**
 * Per graph, which while loop each op was built in and which loop is being built now (what TensorFlow keeps
 * as each op's {@code _control_flow_context} and the graph's current context). Ops built outside every loop
 * have none. Loops imported from a GraphDef are not recorded here: they run, but {@code tf.gradients} cannot
 * build their backward loops (TensorFlow needs the MetaGraph's loop contexts for that too).
 */
final class LoopContexts {
    /** Shadows enclosing build contexts while ops are built outside every loop. */
    private static final Graph.BuildContext TOP = v -> v;

    private final Graph g;
    private final IdentityHashMap<Operation, WhileContext> contextOf = new IdentityHashMap<>();
    private final ArrayDeque<Optional<WhileContext>> current = new ArrayDeque<>();
    private int suppressRouting;

    private LoopContexts(Graph g) {
        this.g = g;
    }

    static LoopContexts of(Graph g) {
        return g.extension(LoopContexts.class, () -> new LoopContexts(g));
    }

    /** The loop ops are being built in now, or null. */
    synchronized WhileContext current() {
        Optional<WhileContext> c = current.peek();
        return c == null ? null : c.orElse(null);
    }

    /** The loop {@code op} was built in, or null. */
    synchronized WhileContext contextOf(Operation op) {
        return contextOf.get(op);
    }

    /** Records that {@code op} belongs to {@code context} (null: to no loop). */
    synchronized void record(Operation op, WhileContext context) {
        if (context == null) {
            contextOf.remove(op);
        } else {
            contextOf.put(op, context);
        }
    }

    /** Makes {@code context} (null: no loop) the one ops are built in until the scope closes. */
    Graph.Scope enter(WhileContext context) {
        return enterRouting(context, context != null ? context : TOP);
    }

    /**
     * Makes the loop that was current before {@code context} was last entered current again, until the scope
     * closes (TensorFlow's {@code context.Exit()}): where a backward loop puts what it needs from outside.
     */
    Graph.Scope outsideOf(WhileContext context) {
        WhileContext previous = null;
        synchronized (this) {
            boolean found = false;
            for (Optional<WhileContext> e : current) {
                if (found) {
                    previous = e.orElse(null);
                    break;
                }
                found = e.orElse(null) == context;
            }
        }
        return enter(previous);
    }

    /** Whether {@code c} is the context of ops built outside every loop. */
    static boolean isTop(Graph.BuildContext c) {
        return c == TOP;
    }

    /**
     * Makes {@code loop} (null: none) the loop ops are built in and {@code routing} (a cond branch inside it)
     * the context that wires them, until the scope closes.
     */
    Graph.Scope enterRouting(WhileContext loop, Graph.BuildContext routing) {
        Optional<WhileContext> entry = Optional.ofNullable(loop);
        synchronized (this) {
            current.push(entry);
        }
        Graph.Scope build = g.buildContext(routing);
        return new Graph.Scope() {
            private boolean closed;

            @Override
            public String name() {
                return "";
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    build.close();
                    synchronized (LoopContexts.this) {
                        current.removeFirstOccurrence(entry);
                    }
                }
            }
        };
    }

    /** While building an Enter: its input is already the value to enter, so no loop routes it again. */
    synchronized boolean routingSuppressed() {
        return suppressRouting > 0;
    }

    <T> T withoutRouting(java.util.function.Supplier<T> build) {
        synchronized (this) {
            suppressRouting++;
        }
        try {
            return build.get();
        } finally {
            synchronized (this) {
                suppressRouting--;
            }
        }
    }
}
