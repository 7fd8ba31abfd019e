package dev.tensorgraph;

import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.op.OpDef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A node of a {@link Graph}: an op type, its inputs, control inputs and attributes, and the dtypes and
 * shapes of its outputs inferred when it was added. Immutable once built, with two exceptions that while
 * loops need, as in TensorFlow: a loop's {@code Merge} gets its back edge from {@code NextIteration} after the
 * body exists ({@link Graph#setLoopBackEdge}), and loop gradients order ops built later before a
 * {@code NextIteration} or {@code ControlTrigger} ({@link Graph#addLoopControlInput}).
 */
public final class Operation {
    private final Graph graph;
    private final int id;
    private final String name;
    private final OpDef def;
    private volatile List<Output> inputs;
    private volatile List<Operation> controlInputs;
    private final Map<String, Object> attrs;
    private final DType[] outputDtypes;
    private final Shape[] outputShapes;
    private final String device;
    private final List<Output> outputs;

    Operation(Graph graph, int id, String name, OpDef def, List<Output> inputs, List<Operation> controlInputs,
              Map<String, Object> attrs, DType[] outputDtypes, Shape[] outputShapes, String device) {
        this.graph = graph;
        this.id = id;
        this.name = name;
        this.def = def;
        this.inputs = List.copyOf(inputs);
        this.controlInputs = List.copyOf(controlInputs);
        this.attrs = Collections.unmodifiableMap(attrs);
        this.outputDtypes = outputDtypes;
        this.outputShapes = outputShapes;
        this.device = device;
        List<Output> outs = new ArrayList<>(outputDtypes.length);
        for (int i = 0; i < outputDtypes.length; i++) {
            outs.add(new Output(this, i));
        }
        this.outputs = Collections.unmodifiableList(outs);
    }

    public Graph graph() {
        return graph;
    }

    /** Position in creation order; creation order is a topological order of the graph. */
    public int id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String type() {
        return def.type();
    }

    public OpDef def() {
        return def;
    }

    public int numInputs() {
        return inputs.size();
    }

    public Output input(int i) {
        return inputs.get(i);
    }

    public List<Output> inputs() {
        return inputs;
    }

    public List<Operation> controlInputs() {
        return controlInputs;
    }

    /** Replaces input {@code i}; only {@link Graph#setLoopBackEdge} calls it, under the graph's lock. */
    void replaceInput(int i, Output input) {
        List<Output> copy = new ArrayList<>(inputs);
        copy.set(i, input);
        inputs = List.copyOf(copy);
    }

    /** Appends a control input; only {@link Graph#addLoopControlInput} calls it, under the graph's lock. */
    void appendControlInput(Operation control) {
        List<Operation> copy = new ArrayList<>(controlInputs);
        copy.add(control);
        controlInputs = List.copyOf(copy);
    }

    public int numOutputs() {
        return outputDtypes.length;
    }

    public Output output(int i) {
        if (i < 0 || i >= outputs.size()) {
            throw new InvalidArgumentException("op '" + name + "' (" + type() + ") has " + outputs.size()
                    + " outputs; there is no output " + i);
        }
        return outputs.get(i);
    }

    public List<Output> outputs() {
        return outputs;
    }

    DType outputDtype(int i) {
        return outputDtypes[i];
    }

    Shape outputShape(int i) {
        return outputShapes[i];
    }

    /** The requested device string ({@code ""} when unconstrained). */
    public String device() {
        return device;
    }

    public Map<String, Object> attrs() {
        return attrs;
    }

    public boolean hasAttr(String key) {
        return attrs.containsKey(key);
    }

    /** An attribute's value: Long, Float, Boolean, String, DType, Shape, Tensor, long[], float[], or a List. */
    public Object attr(String key) {
        Object v = attrs.get(key);
        if (v == null) {
            throw new InvalidArgumentException("op '" + name + "' (" + type() + ") has no attribute '" + key + "'");
        }
        return v;
    }

    private <T> T attrAs(String key, Class<T> type) {
        Object v = attr(key);
        if (!type.isInstance(v)) {
            throw new InvalidArgumentException("attribute '" + key + "' of op '" + name + "' (" + type()
                    + ") is " + v.getClass().getSimpleName() + ", expected " + type.getSimpleName());
        }
        return type.cast(v);
    }

    public long attrLong(String key) {
        return attrAs(key, Long.class);
    }

    public int attrInt(String key) {
        return Math.toIntExact(attrLong(key));
    }

    public float attrFloat(String key) {
        return attrAs(key, Float.class);
    }

    public boolean attrBool(String key) {
        return attrAs(key, Boolean.class);
    }

    public String attrString(String key) {
        return attrAs(key, String.class);
    }

    public DType attrType(String key) {
        return attrAs(key, DType.class);
    }

    public Shape attrShape(String key) {
        return attrAs(key, Shape.class);
    }

    public Tensor attrTensor(String key) {
        return attrAs(key, Tensor.class);
    }

    public long[] attrLongs(String key) {
        return attrAs(key, long[].class).clone();
    }

    public int[] attrInts(String key) {
        long[] l = attrAs(key, long[].class);
        int[] r = new int[l.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.toIntExact(l[i]);
        }
        return r;
    }

    public float[] attrFloats(String key) {
        return attrAs(key, float[].class).clone();
    }

    @Override
    public String toString() {
        return "<tf.Operation '" + name + "' type=" + type() + ">";
    }
}
