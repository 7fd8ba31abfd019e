package dev.tensorgraph.op;

import dev.tensorgraph.errors.AlreadyExistsException;
import dev.tensorgraph.errors.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every op type the process knows, keyed by TensorFlow type name. Libraries on the class path are
 * registered on first use; user code adds its own ops with {@link #register}. Like TensorFlow's op
 * registry it is process-wide: an op type means the same thing in every graph.
 */
public final class OpRegistry {
    private static final OpRegistry GLOBAL = new OpRegistry();

    private final ConcurrentHashMap<String, OpDef> defs = new ConcurrentHashMap<>();
    private volatile boolean librariesLoaded;

    private OpRegistry() {}

    public static OpRegistry global() {
        GLOBAL.ensureLibrariesLoaded();
        return GLOBAL;
    }

    private void ensureLibrariesLoaded() {
        if (librariesLoaded) {
            return;
        }
        synchronized (this) {
            if (librariesLoaded) {
                return;
            }
            librariesLoaded = true;
            for (OpLibrary lib : ServiceLoader.load(OpLibrary.class, OpRegistry.class.getClassLoader())) {
                lib.register(this);
            }
        }
    }

    /** Adds an op type; a second definition of the same type is an error. */
    public void register(OpDef def) {
        OpDef prev = defs.putIfAbsent(def.type(), def);
        if (prev != null) {
            throw new AlreadyExistsException("op type '" + def.type() + "' is already registered");
        }
    }

    public boolean contains(String type) {
        return defs.containsKey(type);
    }

    public OpDef lookup(String type) {
        OpDef d = defs.get(type);
        if (d == null) {
            throw new NotFoundException("Op type not registered '" + type + "'");
        }
        return d;
    }

    /**
     * The op type that stands for a function's argument in function bodies ({@link OpDef#isFunctionArgument});
     * an error when the op library on the class path declares none.
     */
    public OpDef functionArgument() {
        for (OpDef d : defs.values()) {
            if (d.isFunctionArgument()) {
                return d;
            }
        }
        throw new NotFoundException("no op type stands for function arguments; put the op library "
                + "(tensorgraph-graph-ops) on the class path to import functions");
    }

    /** All registered definitions, for self-checks. */
    public List<OpDef> all() {
        return new ArrayList<>(defs.values());
    }
}
