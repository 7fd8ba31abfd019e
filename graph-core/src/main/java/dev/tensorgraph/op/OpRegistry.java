package dev.tensorgraph.op;

import dev.tensorgraph.errors.AlreadyExistsException;
import dev.tensorgraph.errors.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every op type the process knows, keyed by TensorFlow type name. Libraries on the class path are registered
 * when first needed; user code adds its own ops with {@link #register}. Like TensorFlow's op registry it is
 * process-wide: an op type means the same thing in every graph.
 *
 * <p>A jar may list which op types each of its libraries defines ({@link LibraryIndex}); such a library is
 * registered on the first look-up of one of its types, so a program that builds a small graph does not load
 * and define the hundreds of ops it never uses (a fifth of the time from JVM start to a first result went
 * there). A look-up of a type no index names registers every library before it answers, so a library without
 * an index, or an index that is out of date, only costs that time.
 */
public final class OpRegistry {
    private static final OpRegistry GLOBAL = new OpRegistry(true);

    private final ConcurrentHashMap<String, OpDef> defs = new ConcurrentHashMap<>();
    private final boolean usesLibraries;
    /** Set once every library on the class path has been registered. */
    private volatile boolean allLoaded;
    /** Op type to the library class that defines it, read on first need; guarded by this. */
    private LibraryIndex index;
    /** Libraries registered so far, by class name; guarded by this. */
    private final java.util.Set<String> loaded = new java.util.HashSet<>();

    private OpRegistry(boolean usesLibraries) {
        this.usesLibraries = usesLibraries;
        this.allLoaded = !usesLibraries;
    }

    public static OpRegistry global() {
        return GLOBAL;
    }

    /** The op types {@code library} defines, on a registry of its own that knows no library: for the index. */
    public static List<String> typesDefinedBy(OpLibrary library) {
        OpRegistry scratch = new OpRegistry(false);
        library.register(scratch);
        List<String> types = new ArrayList<>(scratch.defs.keySet());
        types.sort(null);
        return types;
    }

    /**
     * Registers the library that the index names for {@code type} when it is not registered yet; false when no
     * index names one.
     */
    private boolean loadLibraryOf(String type) {
        if (allLoaded) {
            return true;
        }
        synchronized (this) {
            if (allLoaded) {
                return true;
            }
            if (index == null) {
                index = LibraryIndex.read(OpRegistry.class.getClassLoader(), LibraryIndex.OP_LIBRARIES);
            }
            String library = index.libraryOf(type);
            if (library != null && loaded.add(library)) {
                OpLibrary lib = instantiate(library);
                if (lib == null) {
                    loadAll(); // the index names a class that is gone: out of date
                } else {
                    lib.register(this);
                }
            }
            return library != null;
        }
    }

    /** A new instance of the library class the index names, or null when it is missing or no library. */
    private static OpLibrary instantiate(String className) {
        try {
            Class<?> c = Class.forName(className, true, OpRegistry.class.getClassLoader());
            return OpLibrary.class.isAssignableFrom(c) ? (OpLibrary) c.getConstructor().newInstance() : null;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null;
        }
    }

    /** Registers every library on the class path that is not registered yet. */
    private void loadAll() {
        if (allLoaded) {
            return;
        }
        synchronized (this) {
            if (allLoaded) {
                return;
            }
            allLoaded = true;
            for (ServiceLoader.Provider<OpLibrary> p
                    : ServiceLoader.load(OpLibrary.class, OpRegistry.class.getClassLoader()).stream().toList()) {
                if (loaded.add(p.type().getName())) {
                    p.get().register(this);
                }
            }
        }
    }

    /** The definition of {@code type}, registering the library that defines it when needed; null when none does. */
    private OpDef find(String type) {
        OpDef d = defs.get(type);
        if (d == null && !allLoaded) {
            loadLibraryOf(type);
            d = defs.get(type);
            if (d == null) {
                loadAll();
                d = defs.get(type);
            }
        }
        return d;
    }

    /**
     * Adds an op type; a second definition of the same type is an error, also when the first comes from a
     * library that was not registered yet.
     */
    public void register(OpDef def) {
        if (!loadLibraryOf(def.type())) {
            loadAll(); // a library without an index may define it
        }
        OpDef prev = defs.putIfAbsent(def.type(), def);
        if (prev != null) {
            throw new AlreadyExistsException("op type '" + def.type() + "' is already registered");
        }
    }

    public boolean contains(String type) {
        return find(type) != null;
    }

    public OpDef lookup(String type) {
        OpDef d = find(type);
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
        loadAll();
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
        loadAll();
        return new ArrayList<>(defs.values());
    }
}
