package dev.tensorgraph.rewrite;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ops one plan runs, as an editable graph that {@link PlanPass}es rewrite before the plan is built: each
 * {@link Node} is an op (its type, attributes, inputs and output types), made from an op of the user's graph
 * or added by a pass. The user's graph is never changed; the plan runs the rewritten copy.
 *
 * <p>Some values are <em>pinned</em>: fetched, fed, or produced by an op run as a target. A pinned value keeps
 * its producer and its meaning; a pass may compute it another way ({@link #replaceUses}, which then moves the
 * pin), but a fed value is never computed at all: passes must not look through it ({@link #isFed}). Nodes
 * that nothing reads and that hold no pin are dropped ({@link #removeUnused}).
 */
public final class RewriteGraph {
    /** One output of a node. */
    public record Value(Node node, int index) {
        public DType dtype() {
            return node.dtypes[index];
        }

        public Shape shape() {
            return node.shapes[index];
        }

        @Override
        public String toString() {
            return node.name + ":" + index;
        }

        // Written out: a record's generated equals and hashCode are linked through invokedynamic on first use,
        // which costs milliseconds on the first run of every program.
        @Override
        public boolean equals(Object o) {
            return o instanceof Value v && node == v.node && index == v.index;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(node) * 31 + index;
        }
    }

    /** An op of the plan: type, name, attributes, inputs, control inputs, device and output types. */
    public final class Node {
        private final String type;
        private String name;
        /** The name asked for; a node gets it once the node holding it is gone (see {@link #removeUnused}). */
        private final String preferredName;
        private final Map<String, Object> attrs;
        private final List<Value> inputs;
        private boolean live = true;
        private final List<Node> controlInputs;
        private final String device;
        private final DType[] dtypes;
        private final Shape[] shapes;
        private final Operation origin;

        private Node(String type, String name, Map<String, Object> attrs, List<Value> inputs, List<Node> controlInputs,
                     String device, DType[] dtypes, Shape[] shapes, Operation origin) {
            this.type = type;
            this.name = name;
            this.preferredName = name;
            this.attrs = Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
            this.inputs = new ArrayList<>(inputs);
            this.controlInputs = new ArrayList<>(controlInputs);
            this.device = device;
            this.dtypes = dtypes.clone();
            this.shapes = shapes.clone();
            this.origin = origin;
        }

        public String type() {
            return type;
        }

        public String name() {
            return name;
        }

        public Map<String, Object> attrs() {
            return attrs;
        }

        /** An attribute's value, or null. */
        public Object attr(String key) {
            return attrs.get(key);
        }

        public int numInputs() {
            return inputs.size();
        }

        public Value input(int i) {
            return inputs.get(i);
        }

        public List<Value> inputs() {
            return Collections.unmodifiableList(inputs);
        }

        public List<Node> controlInputs() {
            return Collections.unmodifiableList(controlInputs);
        }

        public String device() {
            return device;
        }

        public int numOutputs() {
            return dtypes.length;
        }

        public Value output(int i) {
            if (i < 0 || i >= dtypes.length) {
                throw new InvalidArgumentException(type + " node '" + name + "' has no output " + i);
            }
            return new Value(this, i);
        }

        /** The op of the user's graph this node was made from, or null for a node a pass added. */
        public Operation origin() {
            return origin;
        }

        @Override
        public String toString() {
            return name + " (" + type + ")";
        }
    }

    /** Nodes in the order they were made: the user's ops first in their graph's order, then added ones. */
    private final List<Node> nodes = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    /** The fetched values, in the order of the plan's fetches (a value may appear more than once). */
    private final List<Value> fetched = new ArrayList<>();
    private final Set<Value> fed = new HashSet<>();
    /** The nodes run as targets, in the order of the plan's targets. */
    private final List<Node> targets = new ArrayList<>();
    /**
     * The nodes reading each value (once per read) and the nodes waiting on each node through a control input,
     * kept up to date with every change, so that passes over graphs of 100,000 ops stay linear.
     */
    private final Map<Value, List<Node>> readersOf = new HashMap<>();
    private final Map<Node, List<Node>> controlReaders = new IdentityHashMap<>();

    RewriteGraph() {}

    /** Adds a node made from op {@code origin}, with its inputs and control inputs already made nodes. */
    Node copyOf(Operation origin, List<Value> inputs, List<Node> controlInputs) {
        DType[] dtypes = new DType[origin.numOutputs()];
        Shape[] shapes = new Shape[origin.numOutputs()];
        for (int i = 0; i < dtypes.length; i++) {
            dtypes[i] = origin.output(i).dtype();
            shapes[i] = origin.output(i).shape();
        }
        return add(new Node(origin.type(), origin.name(), origin.attrs(), inputs, controlInputs, origin.device(), dtypes,
                shapes, origin));
    }

    private Node add(Node n) {
        if (!names.add(n.name)) {
            throw new InvalidArgumentException("a node named '" + n.name + "' is already in the plan's graph");
        }
        nodes.add(n);
        for (Value in : n.inputs) {
            readersOf.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
        }
        for (Node dep : n.controlInputs) {
            waiting(dep).add(n);
        }
        return n;
    }

    /**
     * Adds a node a pass made: an op of registered type {@code type} with these attributes (all the op's
     * attributes that have no default) and inputs, whose outputs have the given dtypes and shapes. Its name is
     * {@code name}, or while a node has that name, {@code name} with a suffix (a node that replaces another
     * takes the replaced node's name once it is gone).
     */
    public Node add(String type, String name, Map<String, Object> attrs, List<Value> inputs, DType[] dtypes,
                    Shape[] shapes) {
        if (dtypes.length != shapes.length) {
            throw new InvalidArgumentException("node '" + name + "': " + dtypes.length + " output dtypes but "
                    + shapes.length + " shapes");
        }
        String unique = name;
        for (int i = 1; names.contains(unique); i++) {
            unique = name + "_" + i;
        }
        String device = inputs.isEmpty() ? "" : inputs.get(0).node().device();
        Node n = new Node(type, name, attrs, inputs, List.of(), device, dtypes, shapes, null);
        n.name = unique;
        return add(n);
    }

    /**
     * Puts {@code n} where {@code anchor} stands in the order the nodes were made, just before it. The plan runs
     * nodes in an order that keeps that one where the edges allow, so a node that replaces others keeps the place of
     * the first of them: a product a pass fuses still runs before an update of its variable that no edge orders
     * after it (in a graph without gradient gating), as the graph as written ran them.
     */
    public void placeBefore(Node n, Node anchor) {
        if (n == anchor) {
            return;
        }
        if (!nodes.contains(anchor) || !nodes.remove(n)) {
            throw new InvalidArgumentException("cannot place " + n + " before " + anchor + ": not both in the graph");
        }
        nodes.add(nodes.indexOf(anchor), n);
    }

    /** Live nodes in the order they were made (not a topological order once passes added nodes). */
    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** Whether {@code n} is still in the graph (not dropped by {@link #removeUnused}). */
    public boolean contains(Node n) {
        return n.live;
    }

    /** The nodes that read {@code v}, once per read. */
    public List<Node> readers(Value v) {
        return List.copyOf(readersOf.getOrDefault(v, List.of()));
    }

    /**
     * Whether {@code v} is read exactly once by a node and is neither fetched, fed nor the output of a target:
     * a pass may then fold its producer into its reader.
     */
    public boolean hasSingleUse(Value v) {
        return !fetched.contains(v) && !fed.contains(v) && !targets.contains(v.node()) && readers(v).size() == 1
                && !isControlInput(v.node());
    }

    private boolean isControlInput(Node node) {
        return !controlReaders.getOrDefault(node, List.of()).isEmpty();
    }

    /** The nodes that wait for {@code n} through a control input. */
    public List<Node> waitingFor(Node n) {
        return List.copyOf(controlReaders.getOrDefault(n, List.of()));
    }

    private List<Node> waiting(Node dep) {
        return controlReaders.computeIfAbsent(dep, k -> new ArrayList<>());
    }

    private void stopWaiting(Node n, Node dep) {
        List<Node> w = controlReaders.get(dep);
        if (w != null) {
            w.remove(n);
        }
    }

    /**
     * Removes control input {@code dep} of {@code n}: the pass asserts that running {@code dep} first changes
     * nothing (it has no effect and cannot fail).
     */
    public void removeControlInput(Node n, Node dep) {
        if (n.controlInputs.remove(dep)) {
            stopWaiting(n, dep);
        }
    }

    /**
     * Makes {@code n} wait for {@code dep} too (nothing when it already does); the pass asserts that this
     * makes no cycle.
     */
    public void addControlInput(Node n, Node dep) {
        if (!n.controlInputs.contains(dep)) {
            n.controlInputs.add(dep);
            waiting(dep).add(n);
        }
    }

    /**
     * Makes every node that waits for {@code old} through a control input wait for {@code replacement}
     * instead, and runs {@code replacement} as a target where {@code old} was one: {@code replacement} now does
     * what those nodes waited for.
     */
    public void replaceControlUses(Node old, Node replacement) {
        if (old == replacement) {
            return;
        }
        targets.replaceAll(t -> t == old ? replacement : t);
        for (Node n : waitingFor(old)) {
            n.controlInputs.remove(old);
            stopWaiting(n, old);
            if (n != replacement) {
                addControlInput(n, replacement);
            }
        }
    }

    /** Whether {@code v} is fetched. */
    public boolean isFetched(Value v) {
        return fetched.contains(v);
    }

    /** Whether {@code n} is run as a target of the plan. */
    public boolean isTarget(Node n) {
        return targets.contains(n);
    }

    /** Whether {@code v} is fed: its value comes from the caller, not from its producer. */
    public boolean isFed(Value v) {
        return fed.contains(v);
    }

    /**
     * Makes every reader of {@code old} read {@code replacement} instead, and moves a fetch of {@code old} to
     * it. {@code old} must not be fed, and {@code replacement} must have its dtype and shape.
     */
    public void replaceUses(Value old, Value replacement) {
        if (fed.contains(old)) {
            throw new InvalidArgumentException("fed value " + old + " cannot be replaced");
        }
        if (old.dtype() != replacement.dtype() || !old.shape().equals(replacement.shape())) {
            throw new InvalidArgumentException(old + " (" + old.dtype() + " " + old.shape() + ") cannot be replaced by "
                    + replacement + " (" + replacement.dtype() + " " + replacement.shape() + ")");
        }
        if (old.equals(replacement)) {
            return;
        }
        List<Node> moved = readersOf.remove(old);
        if (moved != null) {
            for (Node n : moved) {
                n.inputs.replaceAll(in -> in.equals(old) ? replacement : in);
            }
            readersOf.computeIfAbsent(replacement, k -> new ArrayList<>()).addAll(moved);
        }
        fetched.replaceAll(f -> f.equals(old) ? replacement : f);
    }

    /**
     * Drops nodes whose outputs nobody reads, fetches or feeds and that are not run as targets; then gives
     * nodes the names they asked for where those are free now.
     */
    public void removeUnused() {
        Set<Node> pinned = Collections.newSetFromMap(new IdentityHashMap<>());
        fetched.forEach(v -> pinned.add(v.node()));
        fed.forEach(v -> pinned.add(v.node()));
        pinned.addAll(targets);
        Map<Node, Integer> uses = new IdentityHashMap<>();
        for (Node n : nodes) {
            n.inputs.forEach(in -> uses.merge(in.node(), 1, Integer::sum));
            n.controlInputs.forEach(dep -> uses.merge(dep, 1, Integer::sum));
        }
        // A worklist rather than sweeps until nothing changes: a dead chain of n nodes goes in one pass, not n.
        ArrayDeque<Node> dead = new ArrayDeque<>();
        for (Node n : nodes) {
            if (!uses.containsKey(n) && !pinned.contains(n)) {
                dead.add(n);
            }
        }
        Set<Node> removed = Collections.newSetFromMap(new IdentityHashMap<>());
        while (!dead.isEmpty()) {
            Node n = dead.poll();
            removed.add(n);
            n.live = false;
            names.remove(n.name);
            List<Node> deps = new ArrayList<>(n.controlInputs);
            for (Value in : n.inputs) {
                List<Node> readers = readersOf.get(in);
                if (readers != null) {
                    readers.remove(n);
                }
                deps.add(in.node());
            }
            for (Node dep : n.controlInputs) {
                stopWaiting(n, dep);
            }
            for (int i = 0; i < n.numOutputs(); i++) {
                readersOf.remove(n.output(i));
            }
            controlReaders.remove(n);
            for (Node dep : deps) {
                if (uses.merge(dep, -1, Integer::sum) == 0 && !pinned.contains(dep)) {
                    dead.add(dep);
                }
            }
        }
        nodes.removeIf(removed::contains);
        for (Node n : nodes) {
            if (!n.name.equals(n.preferredName) && names.add(n.preferredName)) {
                names.remove(n.name);
                n.name = n.preferredName;
            }
        }
    }

    void fetch(Value v) {
        fetched.add(v);
    }

    void markFed(Value v) {
        fed.add(v);
    }

    void markTarget(Node n) {
        targets.add(n);
    }

    /** The node target {@code i} runs now. */
    Node target(int i) {
        return targets.get(i);
    }

    /** The value fetch {@code i} reads now. */
    Value fetched(int i) {
        return fetched.get(i);
    }

    /**
     * The nodes in an order where every node comes after its inputs and control inputs, keeping the order the
     * nodes were made in where it can.
     */
    List<Node> topologicalOrder() {
        Map<Node, Integer> pending = new IdentityHashMap<>();
        Map<Node, List<Node>> readersOf = new IdentityHashMap<>();
        for (Node n : nodes) {
            List<Node> deps = new ArrayList<>();
            for (Value in : n.inputs) {
                deps.add(in.node());
            }
            deps.addAll(n.controlInputs);
            pending.put(n, deps.size());
            for (Node d : deps) {
                readersOf.computeIfAbsent(d, k -> new ArrayList<>()).add(n);
            }
        }
        Map<Node, Integer> position = new IdentityHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            position.put(nodes.get(i), i);
        }
        java.util.PriorityQueue<Node> ready = new java.util.PriorityQueue<>(
                java.util.Comparator.comparingInt(position::get));
        for (Node n : nodes) {
            if (pending.get(n) == 0) {
                ready.add(n);
            }
        }
        List<Node> order = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            Node n = ready.poll();
            order.add(n);
            for (Node r : readersOf.getOrDefault(n, List.of())) {
                if (pending.merge(r, -1, Integer::sum) == 0) {
                    ready.add(r);
                }
            }
        }
        if (order.size() != nodes.size()) {
            throw new InvalidArgumentException("the plan's graph has a cycle after rewriting");
        }
        return order;
    }
}
