package dev.tensorgraph;

import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.op.OpDef;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A TensorFlow 1.x computation graph: operations in creation order, with the name-scope, control-dependency
 * and device stacks that shape how new ops are named and wired, and named collections. As in TensorFlow, those
 * stacks are each thread's own: threads may build in one graph at once (op names stay unique graph-wide) without
 * one's scopes reaching the other's ops; running the graph in sessions is safe from many threads.
 */
public final class Graph {
    private final List<Operation> ops = new ArrayList<>();
    private final Map<String, Operation> byName = new ConcurrentHashMap<>();
    private final NameScopes names = new NameScopes();
    private final ThreadLocal<BuildingState> building = ThreadLocal.withInitial(BuildingState::new);
    private final Map<String, List<Object>> collections = new LinkedHashMap<>();
    private final Map<Class<?>, Object> extensions = new ConcurrentHashMap<>();
    private Long seed;
    private final FunctionLibrary functions;

    /** An empty graph with an empty function library. */
    public Graph() {
        this(new FunctionLibrary());
    }

    /** An empty graph sharing {@code functions}: the body of one of them. */
    Graph(FunctionLibrary functions) {
        this.functions = functions;
    }

    /**
     * The graph's functions (TensorFlow's {@code FunctionDefLibrary}): those an imported GraphDef brought, which
     * its calls, {@code While} and {@code If} ops run, written back by {@link #toGraphDef()}.
     */
    public FunctionLibrary functions() {
        return functions;
    }

    /**
     * One {@code control_dependencies(...)} block; {@code clears} is TensorFlow's control_dependencies(None);
     * {@code built} holds the ops created while it was open (TensorFlow's {@code _seen_nodes}).
     */
    private record ControlFrame(List<Operation> ops, boolean clears, Set<Operation> built) {}

    /** One thread's open control-dependency blocks and build contexts (innermost first) and device. */
    private static final class BuildingState {
        final Deque<ControlFrame> controlFrames = new ArrayDeque<>();
        final Deque<BuildContext> buildContexts = new ArrayDeque<>();
        String device = "";
    }

