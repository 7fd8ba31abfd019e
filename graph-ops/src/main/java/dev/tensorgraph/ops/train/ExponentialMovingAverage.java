package dev.tensorgraph.ops.train;

import dev.tensorgraph.DType;
import dev.tensorgraph.GraphKeys;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.Graph;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.state.VariableOps;
import dev.tensorgraph.ops.support.GraphBound;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tf.train.ExponentialMovingAverage}: shadow variables {@code <var>/ExponentialMovingAverage} that
 * {@link #apply} moves toward their variables with TensorFlow's {@code assign_moving_average}:
 * {@code shadow -= (1 - decay) * (shadow - var)}. With {@code numUpdates} the decay used is
 * {@code min(decay, (1 + numUpdates) / (10 + numUpdates))}.
 *
 * <pre>{@code
 * ExponentialMovingAverage ema = new ExponentialMovingAverage(0.99);
 * Operation maintain = ema.apply(List.of(w, b));   // run after each training step
 * Variable wAvg = ema.average(w);
 * }</pre>
 *
 * <p>A shadow variable starts at its variable's initial value (TensorFlow reads the variable's value when it
 * is already initialized; here the shadow's initializer uses the initial-value tensor, which is the same value
 * when both initializers run in one {@code Session.run}, as {@code globalVariablesInitializer} does).
 * {@code zeroDebias} only concerns averages of plain tensors in TensorFlow and has no effect on variables.
 */
public final class ExponentialMovingAverage {
    private final double decay;
    private final Output numUpdates;
    private final boolean zeroDebias;
    private final String name;
    private final Map<Operation, Variable> averages = new LinkedHashMap<>();

    public ExponentialMovingAverage(double decay) {
        this(decay, null, false, "ExponentialMovingAverage");
    }

    public ExponentialMovingAverage(double decay, Output numUpdates) {
        this(decay, numUpdates, false, "ExponentialMovingAverage");
    }

    /** TensorFlow's full signature: {@code (decay, num_updates, zero_debias, name)}. */
    public ExponentialMovingAverage(double decay, Output numUpdates, boolean zeroDebias, String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidArgumentException("ExponentialMovingAverage needs a name");
        }
        this.decay = decay;
        this.numUpdates = numUpdates;
        this.zeroDebias = zeroDebias;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Whether zero-debiasing was asked for (it applies to tensors, not variables). */
    public boolean zeroDebias() {
        return zeroDebias;
    }

    /** {@link #apply(Graph, List)} on the graph of the first variable. */
    public Operation apply(List<Variable> varList) {
        if (varList == null || varList.isEmpty()) {
            throw new InvalidArgumentException("ExponentialMovingAverage.apply needs at least one variable");
        }
        return apply(varList.get(0).graph(), varList);
    }

    /** @deprecated use {@link #apply(List)} or {@link #apply(Graph, List)}. */
    @Deprecated
    public Operation apply(GraphBound tf, List<Variable> varList) {
        return apply(tf.graph(), varList);
    }

    /** @deprecated use {@link #variablesToRestore(Graph)}. */
    @Deprecated
    public Map<String, Variable> variablesToRestore(GraphBound tf) {
        return variablesToRestore(tf.graph());
    }

    /**
     * Creates the shadow variables that are still missing (adding each variable to MOVING_AVERAGE_VARIABLES) and
     * returns the op, named {@code ExponentialMovingAverage}, that updates all of them once.
     */
    public Operation apply(Graph g, List<Variable> varList) {
        if (varList == null) {
            throw new InvalidArgumentException("ExponentialMovingAverage.apply needs a list of variables, got null");
        }
        for (Variable var : varList) {
            if (!var.dtype().isFloating()) {
                throw new InvalidArgumentException("The variables must be half, float, or double: " + var.name());
            }
            if (!averages.containsKey(var.op())) {
                Variable avg;
                try (var initScope = g.controlDependencies(null)) {
                    Output init = var.initialValue() != null ? var.initialValue() : var.value();
                    avg = Slots.create(g, var, init, name);
                }
                g.addToCollection(GraphKeys.MOVING_AVERAGE_VARIABLES, var);
                averages.put(var.op(), avg);
            }
        }
        try (var scope = g.nameScope(name)) {
            Output d = ConstantOps.scalar(g, DType.FLOAT32, decay, "decay");
            if (numUpdates != null) {
                Output n = Optimizer.castValue(g, numUpdates, DType.FLOAT32, "num_updates");
                Output num = ArithmeticOps.addV2(g, ConstantOps.scalar(g, DType.FLOAT32, 1.0, "add/x"), n, "add");
                Output den = ArithmeticOps.addV2(g, ConstantOps.scalar(g, DType.FLOAT32, 10.0, "add_1/x"), n, "add");
                d = ArithmeticOps.minimum(g, d, ArithmeticOps.realDiv(g, num, den, "truediv"), "Minimum");
            }
            List<Operation> updates = new ArrayList<>();
            for (Variable var : varList) {
                updates.add(assignMovingAverage(g, averages.get(var.op()), var.value(), d));
            }
            return ControlOps.group(g, updates, scope.name());
        }
    }

    /**
     * TensorFlow's {@code assign_moving_average(variable, value, decay)} without zero-debiasing:
     * {@code variable -= (variable - value) * (1 - decay)}, the op named {@code AssignMovingAvg}.
     */
    static Operation assignMovingAverage(Graph g, Variable variable, Output value, Output decay) {
        try (var scope = g.nameScope("AssignMovingAvg")) {
            Output oneMinus = ArithmeticOps.sub(g, ConstantOps.scalar(g, decay.dtype(), 1.0, "sub/x"), decay, "sub");
            oneMinus = Optimizer.castValue(g, oneMinus, variable.dtype(), "Cast");
            Output delta = ArithmeticOps.mul(g, ArithmeticOps.sub(g, variable.value(), value, "sub"), oneMinus, "mul");
            return VariableOps.assignSub(g, variable, delta, false, scope.name());
        }
    }

    /** The shadow variable of {@code var}, or null when {@link #apply} has not seen it. */
    public Variable average(Variable var) {
        return averages.get(var.op());
    }

    /** The name of {@code var}'s shadow variable: {@code <var op name>/<this name>}. */
    public String averageName(Variable var) {
        return var.opName() + "/" + name;
    }

    /**
     * {@code variables_to_restore()}: for each moving-averaged variable, its average's name mapped to the
     * variable, and every other global variable under its own name — the map a Saver uses to load the averages
     * into the model's variables.
     */
    public Map<String, Variable> variablesToRestore(Graph g) {
        Map<String, Variable> out = new LinkedHashMap<>();
        List<Variable> averaged = g.collection(GraphKeys.MOVING_AVERAGE_VARIABLES, Variable.class);
        for (Variable v : averaged) {
            out.put(averageName(v), v);
        }
        for (Variable v : g.collection(GraphKeys.GLOBAL_VARIABLES, Variable.class)) {
            boolean isShadow = averages.containsValue(v);
            if (!isShadow && !averaged.contains(v) && !out.containsKey(v.opName())) {
                out.put(v.opName(), v);
            }
        }
        return out;
    }
}
