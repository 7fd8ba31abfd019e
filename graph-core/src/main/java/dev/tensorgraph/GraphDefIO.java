package dev.tensorgraph;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.NotFoundException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.io.InputLimits;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.proto.AttrValue;
import dev.tensorgraph.proto.GraphDef;
import dev.tensorgraph.proto.NodeDef;
import dev.tensorgraph.proto.VersionDef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Converts between graphs and TensorFlow GraphDef protocol buffers.
 *
 * <p>Export writes every op in creation order (a topological order) with its inputs as TensorFlow names them
 * ({@code "x"}, {@code "x:1"}, {@code "^ctrl"} after the data inputs, sorted by name as TensorFlow sorts them),
 * its device and all attributes.
 *
 * <p>Import accepts nodes in any order. It checks the whole GraphDef first (unique names, registered op
 * types, existing inputs, attribute types against the op definitions, no cycles), sorts it topologically
 * without recursion, and builds it once in a scratch graph so that shape errors surface too; only then are
 * the ops added to the target graph, so a failed import leaves the target unchanged.
 *
 * <p>While loops are the one kind of cycle allowed, as in TensorFlow: an edge from a {@code NextIteration}
 * into a {@code Merge} is a back edge. It is left out of the sort; the Merge is built reading its entering
 * value in that place, and the back edge is set once the loop body exists ({@link Graph#setLoopBackEdge}).
 * Export writes ops in creation order, so a back edge names a node written after its Merge, which TensorFlow
 * reads the same way.
 */
final class GraphDefIO {
    /** The GraphDef version written; TensorFlow 2.18 writes 1994. */
    static final int PRODUCER = 1994;

    private GraphDefIO() {}

    private static String quote(String s) {
        return ErrorText.quote(s);
    }

    // ---- export ----

    /** The GraphDef's bytes, map fields (a function's {@code ret}, {@code arg_attr}) in key order. */
    static byte[] toGraphDef(Graph g) {
        GraphDef def = toProto(g);
        byte[] bytes = new byte[def.getSerializedSize()];
        com.google.protobuf.CodedOutputStream out = com.google.protobuf.CodedOutputStream.newInstance(bytes);
        out.useDeterministicSerialization();
        try {
            def.writeTo(out);
            out.checkNoSpaceLeft();
        } catch (java.io.IOException e) {
            throw new dev.tensorgraph.errors.InternalException("writing a GraphDef to memory failed: " + e, e);
        }
        return bytes;
    }

    static GraphDef toProto(Graph g) {
        GraphDef.Builder b = GraphDef.newBuilder();
        for (Operation op : g.operations()) {
            b.addNode(toNodeDef(op));
        }
        if (!g.functions().isEmpty()) {
            b.setLibrary(g.functions().toProto());
        }
        b.setVersions(VersionDef.newBuilder().setProducer(PRODUCER).setMinConsumer(0));
        return b.build();
    }

    static NodeDef toNodeDef(Operation op) {
        NodeDef.Builder n = NodeDef.newBuilder().setName(op.name()).setOp(op.type());
        for (Output in : op.inputs()) {
            n.addInput(in.index() == 0 ? in.op().name() : in.op().name() + ":" + in.index());
        }
        // Sorted by name, as TensorFlow writes them.
        op.controlInputs().stream().map(Operation::name).sorted().forEach(c -> n.addInput("^" + c));
        if (op.device() != null && !op.device().isEmpty()) {
            n.setDevice(op.device());
        }
        // Sorted keys keep the bytes deterministic.
        for (Map.Entry<String, Object> e : new TreeMap<>(op.attrs()).entrySet()) {
            OpDef.Attr declared = op.def().attrs().get(e.getKey());
            n.putAttr(e.getKey(), AttrValues.toProto(op.name(), e.getKey(), e.getValue(),
                    declared == null ? null : declared.type()));
        }
        return n.build();
    }

    // ---- import ----

    static void importGraphDef(Graph g, byte[] bytes, String prefix) {
        if (bytes == null) {
            throw new InvalidArgumentException("GraphDef bytes must not be null");
        }
        GraphDef def;
        try {
            def = GraphDef.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidArgumentException("Invalid GraphDef: the " + bytes.length
                    + " bytes are not a GraphDef protocol buffer: " + e.getMessage(), e);
        }
        importGraphDef(g, def, prefix);
    }

    /** One node of the GraphDef, checked and converted, with its inputs as node positions. */
    private record Node(NodeDef def, String fullName, OpDef opDef, int[] dataSrc, int[] dataIndex, int[] controlSrc,
                        Map<String, Object> attrs) {
        String describe() {
            return quote(def.getName()) + " (" + def.getOp() + ")";
        }

        boolean isMerge() {
            return opDef.loopRole() == OpDef.LoopRole.MERGE;
        }

        boolean isNextIteration() {
            return opDef.loopRole() == OpDef.LoopRole.NEXT_ITERATION;
        }
    }

    /** Whether data input {@code k} of {@code node} is a while loop's back edge (NextIteration into Merge). */
    private static boolean isBackEdge(Node[] nodes, Node node, int k) {
        return node.isMerge() && nodes[node.dataSrc()[k]].isNextIteration();
    }

    static void importGraphDef(Graph g, GraphDef def, String prefix) {
        String p = prefix == null || prefix.isEmpty() ? "" : prefix.endsWith("/") ? prefix : prefix + "/";
        checkVersions(def);
        int n = def.getNodeCount();
        Map<String, Integer> index = new HashMap<>(Math.max(16, n * 2));
        for (int i = 0; i < n; i++) {
            String name = def.getNode(i).getName();
            if (name.isEmpty()) {
                throw new InvalidArgumentException("GraphDef node " + i + " (" + ErrorText.escape(def.getNode(i).getOp())
                        + ") has no name");
            }
            if (index.putIfAbsent(name, i) != null) {
                throw new InvalidArgumentException("Node " + quote(name) + " is not unique: the GraphDef has two nodes"
                        + " with that name");
            }
            if (g.operation(p + name) != null) {
                throw new InvalidArgumentException("Node " + quote(name) + " cannot be imported: the graph already has an"
                        + " op named " + quote(p + name));
            }
        }
        // The library first: nodes name its functions, and its functions must build.
        FunctionLibrary functions = def.hasLibrary() ? g.functions().withAdded(def.getLibrary()) : g.functions();
        if (def.hasLibrary()) {
            functions.validate();
        }
        Node[] nodes = new Node[n];
        InputLimits.Expansion expansion = InputLimits.expansion("GraphDef");
        for (int i = 0; i < n; i++) {
            nodes[i] = checkNode(def.getNode(i), p, index, expansion, functions);
        }
        int[] order = topologicalOrder(nodes);

        // Build once where a failure costs nothing, then for real.
        build(new Graph(functions), nodes, order);
        if (def.hasLibrary()) {
            g.functions().addAll(def.getLibrary());
        }
        build(g, nodes, order);
    }

    private static void checkVersions(GraphDef def) {
        if (def.hasVersions()) {
            VersionDef v = def.getVersions();
            if (v.getMinConsumer() > PRODUCER) {
                throw new InvalidArgumentException("GraphDef min consumer version " + v.getMinConsumer()
                        + " is above this reader's version " + PRODUCER + ". Upgrade Tensorgraph to read it.");
            }
            if (v.getBadConsumersList().contains(PRODUCER)) {
                throw new InvalidArgumentException("GraphDef disallows consumer version " + PRODUCER);
            }
        }
    }

    private static Node checkNode(NodeDef nd, String prefix, Map<String, Integer> index,
                                  InputLimits.Expansion expansion, FunctionLibrary functions) {
        String name = nd.getName();
        String type = nd.getOp();
        if (!OpBuilder.isValidOpName(name)) {
            throw new InvalidArgumentException("Node " + quote(name) + " (" + ErrorText.escape(type)
                    + "): the name contains characters TensorFlow does not allow in node names");
        }
        OpRegistry registry = OpRegistry.global();
        if (!registry.contains(type)) {
            throw new NotFoundException("Op type not registered " + quote(type) + " in binary: node " + quote(name)
                    + " cannot be imported. Make sure the library that defines " + ErrorText.escape(type)
                    + " is on the class path.");
        }
        OpDef opDef = registry.lookup(type);

        int numData = 0;
        int numControl = 0;
        for (String in : nd.getInputList()) {
            if (in.startsWith("^")) {
                numControl++;
            } else {
                if (numControl > 0) {
                    throw new InvalidArgumentException("Node " + quote(name) + ": data input " + quote(in)
                            + " comes after a control input; control inputs must come last");
                }
                numData++;
            }
        }
        int[] dataSrc = new int[numData];
        int[] dataIndex = new int[numData];
        int[] controlSrc = new int[numControl];
        int d = 0;
        int c = 0;
        for (String in : nd.getInputList()) {
            if (in.startsWith("^")) {
                controlSrc[c++] = source(name, in, in.substring(1), index);
                continue;
            }
            String src = in;
            int out = 0;
            int colon = in.lastIndexOf(':');
            if (colon >= 0) {
                src = in.substring(0, colon);
                try {
                    out = Integer.parseInt(in.substring(colon + 1));
                } catch (NumberFormatException e) {
                    out = -1;
                }
                if (out < 0) {
                    throw new InvalidArgumentException("Node " + quote(name) + ": input " + quote(in)
                            + " is not a tensor name of the form node or node:index");
                }
            }
            dataSrc[d] = source(name, in, src, index);
            dataIndex[d] = out;
            d++;
        }

        Map<String, Object> attrs = new LinkedHashMap<>();
        for (Map.Entry<String, AttrValue> e : new TreeMap<>(nd.getAttrMap()).entrySet()) {
            String key = e.getKey();
            OpDef.Attr declared = opDef.attrs().get(key);
            if (declared == null) {
                if (key.startsWith("_")) {
                    continue; // TensorFlow's internal attributes (_class, _output_shapes...) carry no semantics here.
                }
                throw new InvalidArgumentException("Node " + quote(name) + " (" + type + ") has attribute " + quote(key)
                        + ", which op " + type + " does not declare");
            }
            Object value = AttrValues.fromProto(name, key, e.getValue(), declared.type(), expansion);
            checkFunctions(nd, key, value, functions);
            attrs.put(key, value);
        }
        for (OpDef.Attr a : opDef.attrs().values()) {
            boolean inferred = a.name().equals("T") && a.type() == AttrType.TYPE && numData > 0;
            if (!attrs.containsKey(a.name()) && a.required() && !inferred) {
                throw new InvalidArgumentException("Node " + quote(name) + " (" + type + ") is missing required"
                        + " attribute '" + a.name() + "' of type " + a.type().tfName());
            }
        }
        return new Node(nd, prefix + name, opDef, dataSrc, dataIndex, controlSrc, attrs);
    }

    /** A function-valued attribute must name a function of the library (or, as TensorFlow allows, an op type). */
    private static void checkFunctions(NodeDef nd, String key, Object value, FunctionLibrary functions) {
        FunctionRef[] refs = value instanceof FunctionRef f ? new FunctionRef[] {f}
                : value instanceof FunctionRef[] fs ? fs : new FunctionRef[0];
        for (FunctionRef f : refs) {
            if (!functions.contains(f.name()) && !OpRegistry.global().contains(f.name())) {
                throw new NotFoundException("Node " + quote(nd.getName()) + " (" + nd.getOp() + "): attribute "
                        + quote(key) + " names function " + quote(f.name()) + ", which is not in the GraphDef's library");
            }
        }
    }

    private static int source(String node, String input, String src, Map<String, Integer> index) {
        Integer i = index.get(src);
        if (i == null) {
            throw new InvalidArgumentException("Node " + quote(node) + ": input " + quote(input) + " refers to node "
                    + quote(src) + ", which is not in the GraphDef");
        }
        return i;
    }

    /**
     * Kahn's algorithm, taking the lowest GraphDef position first so that a GraphDef already in topological
     * order keeps its order. A cycle is an error naming a node on it.
     */
    private static int[] topologicalOrder(Node[] nodes) {
        int n = nodes.length;
        int[] pending = new int[n];
        int[] consumerCount = new int[n + 1];
        for (int i = 0; i < n; i++) {
            pending[i] = nodes[i].controlSrc().length;
            for (int k = 0; k < nodes[i].dataSrc().length; k++) {
                if (!isBackEdge(nodes, nodes[i], k)) {
                    pending[i]++;
                    consumerCount[nodes[i].dataSrc()[k] + 1]++;
                }
            }
            for (int s : nodes[i].controlSrc()) {
                consumerCount[s + 1]++;
            }
        }
        for (int i = 0; i < n; i++) {
            consumerCount[i + 1] += consumerCount[i];
        }
        int[] consumers = new int[consumerCount[n]];
        int[] fill = consumerCount.clone();
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < nodes[i].dataSrc().length; k++) {
                if (!isBackEdge(nodes, nodes[i], k)) {
                    consumers[fill[nodes[i].dataSrc()[k]]++] = i;
                }
            }
            for (int s : nodes[i].controlSrc()) {
                consumers[fill[s]++] = i;
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < n; i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        int[] order = new int[n];
        int done = 0;
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order[done++] = i;
            for (int k = consumerCount[i]; k < consumerCount[i + 1]; k++) {
                if (--pending[consumers[k]] == 0) {
                    ready.add(consumers[k]);
                }
            }
        }
        if (done < n) {
            int start = 0;
            while (pending[start] == 0) {
                start++;
            }
            Node onCycle = nodes[nodeOnCycle(nodes, pending, start)];
            throw new InvalidArgumentException("GraphDef has a cycle: node " + onCycle.describe()
                    + " depends on itself; " + (n - done) + " nodes are on or after a cycle");
        }
        return order;
    }

    /** Walks back from an unsorted node through unsorted inputs until a node repeats: that one is on a cycle. */
    private static int nodeOnCycle(Node[] nodes, int[] pending, int start) {
        boolean[] seen = new boolean[nodes.length];
        int cur = start;
        while (!seen[cur]) {
            seen[cur] = true;
            int next = -1;
            for (int k = 0; k < nodes[cur].dataSrc().length; k++) {
                int s = nodes[cur].dataSrc()[k];
                if (pending[s] > 0 && !isBackEdge(nodes, nodes[cur], k)) {
                    next = s;
                    break;
                }
            }
            if (next < 0) {
                for (int s : nodes[cur].controlSrc()) {
                    if (pending[s] > 0) {
                        next = s;
                        break;
                    }
                }
            }
            cur = next; // an unsorted node always has an unsorted input
        }
        return cur;
    }

    private static void build(Graph g, Node[] nodes, int[] order) {
        Operation[] ops = new Operation[nodes.length];
        List<Integer> loopMerges = new ArrayList<>();
        for (int i : order) {
            Node node = nodes[i];
            try {
                OpBuilder b = g.opBuilder(node.opDef().type(), node.fullName() + "/")
                        .ignoreControlScopes()
                        .setDevice(node.def().getDevice());
                int entering = enteringInput(nodes, node);
                boolean closesLoop = false;
                for (int k = 0; k < node.dataSrc().length; k++) {
                    boolean back = isBackEdge(nodes, node, k);
                    closesLoop |= back;
                    // Until its back edge is set, a loop's Merge reads its entering value twice.
                    b.addInput(output(nodes, ops, node, back ? entering : k));
                }
                for (int s : node.controlSrc()) {
                    b.addControlInput(ops[s]);
                }
                for (Map.Entry<String, Object> e : node.attrs().entrySet()) {
                    b.setAttr(e.getKey(), e.getValue());
                }
                ops[i] = b.build();
                if (closesLoop) {
                    loopMerges.add(i);
                }
            } catch (TensorgraphException e) {
                throw e.atNode(node.fullName() + " (" + node.opDef().type() + ")");
            }
        }
        for (int i : loopMerges) {
            Node node = nodes[i];
            try {
                for (int k = 0; k < node.dataSrc().length; k++) {
                    if (isBackEdge(nodes, node, k)) {
                        g.setLoopBackEdge(ops[i], k, output(nodes, ops, node, k));
                    }
                }
            } catch (TensorgraphException e) {
                throw e.atNode(node.fullName() + " (" + node.opDef().type() + ")");
            }
        }
    }

    /** The first input of {@code node} that is not a back edge; an error for a Merge fed only by back edges. */
    private static int enteringInput(Node[] nodes, Node node) {
        int n = node.dataSrc().length;
        boolean anyBack = false;
        for (int k = 0; k < n; k++) {
            if (!isBackEdge(nodes, node, k)) {
                return k;
            }
            anyBack = true;
        }
        if (anyBack) {
            throw new InvalidArgumentException("Node '" + node.def().getName() + "': every input of this Merge comes from "
                    + "a NextIteration, so no value ever enters its loop");
        }
        return -1;
    }

    /** The output data input {@code k} of {@code node} names, checked against the source's output count. */
    private static Output output(Node[] nodes, Operation[] ops, Node node, int k) {
        Operation src = ops[node.dataSrc()[k]];
        int out = node.dataIndex()[k];
        if (out >= src.numOutputs()) {
            throw new InvalidArgumentException("Node '" + node.def().getName() + "': input '" + node.def().getInput(k)
                    + "' refers to output " + out + " of node '" + nodes[node.dataSrc()[k]].def().getName()
                    + "', which has " + src.numOutputs() + " outputs");
        }
        return src.output(out);
    }
}
