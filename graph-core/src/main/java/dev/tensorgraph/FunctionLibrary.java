package dev.tensorgraph;

import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.errors.UnimplementedException;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.proto.AttrValue;
import dev.tensorgraph.proto.FunctionDef;
import dev.tensorgraph.proto.FunctionDefLibrary;
import dev.tensorgraph.proto.GradientDef;
import dev.tensorgraph.proto.RegisteredGradient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The functions of a graph (TensorFlow's {@code FunctionDefLibrary}): their definitions as a GraphDef's
 * {@code library} holds them, which functions compute which one's gradient, and which functions compute the
 * gradients of ops marked with {@code _gradient_op_type}. Import adds a GraphDef's library here and export writes
 * it back unchanged, so TensorFlow reads what it wrote.
 *
 * <p>Functional ops (calls, {@code While}, {@code If}) name functions by attribute; {@link #instantiate} gives a
 * function's body as a graph of its own ({@link FunctionBody}), built once per set of attribute values. Safe to
 * use from many threads.
 *
 * <pre>{@code
 * Graph g = Graph.fromGraphDef(bytes);
 * FunctionBody body = g.functions().instantiate(FunctionRef.of("__inference_dense_32"), null);
 * }</pre>
 */
public final class FunctionLibrary {
    private final LinkedHashMap<String, FunctionDef> functions = new LinkedHashMap<>();
    private final LinkedHashMap<String, String> gradients = new LinkedHashMap<>();
    private final LinkedHashMap<String, String> registeredGradients = new LinkedHashMap<>();
    private final Map<Instance, FunctionBody> bodies = new HashMap<>();

    /** A function with its resolved attribute values: what one body graph is built for. */
    private record Instance(String name, Map<String, AttrValue> attrs) {}

    FunctionLibrary() {}

    /** The names of the functions, in the order they were added. */
    public synchronized Set<String> names() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(functions.keySet()));
    }

    public synchronized boolean contains(String name) {
        return functions.containsKey(name);
    }

    public synchronized boolean isEmpty() {
        return functions.isEmpty() && gradients.isEmpty() && registeredGradients.isEmpty();
    }

    /** The definition of function {@code name}; an error naming it when there is none. */
    public synchronized FunctionDef definition(String name) {
        FunctionDef f = functions.get(name);
        if (f == null) {
            throw new NotFoundException("Function " + ErrorText.quote(name) + " is not in the graph's function library");
        }
        return f;
    }

    /** The function that computes the gradient of function {@code name} (a {@code GradientDef}), or null. */
    public synchronized String gradientFunction(String name) {
        return gradients.get(name);
    }

    /**
     * The function that computes the gradient of ops whose {@code _gradient_op_type} is {@code opType} (a
     * {@code RegisteredGradient}, as SavedModels keep custom gradients), or null.
     */
    public synchronized String registeredGradient(String opType) {
        return registeredGradients.get(opType);
    }

    /**
     * Adds a function; one of the same name must have the same definition. Functions it calls may be added
     * later, but must be there by the time it runs.
     */
    public synchronized void add(FunctionDef def) {
        String name = def.getSignature().getName();
        if (name.isEmpty()) {
            throw new InvalidArgumentException("a function in a library has no name");
        }
        FunctionDef had = functions.get(name);
        if (had != null && !had.equals(def)) {
            throw new InvalidArgumentException("Function " + ErrorText.quote(name)
                    + " is already in the graph's library with another definition");
        }
        functions.put(name, def);
    }

    /**
     * The body of the function {@code ref} names, for {@code ref}'s attribute values and, for a polymorphic
     * function, the dtypes of the arguments it is called with ({@code argDtypes}, null when not known).
     */
    public FunctionBody instantiate(FunctionRef ref, List<DType> argDtypes) {
        FunctionDef def = definition(ref.name());
        Map<String, AttrValue> attrs = new TreeMap<>(FunctionDefs.resolveAttrs(def, ref.attrs(), argDtypes));
        Instance key = new Instance(ref.name(), attrs);
        synchronized (this) {
            FunctionBody body = bodies.get(key);
            if (body == null) {
                body = build(def, attrs);
                bodies.put(key, body);
            }
            return body;
        }
    }

    /**
     * A body derived from the function {@code ref} names (such as its gradient, {@code what} says which): {@code derive}
     * gets a fresh instantiation of its own to build on, once per set of attribute values.
     */
    public FunctionBody instantiateDerived(String what, FunctionRef ref, List<DType> argDtypes,
                                           java.util.function.UnaryOperator<FunctionBody> derive) {
        FunctionDef def = definition(ref.name());
        Map<String, AttrValue> attrs = new TreeMap<>(FunctionDefs.resolveAttrs(def, ref.attrs(), argDtypes));
        Instance key = new Instance(what + " of " + ref.name(), attrs);
        synchronized (this) {
            FunctionBody body = bodies.get(key);
            if (body == null) {
                body = derive.apply(build(def, attrs));
                bodies.put(key, body);
            }
            return body;
        }
    }

    private FunctionBody build(FunctionDef def, Map<String, AttrValue> attrs) {
        String name = def.getSignature().getName();
        try {
            FunctionDefs.Converted c = FunctionDefs.convert(def, attrs, def.getSignature().getInputArgCount() == 0 ? null
                    : OpRegistry.global().functionArgument());
            Graph body = new Graph(this);
            GraphDefIO.importGraphDef(body, c.graph(), "");
            List<Output> args = new ArrayList<>();
            for (String a : c.argNodes()) {
                args.add(body.requireOperation(a).output(0));
            }
            List<Output> results = new ArrayList<>();
            for (String r : c.results()) {
                results.add(body.output(r));
            }
            List<Operation> controls = new ArrayList<>();
            for (String n : c.controlResults()) {
                controls.add(body.requireOperation(n));
            }
            return new FunctionBody(name, body, args, results, controls, def.getSignature().getIsStateful());
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException(inFunction(name, e), e);
        } catch (NotFoundException e) {
            throw new NotFoundException(inFunction(name, e), e);
        } catch (UnimplementedException e) {
            throw new UnimplementedException(inFunction(name, e), e);
        }
    }

    private static String inFunction(String name, TensorgraphException e) {
        String m = e.getMessage();
        return m.contains("function " + ErrorText.quote(name)) ? m : "function " + ErrorText.quote(name) + ": " + m;
    }

    // ---- import and export ----

    /** This library with {@code lib}'s functions and gradients added: a copy; this one is unchanged. */
    synchronized FunctionLibrary withAdded(FunctionDefLibrary lib) {
        FunctionLibrary copy = new FunctionLibrary();
        copy.functions.putAll(functions);
        copy.gradients.putAll(gradients);
        copy.registeredGradients.putAll(registeredGradients);
        copy.addAll(lib);
        return copy;
    }

    /** Adds {@code lib}'s functions and gradients; a name defined twice differently is an error. */
    synchronized void addAll(FunctionDefLibrary lib) {
        for (FunctionDef f : lib.getFunctionList()) {
            add(f);
        }
        for (GradientDef gd : lib.getGradientList()) {
            String had = gradients.get(gd.getFunctionName());
            if (had != null && !had.equals(gd.getGradientFunc())) {
                throw new InvalidArgumentException("the gradient of function " + ErrorText.quote(gd.getFunctionName())
                        + " is already " + ErrorText.quote(had) + ", not " + ErrorText.quote(gd.getGradientFunc()));
            }
            gradients.put(gd.getFunctionName(), gd.getGradientFunc());
        }
        for (RegisteredGradient rg : lib.getRegisteredGradientsList()) {
            registeredGradients.put(rg.getRegisteredOpType(), rg.getGradientFunc());
        }
    }

    /**
     * Checks that every function and gradient the library names exists and that each function taking no
     * attribute values builds, so a broken library fails its import rather than its first run.
     */
    synchronized void validate() {
        for (Map.Entry<String, String> e : gradients.entrySet()) {
            requireFunction(e.getValue(), "the gradient of function " + ErrorText.quote(e.getKey()));
        }
        for (Map.Entry<String, String> e : registeredGradients.entrySet()) {
            requireFunction(e.getValue(), "the registered gradient of " + ErrorText.quote(e.getKey()));
        }
        for (FunctionDef f : new ArrayList<>(functions.values())) {
            if (f.getSignature().getAttrCount() == 0) {
                instantiate(FunctionRef.of(f.getSignature().getName()), null);
            }
        }
    }

    private void requireFunction(String name, String what) {
        if (!functions.containsKey(name)) {
            throw new NotFoundException(what + " is function " + ErrorText.quote(name)
                    + ", which is not in the library");
        }
    }

    synchronized FunctionDefLibrary toProto() {
        FunctionDefLibrary.Builder b = FunctionDefLibrary.newBuilder().addAllFunction(functions.values());
        gradients.forEach((f, g) -> b.addGradient(GradientDef.newBuilder().setFunctionName(f).setGradientFunc(g)));
        registeredGradients.forEach((t, g) -> b.addRegisteredGradients(RegisteredGradient.newBuilder()
                .setRegisteredOpType(t).setGradientFunc(g)));
        return b.build();
    }

    @Override
    public synchronized String toString() {
        return "FunctionLibrary(" + functions.size() + " functions)";
    }
}
