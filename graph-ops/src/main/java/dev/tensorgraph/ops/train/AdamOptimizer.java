package dev.tensorgraph.ops.train;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;
import java.util.Map;
import dev.tensorgraph.Graph;
import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.state.ResourceVariableOps;
import dev.tensorgraph.ops.state.VariableOps;
import dev.tensorgraph.ops.state.VariableUpdateOps;
import dev.tensorgraph.ops.state.Variables;
import dev.tensorgraph.ops.training.TrainingOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code tf.train.AdamOptimizer} with TensorFlow's update ({@code ApplyAdam}):
 * {@code lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t); m = beta1 * m + (1 - beta1) * g;
 * v = beta2 * v + (1 - beta2) * g^2; var -= lr_t * m / (sqrt(v) + epsilon)}. The powers {@code beta1^t},
 * {@code beta2^t} are the non-trainable float32 variables {@code beta1_power}, {@code beta2_power}, created once
 * per graph in the name scope where gradients are applied; the finishing op multiplies them by beta1, beta2 after
 * every update has run. Slots: {@code <var>/Adam} (m) and {@code <var>/Adam_1} (v).
 *
 * <pre>{@code
 * Operation train = new AdamOptimizer(1e-3f).minimize(loss);
 * }</pre>
 */
public class AdamOptimizer extends Optimizer {
    private final Object learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private Output learningRateTensor;
    private Output beta1Tensor;
    private Output beta2Tensor;
    private Output epsilonTensor;

    /** learning rate 0.001. */
    public AdamOptimizer() {
        this(0.001);
    }

    public AdamOptimizer(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-8, false, "Adam");
    }

    public AdamOptimizer(Output learningRate) {
        this(learningRate, 0.9, 0.999, 1e-8, false, "Adam");
    }

    public AdamOptimizer(double learningRate, double beta1, double beta2, double epsilon) {
        this(learningRate, beta1, beta2, epsilon, false, "Adam");
    }

    /** TensorFlow's full signature: {@code (learning_rate, beta1, beta2, epsilon, use_locking, name)}. */
    public AdamOptimizer(double learningRate, double beta1, double beta2, double epsilon, boolean useLocking,
                         String name) {
        this((Object) learningRate, beta1, beta2, epsilon, useLocking, name);
    }

    public AdamOptimizer(Output learningRate, double beta1, double beta2, double epsilon, boolean useLocking,
                         String name) {
        this((Object) learningRate, beta1, beta2, epsilon, useLocking, name);
    }

    private AdamOptimizer(Object learningRate, double beta1, double beta2, double epsilon, boolean useLocking,
                          String name) {
        super(useLocking, name);
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    protected void createSlots(Graph g, List<Variable> vars) {
        nonSlotVariable(g, "beta1_power", beta1);
        nonSlotVariable(g, "beta2_power", beta2);
        for (Variable v : vars) {
            zerosSlot(g, v, "m", name());
            zerosSlot(g, v, "v", name());
        }
    }

    @Override
    protected void prepare(Graph g) {
        learningRateTensor = hyperOf(g, learningRate, "learning_rate");
        beta1Tensor = hyperOf(g, beta1, "beta1");
        beta2Tensor = hyperOf(g, beta2, "beta2");
        epsilonTensor = hyperOf(g, epsilon, "epsilon");
    }

    /** The {@code beta1_power} and {@code beta2_power} variables of {@code g} (null before minimize). */
    public List<Variable> getBetaAccumulators(Graph g) {
        return Arrays.asList(getNonSlotVariable(g, "beta1_power"), getNonSlotVariable(g, "beta2_power"));
    }

    /** @deprecated use {@link #getBetaAccumulators(Graph)}. */
    @Deprecated
    public List<Variable> getBetaAccumulators(dev.tensorgraph.ops.support.GraphBound tf) {
        return getBetaAccumulators(tf.graph());
    }

    @Override
    protected Operation applyDense(Graph g, Output grad, Variable var) {
        Variable beta1Power = getNonSlotVariable(g, "beta1_power");
        Variable beta2Power = getNonSlotVariable(g, "beta2_power");
        if (var.isResource()) {
            return resourceApply(g, "ApplyAdam", List.of(var, getSlot(var, "m"), getSlot(var, "v")),
                    List.of(cast(g, beta1Power, var.dtype()), cast(g, beta2Power, var.dtype()),
                            cast(g, learningRateTensor, var.dtype()), cast(g, beta1Tensor, var.dtype()),
                            cast(g, beta2Tensor, var.dtype()), cast(g, epsilonTensor, var.dtype()), grad),
                    Map.of("use_nesterov", false));
        }
        return TrainingOps.applyAdam(g, var, getSlot(var, "m"), getSlot(var, "v"), cast(g, beta1Power, var.dtype()),
                cast(g, beta2Power, var.dtype()), cast(g, learningRateTensor, var.dtype()), cast(g, beta1Tensor, var.dtype()),
                cast(g, beta2Tensor, var.dtype()), cast(g, epsilonTensor, var.dtype()), grad, useLocking, false, null);
    }

    /**
     * {@code power.assign(power * factor)} of a resource variable as TensorFlow builds it: a read, the product, an
     * {@code AssignVariableOp} and the read of the new value after it; returns the assignment.
     */
    private static Operation multiplyResource(Graph g, Variable power, Output factor, String mulName) {
        Output product = ArithmeticOps.mul(g, Variables.read(g, power), factor, mulName);
        Operation assign = ResourceVariableOps.assignVariableOp(g, power.handle(), product, true, null);
        VariableUpdateOps.readAfter(g, power, assign);
        return assign;
    }

    /** Updates the beta powers after every update op, then groups them all under {@code name}. */
    @Override
    protected Operation finish(Graph g, List<Operation> updateOps, String name) {
        Variable beta1Power = getNonSlotVariable(g, "beta1_power");
        Variable beta2Power = getNonSlotVariable(g, "beta2_power");
        List<Object> all = new ArrayList<>(updateOps);
        if (beta1Power.isResource()) {
            try (var deps = g.controlDependencies(updateOps)) {
                all.add(multiplyResource(g, beta1Power, beta1Tensor, "mul"));
                all.add(multiplyResource(g, beta2Power, beta2Tensor, "mul_1"));
            }
            return ControlOps.group(g, all, name);
        }
        try (var deps = g.controlDependencies(updateOps)) {
            all.add(VariableOps.assign(g, beta1Power, ArithmeticOps.mul(g, beta1Power.value(), beta1Tensor, "mul"), true,
                    useLocking, "Assign"));
            all.add(VariableOps.assign(g, beta2Power, ArithmeticOps.mul(g, beta2Power.value(), beta2Tensor, "mul"), true,
                    useLocking, "Assign"));
        }
        return ControlOps.group(g, all, name);
    }
}
