package dev.tensorgraph.ops.train;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;
import java.util.Map;
import dev.tensorgraph.ops.state.Initializers;
import dev.tensorgraph.Graph;
import dev.tensorgraph.ops.training.TrainingOps;
import java.util.List;

/**
 * {@code tf.train.RMSPropOptimizer}: {@code ms = decay * ms + (1 - decay) * grad^2;
 * mom = momentum * mom + lr * grad / sqrt(ms + epsilon); var -= mom} through {@code ApplyRMSProp}. Centered, it
 * also tracks the mean gradient {@code mg} and divides by {@code sqrt(ms - mg^2 + epsilon)}
 * ({@code ApplyCenteredRMSProp}). Slots: {@code <var>/RMSProp} (ms, starting at ones), then
 * {@code <var>/RMSProp_1} (mg when centered) and the momentum.
 */
public class RMSPropOptimizer extends Optimizer {
    private final Object learningRate;
    private final double decay;
    private final double momentum;
    private final double epsilon;
    private final boolean centered;
    private Output learningRateTensor;
    private Output decayTensor;
    private Output momentumTensor;
    private Output epsilonTensor;

    public RMSPropOptimizer(double learningRate) {
        this(learningRate, 0.9, 0.0, 1e-10, false, false, "RMSProp");
    }

    public RMSPropOptimizer(Output learningRate) {
        this(learningRate, 0.9, 0.0, 1e-10, false, false, "RMSProp");
    }

    public RMSPropOptimizer(double learningRate, double decay, double momentum, double epsilon) {
        this(learningRate, decay, momentum, epsilon, false, false, "RMSProp");
    }

    public RMSPropOptimizer(double learningRate, double decay, double momentum, double epsilon, boolean centered) {
        this(learningRate, decay, momentum, epsilon, false, centered, "RMSProp");
    }

    /** TensorFlow's full signature: {@code (learning_rate, decay, momentum, epsilon, use_locking, centered, name)}. */
    public RMSPropOptimizer(double learningRate, double decay, double momentum, double epsilon, boolean useLocking,
                            boolean centered, String name) {
        this((Object) learningRate, decay, momentum, epsilon, useLocking, centered, name);
    }

    public RMSPropOptimizer(Output learningRate, double decay, double momentum, double epsilon, boolean useLocking,
                            boolean centered, String name) {
        this((Object) learningRate, decay, momentum, epsilon, useLocking, centered, name);
    }

    private RMSPropOptimizer(Object learningRate, double decay, double momentum, double epsilon, boolean useLocking,
                             boolean centered, String name) {
        super(useLocking, name);
        this.learningRate = learningRate;
        this.decay = decay;
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.centered = centered;
    }

    @Override
    protected void createSlots(Graph g, List<Variable> vars) {
        for (Variable v : vars) {
            slotWithInitializer(g, v, Initializers.ones(), "rms", name());
            if (centered) {
                zerosSlot(g, v, "mg", name());
            }
            zerosSlot(g, v, "momentum", name());
        }
    }

    @Override
    protected void prepare(Graph g) {
        learningRateTensor = hyperOf(g, learningRate, "learning_rate");
        decayTensor = hyperOf(g, decay, "decay");
        momentumTensor = hyperOf(g, momentum, "momentum");
        epsilonTensor = hyperOf(g, epsilon, "epsilon");
    }

    @Override
    protected Operation applyDense(Graph g, Output grad, Variable var) {
        Output lr = cast(g, learningRateTensor, var.dtype());
        Output rho = cast(g, decayTensor, var.dtype());
        Output mom = cast(g, momentumTensor, var.dtype());
        Output eps = cast(g, epsilonTensor, var.dtype());
        if (var.isResource()) {
            List<Output> values = List.of(lr, rho, mom, eps, grad);
            return centered
                    ? resourceApply(g, "ApplyCenteredRMSProp", List.of(var, getSlot(var, "mg"), getSlot(var, "rms"),
                            getSlot(var, "momentum")), values, Map.of())
                    : resourceApply(g, "ApplyRMSProp", List.of(var, getSlot(var, "rms"), getSlot(var, "momentum")), values,
                            Map.of());
        }
        if (centered) {
            return TrainingOps.applyCenteredRMSProp(g, var, getSlot(var, "mg"), getSlot(var, "rms"),
                    getSlot(var, "momentum"), lr, rho, mom, eps, grad, useLocking, null);
        }
        return TrainingOps.applyRMSProp(g, var, getSlot(var, "rms"), getSlot(var, "momentum"), lr, rho, mom, eps, grad,
                useLocking, null);
    }
}
