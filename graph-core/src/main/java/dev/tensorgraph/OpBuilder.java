package dev.tensorgraph;

import dev.tensorgraph.errors.ErrorText;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.errors.TensorgraphException;
import dev.tensorgraph.op.AttrType;
import dev.tensorgraph.op.OpDef;
import dev.tensorgraph.op.OpRegistry;
import dev.tensorgraph.op.ServiceProviders;
import dev.tensorgraph.op.ShapeContext;
import dev.tensorgraph.op.VariableUpdates;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds one operation: inputs, attributes and control inputs, then {@link #build()} names it by
 * TensorFlow's rules, applies the enclosing control dependencies and device, and runs its shape function.
 * A failure leaves the graph exactly as it was.
 */
public final class OpBuilder {
    private static final Pattern OP_NAME = Pattern.compile("[A-Za-z0-9.][A-Za-z0-9_.\\-/>]*");
    private static final Pattern SCOPE_NAME = Pattern.compile("[A-Za-z0-9_.\\-/>]*");

    private final Graph graph;
    private final OpDef def;
    private final String name;
    private final List<Output> inputs = new ArrayList<>();
    private final List<Operation> controlInputs = new ArrayList<>();
    private final Map<String, Object> attrs = new LinkedHashMap<>();
    private String device;
    private boolean ignoreControlScopes;
    private final Map<Integer, Shape> refinedShapes = new java.util.TreeMap<>();

    record Resolved(String name, String requestedName, boolean uniquified, OpDef def, List<Output> inputs,
                    List<Operation> controlInputs, Map<String, Object> attrs, DType[] dtypes, Shape[] shapes,
                    String device) {}

    OpBuilder(Graph graph, String type, String name) {
        this.graph = graph;
        this.def = OpRegistry.global().lookup(type);
        this.name = name;
    }

    /** TensorFlow's rule for node names: a letter, digit or dot, then letters, digits and {@code _.-/>}. */
    static boolean isValidOpName(String name) {
        return OP_NAME.matcher(name).matches();
    }

    static void checkScopeName(String name) {
        if (!SCOPE_NAME.matcher(name).matches()) {
            throw new InvalidArgumentException(ErrorText.quote(name) + " is not a valid scope name");
        }
    }

    private String describe() {
        return def.type() + " op" + (name == null ? "" : " '" + name + "'");
    }

    public OpBuilder addInput(Output input) {
        if (input == null) {
            throw new InvalidArgumentException(describe() + ": input " + inputs.size() + " is null");
        }
        if (input.graph() != graph) {
            throw new InvalidArgumentException(describe() + ": input '" + input.name() + "' belongs to another graph");
        }
        inputs.add(input);
        return this;
    }

    /** Adds a list input and, when the op declares an {@code N} attribute that is not set, sets it. */
    public OpBuilder addInputList(List<Output> list) {
        if (list == null) {
            throw new InvalidArgumentException(describe() + ": input list is null");
        }
        for (Output o : list) {
            addInput(o);
        }
        if (def.attrs().containsKey("N") && !attrs.containsKey("N")) {
            attrs.put("N", (long) list.size());
        }
        return this;
    }

    public OpBuilder addControlInput(Operation op) {
        controlInputs.add(graph.toOperation(op, describe() + " control input"));
        return this;
    }

    /**
     * Merges {@code shape} into the inferred shape of output {@code i} once the op is built, as TensorFlow's
     * {@code Tensor.set_shape} right after building: what the builder knows beyond the shape function (a while
     * loop's shape invariant, a tensor array's element shape). Incompatible shapes are an error.
     */
    public OpBuilder refineOutputShape(int i, Shape shape) {
        if (shape == null || i < 0) {
            throw new InvalidArgumentException(describe() + ": refineOutputShape needs an output index >= 0 and a shape");
        }
        Shape before = refinedShapes.get(i);
        if (before != null && !before.isCompatibleWith(shape)) {
            throw new InvalidArgumentException(describe() + ": shapes " + before + " and " + shape
                    + " set for output " + i + " contradict each other");
        }
        refinedShapes.put(i, before == null ? shape : before.mergeWith(shape));
        return this;
    }

    /** Ignores enclosing {@code controlDependencies} blocks (used for import, where edges are explicit). */
    public OpBuilder ignoreControlScopes() {
        this.ignoreControlScopes = true;
        return this;
    }

    public OpBuilder setDevice(String device) {
        this.device = device;
        return this;
    }

    /**
     * Sets an attribute. Accepted Java values: Long/Integer, Float/Double, Boolean, String, DType, Shape,
     * Tensor, long[]/int[], float[], DType[], Shape[], String[].
     */
    public OpBuilder setAttr(String key, Object value) {
        attrs.put(key, normalize(key, value));
        return this;
    }

    private Object normalize(String key, Object v) {
        if (v == null) {
            throw new InvalidArgumentException(describe() + ": attribute '" + key + "' is null");
        }
        OpDef.Attr declared = def.attrs().get(key);
        if (v instanceof String s && declared != null && declared.type() == AttrType.FUNC) {
            return FunctionRef.of(s);
        }
        if (v instanceof Integer i) {
            return (long) i;
        }
        if (v instanceof Double d) {
            return d.floatValue();
        }
        if (v instanceof int[] a) {
            long[] l = new long[a.length];
            for (int i = 0; i < a.length; i++) {
                l[i] = a[i];
            }
            return l;
        }
        if (v instanceof long[] a) {
            return a.clone();
        }
        if (v instanceof float[] a) {
            return a.clone();
        }
        return v;
    }

    /** Adds the op to the graph and returns it. */
    public Operation build() {
        synchronized (graph) {
            readResourceVariables();
            Graph.BuildContext context = ignoreControlScopes ? null : graph.currentBuildContext();
            if (context != null && !context.routesUnderOpName()) {
                route(context);
            }
            String requested;
            String finalName;
            boolean uniquified;
            if (name != null && name.endsWith("/")) {
                requested = name.substring(0, name.length() - 1);
                finalName = requested;
                uniquified = false;
            } else {
                requested = name == null || name.isEmpty() ? def.type() : name;
                finalName = graph.peekUniqueName(requested);
                uniquified = true;
            }
            if (!OP_NAME.matcher(finalName).matches()) {
                throw new InvalidArgumentException(ErrorText.quote(finalName) + " is not a valid node name for a "
                        + def.type() + " op");
            }

            if (context != null && context.routesUnderOpName()) {
                // Ops the context builds for the inputs are named under this op's name, which they cannot take.
                try (var scope = graph.nameScope(finalName + "/")) {
                    route(context);
                }
            }
            Map<String, Object> finalAttrs = new LinkedHashMap<>(attrs);
            if (def.attrs().containsKey("T") && !finalAttrs.containsKey("T") && !inputs.isEmpty()
                    && def.attrs().get("T").type() == AttrType.TYPE) {
                finalAttrs.put("T", inputs.get(0).dtype());
            }
            for (OpDef.Attr a : def.attrs().values()) {
                Object v = finalAttrs.get(a.name());
                if (v == null) {
                    if (a.optional()) {
                        continue;
                    }
                    if (a.defaultValue() == null) {
                        throw new InvalidArgumentException(describe() + " is missing required attribute '" + a.name()
                                + "' of type " + a.type().tfName());
                    }
                    finalAttrs.put(a.name(), a.defaultValue());
                } else if (!a.type().accepts(v)) {
                    throw new InvalidArgumentException(describe() + ": attribute '" + a.name() + "' must be "
                            + a.type().tfName() + ", got " + v.getClass().getSimpleName());
                }
            }

            List<Operation> controls = new ArrayList<>(controlInputs);
            if (!ignoreControlScopes) {
                for (Operation c : graph.activeControlDependencies(inputs)) {
                    if (!controls.contains(c)) {
                        controls.add(c);
                    }
                }
            }

            if (context != null) {
                for (Operation c : context.extraControlInputs(def.type(), inputs, controls)) {
                    if (!controls.contains(c)) {
                        controls.add(c);
                    }
                }
            }

            InferenceContext ctx = new InferenceContext(finalName, def.type(), inputs, finalAttrs);
            try {
                def.shapeFunction().infer(ctx);
            } catch (TensorgraphException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new InvalidArgumentException(def.type() + " op '" + finalName + "': shape inference failed: " + e, e);
            }
            Shape[] shapes = ctx.shapes();
            for (Map.Entry<Integer, Shape> r : refinedShapes.entrySet()) {
                int i = r.getKey();
                if (i >= shapes.length) {
                    throw new InvalidArgumentException(def.type() + " op '" + finalName + "' has " + shapes.length
                            + " outputs; cannot set the shape of output " + i);
                }
                if (!shapes[i].isCompatibleWith(r.getValue())) {
                    throw new InvalidArgumentException(def.type() + " op '" + finalName + "': output " + i + " has shape "
                            + shapes[i] + ", incompatible with the shape " + r.getValue() + " set for it");
                }
                shapes[i] = shapes[i].mergeWith(r.getValue());
            }
            String dev = device != null ? device : graph.currentDevice();
            Operation op = graph.addOperation(new Resolved(finalName, requested, uniquified, def, inputs, controls,
                    finalAttrs, ctx.dtypes(), shapes, dev));
            if (!ignoreControlScopes) {
                graph.notifyBuilt(op);
            }
            return op;
        }
    }

    /**
     * Replaces each resource variable among the inputs by a new read of it named under this op
     * ({@code MatMul/ReadVariableOp}, {@code MatMul/ReadVariableOp_1}), as TensorFlow converts a resource variable
     * given to an op; the reads are built before the op, in the same control-dependency and control-flow scopes.
     */
    private void readResourceVariables() {
        boolean any = false;
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) instanceof Variable v && v.isResource()) {
                if (def.isRefInput(i)) {
                    throw new InvalidArgumentException(describe() + ": input " + i + " must be a reference variable, but "
                            + v.opName() + " is a resource variable (its updates are the *VariableOp ops)");
                }
                any = true;
            }
        }
        if (!any) {
            return;
        }
        String scope = name != null && name.endsWith("/") ? name.substring(0, name.length() - 1)
                : graph.peekUniqueName(name == null || name.isEmpty() ? def.type() : name);
        VariableUpdates updates = ServiceProviders.one(VariableUpdates.class);
        try (var opScope = graph.nameScope(scope + "/")) {
            for (int i = 0; i < inputs.size(); i++) {
                if (inputs.get(i) instanceof Variable v && v.isResource()) {
                    inputs.set(i, updates.read(v));
                }
            }
        }
    }

    /** Replaces each non-ref data input by what {@code context} routes it to. */
    private void route(Graph.BuildContext context) {
        for (int i = 0; i < inputs.size(); i++) {
            if (!def.isRefInput(i)) {
                inputs.set(i, context.route(inputs.get(i)));
            }
        }
    }

    /**
     * The op that made the variable handle {@code o}: walking back through ops whose one resource input is passed on
     * (Identity, Switch, Enter), the first op without inputs that declares a {@code dtype} and a {@code shape};
     * null when there is none or the walk is ambiguous.
     */
    static Operation handleSource(Output o) {
        Output cur = o;
        for (int hops = 0; hops < 1000 && cur.dtype() == DType.RESOURCE; hops++) {
            Operation op = cur.op();
            if (op.numInputs() == 0) {
                return op.attrs().get("dtype") instanceof DType && op.attrs().get("shape") instanceof Shape ? op : null;
            }
            Output next = null;
            for (Output in : op.inputs()) {
                if (in.dtype() == DType.RESOURCE) {
                    if (next != null) {
                        return null;
                    }
                    next = in;
                }
            }
            if (next == null) {
                return null;
            }
            cur = next;
        }
        return null;
    }

    /** The {@link ShapeContext} handed to shape functions while building. */
    private static final class InferenceContext implements ShapeContext {
        private final String opName;
        private final String opType;
        private final List<Output> inputs;
        private final Map<String, Object> attrs;
        private final List<DType> dtypes = new ArrayList<>();
        private final List<Shape> shapes = new ArrayList<>();

        InferenceContext(String opName, String opType, List<Output> inputs, Map<String, Object> attrs) {
            this.opName = opName;
            this.opType = opType;
            this.inputs = inputs;
            this.attrs = attrs;
        }

        @Override
        public String opName() {
            return opName;
        }

        @Override
        public String opType() {
            return opType;
        }

        @Override
        public int numInputs() {
            return inputs.size();
        }

        private Output in(int i) {
            if (i < 0 || i >= inputs.size()) {
                throw fail("expected at least " + (i + 1) + " inputs, got " + inputs.size());
            }
            return inputs.get(i);
        }

        @Override
        public DType inputDtype(int i) {
            return in(i).dtype();
        }

        @Override
        public Shape inputShape(int i) {
            return in(i).shape();
        }

        @Override
        public Tensor constantValue(int i) {
            return ConstantValues.of(in(i));
        }

        @Override
        public Map<String, Object> attrs() {
            return attrs;
        }

        @Override
        public Operation inputHandleSource(int i) {
            return handleSource(in(i));
        }

        @Override
        public void setOutput(int i, DType dtype, Shape shape) {
            if (i != dtypes.size()) {
                throw new dev.tensorgraph.errors.InternalException("shape function of " + opType
                        + " declared output " + i + " out of order");
            }
            dtypes.add(dtype);
            shapes.add(shape);
        }

        DType[] dtypes() {
            return dtypes.toArray(new DType[0]);
        }

        Shape[] shapes() {
            return shapes.toArray(new Shape[0]);
        }
    }
}
