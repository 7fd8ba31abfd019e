package dev.tensorgraph.ops.train;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.grad.Gradients;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.ops.math.CastOps;
import dev.tensorgraph.ops.state.Initializer;
import dev.tensorgraph.ops.state.Initializers;
import dev.tensorgraph.ops.state.VariableOps;
import dev.tensorgraph.ops.training.TrainingOps;
import dev.tensorgraph.ops.support.GraphBound;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * TensorFlow 1.x's {@code tf.train.Optimizer}: computes gradients of a loss and applies them to variables with
 * one fused update op per variable. Subclasses create their slot variables ({@code w/Adam}, {@code w/Momentum},
 * ...), make their hyper-parameter tensors in {@link #prepare}, build the update op in {@link #applyDense} and
 * may add work after all updates in {@link #finish}.
 *
 * <pre>{@code
 * Variable step = GlobalStep.getOrCreateGlobalStep(g);
 * Operation train = new AdamOptimizer(1e-3f).minimize(loss, step);   // op "Adam"
 * }</pre>
 *
 * <p>An optimizer remembers its slot variables, so calling {@code minimize} twice with one instance reuses them,
 * as TensorFlow does. Graph building is not thread-safe, and neither is an optimizer.
 */
public abstract class Optimizer {
    /** One (gradient, variable) pair; the gradient is null where the loss does not depend on the variable. */
    public record GradAndVar(Output gradient, Variable variable) {}

    /**
     * How much the gradients are ordered before they are applied (TensorFlow's {@code gate_gradients}):
     * {@code GATE_NONE} not at all; {@code GATE_OP} (the default) the gradients of each op's inputs through a
     * {@code <op>_grad/tuple}, so an update that consumes one runs only after all of that op's gradients are
     * computed (those that read the variable's old value included); {@code GATE_GRAPH} also all gradients
     * through one {@code tuple} before any is applied.
     */
    public enum GateGradients { GATE_NONE, GATE_OP, GATE_GRAPH }

    /** {@link GateGradients#GATE_NONE}, spelled as in TensorFlow ({@code Optimizer.GATE_NONE}). */
    public static final GateGradients GATE_NONE = GateGradients.GATE_NONE;
    /** {@link GateGradients#GATE_OP}: the default of {@code minimize} and {@code computeGradients}. */
    public static final GateGradients GATE_OP = GateGradients.GATE_OP;
    /** {@link GateGradients#GATE_GRAPH}. */
    public static final GateGradients GATE_GRAPH = GateGradients.GATE_GRAPH;

    private final String name;
    /** The {@code use_locking} attribute of the update ops. */
    protected final boolean useLocking;
    private final Map<String, Map<Operation, Variable>> slots = new LinkedHashMap<>();
    private final Map<Graph, Map<String, Variable>> nonSlots = new WeakHashMap<>();
    /**
     * Whether the first of the variables being updated (by name, as TensorFlow colocates non-slot variables with it)
     * is a resource variable: the kind the non-slot variables ({@code beta1_power}) get.
     */
    private boolean firstVariableIsResource;

    protected Optimizer(boolean useLocking, String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidArgumentException("Must specify the optimizer name");
        }
        this.useLocking = useLocking;
        this.name = name;
    }

    /** The optimizer's name: the default name scope of its ops and the suffix of its slots. */
    public String name() {
        return name;
    }

    /** @deprecated use {@link #name()}. */
    @Deprecated
    public String getName() {
        return name;
    }

    // ---- minimize ----

    /** Minimizes {@code loss} over all trainable variables. */
    public Operation minimize(Output loss) {
        return minimize(loss, null, null, null);
    }

    /** Minimizes {@code loss} and increments {@code globalStep} by one after the updates. */
    public Operation minimize(Output loss, Variable globalStep) {
        return minimize(loss, null, globalStep, null);
    }

    public Operation minimize(Output loss, List<Variable> varList) {
        return minimize(loss, varList, null, null);
    }

    public Operation minimize(Output loss, List<Variable> varList, Variable globalStep) {
        return minimize(loss, varList, globalStep, null);
    }

    /**
     * {@code computeGradients} then {@code applyGradients}. A null {@code varList} means every trainable
     * variable of the loss's graph; a null {@code name} means the optimizer's name.
     */
    public Operation minimize(Output loss, List<Variable> varList, Variable globalStep, String name) {
        return minimize(loss, varList, globalStep, GATE_OP, name);
    }

    /** As above, ordering the gradients as {@code gate} says (TensorFlow's {@code gate_gradients}). */
    public Operation minimize(Output loss, List<Variable> varList, Variable globalStep, GateGradients gate,
                              String name) {
        List<GradAndVar> gradsAndVars = computeGradients(loss, varList, gate);
        boolean any = false;
        for (GradAndVar gv : gradsAndVars) {
            any |= gv.gradient() != null;
        }
        if (!any) {
            throw new InvalidArgumentException("No gradients provided for any variable, check your graph for ops that "
                    + "do not support gradients, between variables " + describe(gradsAndVars) + " and loss "
                    + loss.name() + ".");
        }
        return applyGradients(gradsAndVars, globalStep, name);
    }

    // ---- computeGradients ----

    public List<GradAndVar> computeGradients(Output loss) {
        return computeGradients(loss, null);
    }

    /**
     * The gradient of {@code loss} for each variable of {@code varList} (all trainable ones when null), gated per
     * op ({@link #GATE_OP}).
     */
    public List<GradAndVar> computeGradients(Output loss, List<Variable> varList) {
        return computeGradients(loss, varList, GATE_OP);
    }

    /** As above, ordering the gradients as {@code gate} says. */
    public List<GradAndVar> computeGradients(Output loss, List<Variable> varList, GateGradients gate) {
        if (loss == null) {
            throw new InvalidArgumentException("computeGradients needs a loss, got null");
        }
        if (gate == null) {
            throw new InvalidArgumentException("gate_gradients must be one of: Optimizer.GATE_NONE, "
                    + "Optimizer.GATE_OP, Optimizer.GATE_GRAPH.  Not null");
        }
        checkFloat(loss.dtype(), loss.name());
        List<Variable> vars = varList != null ? varList
                : loss.graph().collection(GraphKeys.TRAINABLE_VARIABLES, Variable.class);
        if (vars.isEmpty()) {
            throw new InvalidArgumentException("No variables to optimize.");
        }
        List<Output> xs = new ArrayList<>(vars);
        List<Output> grads = Gradients.builder(List.of(loss), xs).gateGradients(gate == GATE_OP).build();
        if (gate == GATE_GRAPH && grads.stream().anyMatch(java.util.Objects::nonNull)) {
            grads = ControlOps.tuple(loss.graph(), grads, null, null);
        }
        List<GradAndVar> out = new ArrayList<>();
        for (int i = 0; i < vars.size(); i++) {
            Output g = grads.get(i);
            if (g != null) {
                checkFloat(vars.get(i).dtype(), vars.get(i).name());
            }
            out.add(new GradAndVar(g, vars.get(i)));
        }
        return out;
    }

    // ---- applyGradients ----

    public Operation applyGradients(List<GradAndVar> gradsAndVars) {
        return applyGradients(gradsAndVars, null, null);
    }

    public Operation applyGradients(List<GradAndVar> gradsAndVars, Variable globalStep) {
        return applyGradients(gradsAndVars, globalStep, null);
    }

    /**
     * Adds one update op per variable that has a gradient (under {@code <name>/update_<var>}) and returns the op
     * that runs them all, named {@code name} (the optimizer's name when null). With a global step that op is the
     * step's {@code AssignAdd}, run after the updates; without, it is the optimizer's finishing op. The returned
     * op is added to the TRAIN_OP collection, as TensorFlow does. The graph is the variables'.
     */
    public Operation applyGradients(List<GradAndVar> gradsAndVars, Variable globalStep, String name) {
        if (gradsAndVars == null || gradsAndVars.isEmpty()) {
            throw new InvalidArgumentException("No variables provided.");
        }
        List<GradAndVar> withGrad = new ArrayList<>();
        for (GradAndVar gv : gradsAndVars) {
            if (gv.variable() == null) {
                throw new InvalidArgumentException("applyGradients got a null variable (gradient "
                        + (gv.gradient() == null ? "null" : gv.gradient().name()) + ")");
            }
            if (gv.gradient() != null) {
                withGrad.add(gv);
            }
        }
        if (withGrad.isEmpty()) {
            throw new InvalidArgumentException("No gradients provided for any variable: " + describe(gradsAndVars) + ".");
        }
        List<Variable> vars = new ArrayList<>();
        for (GradAndVar gv : withGrad) {
            vars.add(gv.variable());
        }
        Graph g = vars.get(0).graph();
        firstVariableIsResource = vars.stream().min(java.util.Comparator.comparing(Variable::name)).orElseThrow()
                .isResource();
        try (var initScope = g.controlDependencies(null)) {
            createSlots(g, vars);
        }
        Operation result;
        try (var scope = g.nameScope(name == null ? this.name : name)) {
            String scopeName = scope.name();
            prepare(g);
            List<Operation> updateOps = new ArrayList<>();
            for (GradAndVar gv : withGrad) {
                try (var update = g.nameScope("update_" + gv.variable().opName())) {
                    updateOps.add(applyDense(g, gv.gradient(), gv.variable()));
                }
            }
            if (globalStep == null) {
                result = finish(g, updateOps, scopeName);
            } else {
                Operation done = finish(g, updateOps, "update");
                try (var deps = g.controlDependencies(List.of(done))) {
                    Output one = ConstantOps.scalar(g, globalStep.dtype(), 1, "value");
                    result = VariableOps.assignAdd(g, globalStep, one, false, scopeName);
                }
            }
        }
        if (!g.collection(GraphKeys.TRAIN_OP).contains(result)) {
            g.addToCollection(GraphKeys.TRAIN_OP, result);
        }
        return result;
    }

    // ---- the forms that took the facade ----

    /** @deprecated use {@link #minimize(Output)}: the graph is the loss's. */
    @Deprecated
    public Operation minimize(GraphBound tf, Output loss) {
        return minimize(loss);
    }

    /** @deprecated use {@link #minimize(Output, Variable)}. */
    @Deprecated
    public Operation minimize(GraphBound tf, Output loss, Variable globalStep) {
        return minimize(loss, globalStep);
    }

    /** @deprecated use {@link #minimize(Output, List)}. */
    @Deprecated
    public Operation minimize(GraphBound tf, Output loss, List<Variable> varList) {
        return minimize(loss, varList);
    }

    /** @deprecated use {@link #minimize(Output, List, Variable)}. */
    @Deprecated
    public Operation minimize(GraphBound tf, Output loss, List<Variable> varList, Variable globalStep) {
        return minimize(loss, varList, globalStep);
    }

    /** @deprecated use {@link #minimize(Output, List, Variable, String)}. */
    @Deprecated
    public Operation minimize(GraphBound tf, Output loss, List<Variable> varList, Variable globalStep, String name) {
        return minimize(loss, varList, globalStep, name);
    }

    /** @deprecated use {@link #computeGradients(Output)}. */
    @Deprecated
    public List<GradAndVar> computeGradients(GraphBound tf, Output loss) {
        return computeGradients(loss);
    }

    /** @deprecated use {@link #computeGradients(Output, List)}. */
    @Deprecated
    public List<GradAndVar> computeGradients(GraphBound tf, Output loss, List<Variable> varList) {
        return computeGradients(loss, varList);
    }

    /** @deprecated use {@link #applyGradients(List)}. */
    @Deprecated
    public Operation applyGradients(GraphBound tf, List<GradAndVar> gradsAndVars) {
        return applyGradients(gradsAndVars);
    }

    /** @deprecated use {@link #applyGradients(List, Variable)}. */
    @Deprecated
    public Operation applyGradients(GraphBound tf, List<GradAndVar> gradsAndVars, Variable globalStep) {
        return applyGradients(gradsAndVars, globalStep);
    }

    /** @deprecated use {@link #applyGradients(List, Variable, String)}. */
    @Deprecated
    public Operation applyGradients(GraphBound tf, List<GradAndVar> gradsAndVars, Variable globalStep, String name) {
        return applyGradients(gradsAndVars, globalStep, name);
    }

    // ---- what subclasses provide ----

    /** Creates the slot (and non-slot) variables of {@code vars}; runs outside any control-dependency block. */
    protected void createSlots(Graph g, List<Variable> vars) {}

    /** Makes the hyper-parameter tensors, inside the optimizer's name scope. */
    protected void prepare(Graph g) {}

    /** The update op of one variable, built inside {@code <name>/update_<var>}. */
    protected abstract Operation applyDense(Graph g, Output grad, Variable var);

    /** The op that runs after (or groups) {@code updateOps}, named {@code name} (a scope name ends in '/'). */
    protected Operation finish(Graph g, List<Operation> updateOps, String name) {
        return ControlOps.group(g, updateOps, name);
    }

    // ---- slots ----

    /** The slot {@code slotName} of {@code var} ({@code "m"}, {@code "momentum"}, ...), or null. */
    public Variable getSlot(Variable var, String slotName) {
        Map<Operation, Variable> named = slots.get(slotName);
        return named == null ? null : named.get(var.op());
    }

    /** The names of the slots this optimizer has created, in creation order. */
    public List<String> getSlotNames() {
        return new ArrayList<>(slots.keySet());
    }

    /** Every slot and non-slot variable this optimizer created in {@code graph}. */
    public List<Variable> variables(Graph graph) {
        List<Variable> out = new ArrayList<>();
        Map<String, Variable> ns = nonSlots.get(graph);
        if (ns != null) {
            out.addAll(ns.values());
        }
        for (Map<Operation, Variable> named : slots.values()) {
            for (Variable v : named.values()) {
                if (v.graph() == graph) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    /** A slot of {@code var} initialized to zeros, named {@code <var>/<opName>} (made unique). */
    protected Variable zerosSlot(Graph g, Variable var, String slotName, String opName) {
        return slotWithInitializer(g, var, Initializers.zeros(), slotName, opName);
    }

    protected Variable slotWithInitializer(Graph g, Variable var, Initializer init, String slotName, String opName) {
        Map<Operation, Variable> named = slots.computeIfAbsent(slotName, k -> new LinkedHashMap<>());
        Variable slot = named.get(var.op());
        if (slot == null) {
            slot = Slots.create(g, var, init, opName);
            named.put(var.op(), slot);
        }
        return slot;
    }

    /**
     * A variable of the optimizer itself, not tied to one variable ({@code beta1_power}): created once per graph
     * in the current name scope, not trainable, a float32 scalar holding {@code initialValue}.
     */
    protected Variable nonSlotVariable(Graph g, String varName, double initialValue) {
        Map<String, Variable> ns = nonSlots.computeIfAbsent(g, k -> new LinkedHashMap<>());
        Variable v = ns.get(varName);
        if (v == null) {
            v = Slots.plainVariable(g, varName, DType.FLOAT32, initialValue, false, firstVariableIsResource);
            ns.put(varName, v);
        }
        return v;
    }

    /** The non-slot variable {@code varName} of {@code graph}, or null. */
    protected Variable getNonSlotVariable(Graph graph, String varName) {
        Map<String, Variable> ns = nonSlots.get(graph);
        return ns == null ? null : ns.get(varName);
    }

    // ---- helpers for subclasses ----

    /** A hyper-parameter as a tensor: an Output as given, a number as a float32 constant named {@code name}. */
    protected static Output hyper(Graph g, Output value, String name) {
        return value instanceof Variable v ? v.value() : value;
    }

    /** A hyper-parameter kept as an Output or a number, as the optimizers' constructors take it. */
    static Output hyperOf(Graph g, Object value, String name) {
        return value instanceof Output o ? hyper(g, o, name) : hyper(g, ((Number) value).doubleValue(), name);
    }

    /** A hyper-parameter given as a number: a float32 constant named {@code name}. */
    protected static Output hyper(Graph g, double value, String name) {
        return ConstantOps.scalar(g, DType.FLOAT32, value, name);
    }

    /**
     * The {@code ResourceApply*} form of {@code type} ({@code "ApplyAdam"}) for resource variables: {@code variables}
     * (the variable, then its slots) by handle, then {@code values}; {@code use_locking} and {@code attrs}.
     */
    protected Operation resourceApply(Graph g, String type, List<? extends Output> variables, List<Output> values,
                                      Map<String, Object> attrs) {
        Map<String, Object> all = new LinkedHashMap<>(attrs);
        all.put("use_locking", useLocking);
        return TrainingOps.resourceApply(g, type, new ArrayList<>(variables), values, all, null);
    }

    /** {@code math_ops.cast(x, dtype)} named Cast: x itself (a variable's value) when the dtype already matches. */
    protected static Output cast(Graph g, Output x, DType dtype) {
        return castValue(g, x, dtype, "Cast");
    }

    /** {@code tf.cast} of a tensor or of a variable's value (its read), named {@code name}. */
    static Output castValue(Graph g, Output x, DType dtype, String name) {
        return CastOps.cast(g, x instanceof Variable var ? var.value() : x, dtype, name);
    }

    private static void checkFloat(DType t, String what) {
        if (!t.isFloating()) {
            throw new InvalidArgumentException("Invalid type " + t + " for " + what + ", expected: [float16, bfloat16, "
                    + "float32, float64].");
        }
    }

    private static String describe(List<GradAndVar> gradsAndVars) {
        List<String> names = new ArrayList<>();
        for (GradAndVar gv : gradsAndVars) {
            names.add("'" + gv.variable().name() + "'");
        }
        return names.toString();
    }
}