    /** A scope named {@code name} whose first close runs {@code restore} under the graph's lock. */
    private Scope restoring(String name, Runnable restore) {
        return new Scope() {
            private boolean closed;

            @Override
            public String name() {
                return name;
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    synchronized (Graph.this) {
                        restore.run();
                    }
                }
            }
        };
    }

    /** A scope that restores the previous state on close, mirroring Python's {@code with}. */
    public interface Scope extends AutoCloseable {
        /** The scope's name with a trailing '/' (for name scopes), as TensorFlow's {@code with ... as scope}. */
        String name();

        @Override
        void close();
    }

    // ---- operations ----

    /** Starts building an op of a registered type; a null name uses the type as the default name. */
    public OpBuilder opBuilder(String type, String name) {
        return new OpBuilder(this, type, name);
    }

    /** The operation with this name, or null. */
    public Operation operation(String name) {
        return byName.get(name);
    }

    /** The operation with this name; an error naming it when there is none. */
    public Operation requireOperation(String name) {
        Operation op = byName.get(name);
        if (op == null) {
            throw new NotFoundException("The name '" + name + "' refers to an Operation not in the graph.");
        }
        return op;
    }

    /** A tensor by TensorFlow name, {@code "op:index"} ({@code "op"} alone means output 0). */
    public Output output(String tensorName) {
        if (tensorName == null || tensorName.isEmpty()) {
            throw new InvalidArgumentException("a tensor name must not be empty");
        }
        int colon = tensorName.lastIndexOf(':');
        String opName = tensorName;
        int index = 0;
        if (colon >= 0) {
            opName = tensorName.substring(0, colon);
            try {
                index = Integer.parseInt(tensorName.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new InvalidArgumentException("'" + tensorName + "' is not a tensor name of the form op:index");
            }
        }
        Operation op = byName.get(opName);
        if (op == null) {
            throw new NotFoundException("The name '" + tensorName + "' refers to a Tensor which does not exist. "
                    + "The operation, '" + opName + "', does not exist in the graph.");
        }
        if (index < 0 || index >= op.numOutputs()) {
            throw new NotFoundException("The name '" + tensorName + "' refers to a Tensor which does not exist. "
                    + "The operation, '" + opName + "', exists but only has " + op.numOutputs() + " outputs.");
        }
        return op.output(index);
    }

    /** All operations in creation order (a topological order). */
    public synchronized List<Operation> operations() {
        return List.copyOf(ops);
    }

    public synchronized int numOperations() {
        return ops.size();
    }

    synchronized Operation addOperation(OpBuilder.Resolved r) {
        if (byName.containsKey(r.name())) {
            throw new InvalidArgumentException("Duplicate node name in graph: '" + r.name() + "'");
        }
        if (r.uniquified()) {
            String again = names.uniqueName(r.requestedName(), true);
            if (!again.equals(r.name())) {
                throw new dev.tensorgraph.errors.InternalException("name changed while building op '" + r.name() + "'");
            }
        } else {
            names.markUsed(r.name());
        }
        Operation op = new Operation(this, ops.size(), r.name(), r.def(), r.inputs(), r.controlInputs(), r.attrs(),
                r.dtypes(), r.shapes(), r.device());
        ops.add(op);
        byName.put(op.name(), op);
        // innermost first, up to the frame that cleared the outer ones
        for (ControlFrame f : building.get().controlFrames) {
            f.built().add(op);
            if (f.clears()) {
                break;
            }
        }
        return op;
    }

    // ---- while loops ----

    /**
     * Makes {@code nextIteration} input {@code index} of the loop {@code Merge} op {@code merge}: the back edge
     * that closes a while loop, added once the loop body exists, as TensorFlow's while loop updates the Merge it
     * built with its Enter twice. The value's dtype must match the Merge's. Op ids keep their creation order;
     * back edges are the one place where an input comes from a later op.
     */
    public synchronized void setLoopBackEdge(Operation merge, int index, Output nextIteration) {
        checkOwn(merge, "setLoopBackEdge");
        checkOwn(nextIteration == null ? null : nextIteration.op(), "setLoopBackEdge");
        if (merge.def().loopRole() != OpDef.LoopRole.MERGE) {
            throw new InvalidArgumentException("setLoopBackEdge: op '" + merge.name() + "' is a " + merge.type()
                    + ", not a Merge");
        }
        if (nextIteration.op().def().loopRole() != OpDef.LoopRole.NEXT_ITERATION) {
            throw new InvalidArgumentException("setLoopBackEdge: the back edge of Merge '" + merge.name()
                    + "' must come from a NextIteration op, not from " + nextIteration.op().type() + " op '"
                    + nextIteration.op().name() + "'");
        }
        if (index < 0 || index >= merge.numInputs()) {
            throw new InvalidArgumentException("setLoopBackEdge: Merge '" + merge.name() + "' has " + merge.numInputs()
                    + " inputs; there is no input " + index);
        }
        if (nextIteration.dtype() != merge.input(index).dtype()) {
            throw new InvalidArgumentException("setLoopBackEdge: Merge '" + merge.name() + "' takes "
                    + merge.input(index).dtype() + " but '" + nextIteration.name() + "' is " + nextIteration.dtype());
        }
        merge.replaceInput(index, nextIteration);
    }

    /**
     * Adds control input {@code control} to {@code op}, a {@code NextIteration} or {@code ControlTrigger} built
     * earlier: how TensorFlow's while-loop gradients make a loop's next iteration wait for the stack pushes and
     * pops added to it afterwards. Other ops cannot gain control inputs after they are built.
     */
    public synchronized void addLoopControlInput(Operation op, Operation control) {
        checkOwn(op, "addLoopControlInput");
        checkOwn(control, "addLoopControlInput");
        OpDef.LoopRole role = op.def().loopRole();
        if (role != OpDef.LoopRole.NEXT_ITERATION && role != OpDef.LoopRole.TRIGGER) {
            throw new InvalidArgumentException("addLoopControlInput: op '" + op.name() + "' is a " + op.type()
                    + "; only NextIteration and ControlTrigger ops gain control inputs after they are built");
        }
        if (!op.controlInputs().contains(control)) {
            op.appendControlInput(control);
        }
    }

    private void checkOwn(Operation op, String what) {
        if (op == null) {
            throw new InvalidArgumentException(what + ": an op is null");
        }
        if (op.graph() != this) {
            throw new InvalidArgumentException(what + ": op '" + op.name() + "' belongs to another graph");
        }
    }

    // ---- naming ----

    /** TensorFlow's {@code Graph.unique_name}: the current scope joined with {@code name}, made unique. */
    public synchronized String uniqueName(String name) {
        return names.uniqueName(name, true);
    }

    /** What {@link #uniqueName} would return, without reserving it. */
    public synchronized String peekUniqueName(String name) {
        return names.uniqueName(name, false);
    }

    /** The current name scope without trailing '/', {@code ""} at the root. */
    public synchronized String currentNameScope() {
        return names.current();
    }

    /**
     * Opens a name scope as TensorFlow's {@code Graph.name_scope}: a plain name is made unique under the
     * current scope ({@code V1}, then {@code V1_1}); a name ending in '/' is taken as an absolute scope;
     * null or {@code ""} returns to the root.
     */
    public synchronized Scope nameScope(String name) {
        String previous = names.current();
        String next;
        if (name == null || name.isEmpty()) {
            next = "";
        } else if (name.endsWith("/")) {
            next = name.substring(0, name.length() - 1);
            OpBuilder.checkScopeName(next);
        } else {
            OpBuilder.checkScopeName(name);
            next = names.uniqueName(name, true);
        }
        names.setCurrent(next);
        String scopeName = next.isEmpty() ? "" : next + "/";
        return restoring(scopeName, () -> names.setCurrent(previous));
    }

    // ---- control dependencies and devices ----

    /**
     * Ops created inside depend on {@code ops} (Operations or Outputs, whose op is used). Null clears all
     * enclosing control dependencies, as TensorFlow's {@code control_dependencies(None)}.
     */
    public synchronized Scope controlDependencies(Collection<?> deps) {
        ControlFrame frame;
        Set<Operation> built = Collections.newSetFromMap(new IdentityHashMap<>());
        if (deps == null) {
            frame = new ControlFrame(List.of(), true, built);
        } else {
            // As TensorFlow: an op an enclosing block already names is not repeated in this one.
            Set<Operation> current = new HashSet<>();
            for (ControlFrame f : activeFrames()) {
                current.addAll(f.ops());
            }
            List<Operation> list = new ArrayList<>();
            for (Object o : deps) {
                Operation op = toOperation(o, "controlDependencies");
                if (current.add(op)) {
                    list.add(op);
                }
            }
            frame = new ControlFrame(list, false, built);
        }
        Deque<ControlFrame> frames = building.get().controlFrames;
        frames.push(frame);
        return restoring("", () -> frames.remove(frame));
    }

    Operation toOperation(Object o, String what) {
        Operation op;
        if (o instanceof Operation x) {
            op = x;
        } else if (o instanceof Output x) {
            op = x.op();
        } else {
            throw new InvalidArgumentException(what + " expects Operations or Outputs, got "
                    + (o == null ? "null" : o.getClass().getSimpleName()));
        }
        if (op.graph() != this) {
            throw new InvalidArgumentException(what + ": op '" + op.name() + "' belongs to another graph");
        }
        return op;
    }

    /**
     * Control inputs the enclosing {@code controlDependencies} blocks give a new op reading {@code inputs},
     * outermost block first, by TensorFlow's rule ({@code _control_dependencies_for_inputs}): a block adds nothing
     * when one of the inputs comes from an op created inside it (that op already depends on the block's ops), and
     * never an op the new op reads data from.
     */
    synchronized List<Operation> activeControlDependencies(List<Output> inputs) {
        Set<Operation> inputOps = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Output in : inputs) {
            inputOps.add(in.op());
        }
        List<Operation> result = new ArrayList<>();
        for (ControlFrame f : activeFrames()) {
            boolean dominated = false;
            for (Operation in : inputOps) {
                if (f.built().contains(in)) {
                    dominated = true;
                    break;
                }
            }
            if (dominated) {
                continue;
            }
            for (Operation op : f.ops()) {
                if (!inputOps.contains(op) && !result.contains(op)) {
                    result.add(op);
                }
            }
        }
        return result;
    }

    /** The control-dependency blocks that apply now, outermost first (none outside a clearing block). */
    private List<ControlFrame> activeFrames() {
        List<ControlFrame> active = new ArrayList<>();
        for (ControlFrame f : building.get().controlFrames) { // innermost first
            active.add(0, f);
            if (f.clears()) {
                break;
            }
        }
        return active;
    }

    /**
     * How ops built while a control-flow construct is being built are wired, as TensorFlow's control-flow
     * contexts do ({@code ControlFlowContext.AddOp}): a cond branch routes outside tensors through Switch ops,
     * a while loop through Enter ops and gives input-less ops a control input on its pivot. Only the innermost
     * open context applies; it consults outer ones itself. Ops the context builds are shaped by it too, so it
     * guards against that.
     */
    public interface BuildContext {
        /** The tensor a new op reads in place of its non-ref data input {@code input}. */
        Output route(Output input);

        /** Control inputs to add to an op of {@code opType} with these final inputs and control inputs. */
        default List<Operation> extraControlInputs(String opType, List<Output> inputs, List<Operation> controlInputs) {
            return List.of();
        }

        /** Called with each op built while the context is open, innermost context first. */
        default void built(Operation op) {}

        /**
         * Whether ops this context builds to route an input of a new op are named under that op's name, as
         * TensorFlow names a while loop's Enter for {@code while/add} {@code while/add/Enter}.
         */
        default boolean routesUnderOpName() {
            return false;
        }
    }

    /** Opens {@code context} for the ops built until the scope closes (see {@link BuildContext}). */
    public synchronized Scope buildContext(BuildContext context) {
        Deque<BuildContext> contexts = building.get().buildContexts;
        contexts.push(context);
        return restoring("", () -> contexts.remove(context));
    }

    /** The innermost open build context, or null. */
    public synchronized BuildContext currentBuildContext() {
        return building.get().buildContexts.peek();
    }

    /**
     * Builds ops as outside every control-flow construct until the scope closes (TensorFlow's
     * {@code init_scope}): no build context routes their inputs or records them, and no control dependency
     * applies. Variables and their initializers are built so, even when asked for inside a loop's body.
     */
    public synchronized Scope outsideControlFlow() {
        ControlFrame frame = new ControlFrame(List.of(), true, Collections.newSetFromMap(new IdentityHashMap<>()));
        BuildingState state = building.get();
        state.controlFrames.push(frame);
        state.buildContexts.push(OUTSIDE_CONTROL_FLOW);
        return restoring("", () -> {
            state.buildContexts.remove(OUTSIDE_CONTROL_FLOW);
            state.controlFrames.remove(frame);
        });
    }

    /** Whether ops are being built outside every control-flow construct (see {@link #outsideControlFlow()}). */
    public synchronized boolean buildingOutsideControlFlow() {
        return building.get().buildContexts.peek() == OUTSIDE_CONTROL_FLOW;
    }

    private static final BuildContext OUTSIDE_CONTROL_FLOW = v -> v;

    /** Tells every open build context, innermost first, that {@code op} was built. */
    synchronized void notifyBuilt(Operation op) {
        for (BuildContext c : List.copyOf(building.get().buildContexts)) {
            c.built(op);
        }
    }

    /**
     * While open, each non-ref data input of a new op passes through {@code filter} (the innermost open filter
     * or build context only), as TensorFlow's control-flow contexts ({@code CondContext.AddOp}) route tensors
     * from outside a cond branch through Switch ops. Ops the filter itself builds are filtered too; the filter
     * guards against that.
     */
    public synchronized Scope inputFilter(java.util.function.UnaryOperator<Output> filter) {
        return buildContext(filter::apply);
    }

    /** Places ops created inside on {@code device} (e.g. {@code "/cpu:0"}); {@code ""} lets the session choose. */
    public synchronized Scope device(String deviceName) {
        BuildingState state = building.get();
        String previous = state.device;
        state.device = deviceName == null ? "" : deviceName;
        return restoring(state.device, () -> state.device = previous);
    }

    synchronized String currentDevice() {
        return building.get().device;
    }

    // ---- collections ----

    /** A copy of the collection's items (empty when there is none). */
    public synchronized List<Object> collection(String key) {
        List<Object> c = collections.get(key);
        return c == null ? new ArrayList<>() : new ArrayList<>(c);
    }

    /** The items of a collection that are of {@code type}. */
    public synchronized <T> List<T> collection(String key, Class<T> type) {
        List<T> r = new ArrayList<>();
        for (Object o : collections.getOrDefault(key, List.of())) {
            if (type.isInstance(o)) {
                r.add(type.cast(o));
            }
        }
        return r;
    }

    /**
     * Item {@code index} of a collection as a {@code type}, the checked form of
     * {@code (T) collection(key).get(index)} for collections read from files: a missing collection or item is a
     * {@link dev.tensorgraph.errors.NotFoundException}, an item of another kind an {@link InvalidArgumentException},
     * both naming the collection.
     *
     * <pre>{@code
     * Operation train = g.collectionItem(GraphKeys.TRAIN_OP, 0, Operation.class);
     * }</pre>
     */
    public synchronized <T> T collectionItem(String key, int index, Class<T> type) {
        List<Object> c = collections.getOrDefault(key, List.of());
        if (index < 0 || index >= c.size()) {
            throw new dev.tensorgraph.errors.NotFoundException("collection " + ErrorText.quote(key) + " has "
                    + c.size() + (c.size() == 1 ? " item" : " items") + ", so it has no item " + index);
        }
        Object o = c.get(index);
        if (!type.isInstance(o)) {
            throw new InvalidArgumentException("item " + index + " of collection " + ErrorText.quote(key) + " is "
                    + kindOf(o) + ", not " + type.getSimpleName() + (o instanceof Output out && type == Operation.class
                    ? " (run its op: " + ErrorText.quote(out.op().name()) + ")" : ""));
        }
        return type.cast(o);
    }

    private static String kindOf(Object o) {
        if (o instanceof Operation op) {
            return "the Operation " + ErrorText.quote(op.name());
        }
        if (o instanceof Output out) {
            return "the " + o.getClass().getSimpleName() + " " + ErrorText.quote(out.name());
        }
        String text = String.valueOf(o);
        return "a " + o.getClass().getSimpleName() + " ("
                + ErrorText.quote(text.length() > 80 ? text.substring(0, 80) + "..." : text) + ")";
    }

    public synchronized void addToCollection(String key, Object value) {
        if (value == null) {
            throw new InvalidArgumentException("cannot add null to collection '" + key + "'");
        }
        collections.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }

    public synchronized void addToCollections(Collection<String> keys, Object value) {
        for (String k : keys) {
            addToCollection(k, value);
        }
    }

    /** Empties a collection. */
    public synchronized void clearCollection(String key) {
        collections.remove(key);
    }

    public synchronized List<String> collectionKeys() {
        return new ArrayList<>(collections.keySet());
    }

    // ---- seeds and extensions ----

    /** The graph-level random seed ({@code tf.set_random_seed}), or null. */
    public synchronized Long seed() {
        return seed;
    }

    public synchronized void setSeed(Long seed) {
        this.seed = seed;
    }

    /**
     * Per-graph state owned by a library built on the core (variable scopes, cond contexts), created on
     * first use. Keeps such state with the graph instead of in statics.
     */
    @SuppressWarnings("unchecked")
    public <T> T extension(Class<T> key, Supplier<T> create) {
        return (T) extensions.computeIfAbsent(key, k -> create.get());
    }

    // ---- serialization ----

    /** TensorFlow GraphDef bytes of every op. */
    public byte[] toGraphDef() {
        return GraphDefIO.toGraphDef(this);
    }

    /** A new graph from TensorFlow GraphDef bytes. */
    public static Graph fromGraphDef(byte[] graphDef) {
        Graph g = new Graph();
        g.importGraphDef(graphDef, "");
        return g;
    }

    /** Adds the ops of a GraphDef to this graph under {@code prefix} (TensorFlow's import_graph_def). */
    public void importGraphDef(byte[] graphDef, String prefix) {
        GraphDefIO.importGraphDef(this, graphDef, prefix);
    }

    @Override
    public String toString() {
        return "Graph(" + numOperations() + " ops)";
    }

}
