package dev.tensorgraph.ops.train;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;
import java.util.Map;
import dev.tensorgraph.Graph;
import dev.tensorgraph.ops.training.TrainingOps;
import java.util.List;

/**
 * {@code tf.train.MomentumOptimizer}: {@code accum = momentum * accum + grad; var -= lr * accum} (Nesterov:
 * {@code var -= lr * grad + lr * momentum * accum}) through {@code ApplyMomentum}, with the slot
 * {@code <var>/Momentum}.
 */
public class MomentumOptimizer extends Optimizer {
    private final Object learningRate;
    private final Object momentum;
    private final boolean useNesterov;
    private Output learningRateTensor;
    private Output momentumTensor;

    public MomentumOptimizer(double learningRate, double momentum) {
        this(learningRate, momentum, false, "Momentum", false);
    }

    public MomentumOptimizer(double learningRate, double momentum, boolean useNesterov) {
        this(learningRate, momentum, false, "Momentum", useNesterov);
    }

    public MomentumOptimizer(Output learningRate, double momentum) {
        this(learningRate, momentum, false, "Momentum", false);
    }

    public MomentumOptimizer(Output learningRate, double momentum, boolean useNesterov) {
        this(learningRate, momentum, false, "Momentum", useNesterov);
    }

    /** TensorFlow's full signature: {@code (learning_rate, momentum, use_locking, name, use_nesterov)}. */
    public MomentumOptimizer(double learningRate, double momentum, boolean useLocking, String name, boolean useNesterov) {
        this((Object) learningRate, momentum, useLocking, name, useNesterov);
    }

    public MomentumOptimizer(Output learningRate, double momentum, boolean useLocking, String name, boolean useNesterov) {
        this((Object) learningRate, momentum, useLocking, name, useNesterov);
    }

    private MomentumOptimizer(Object learningRate, double momentum, boolean useLocking, String name, boolean useNesterov) {
        super(useLocking, name);
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.useNesterov = useNesterov;
    }

    @Override
    protected void createSlots(Graph g, List<Variable> vars) {
        for (Variable v : vars) {
            zerosSlot(g, v, "momentum", name());
        }
    }

    @Override
    protected void prepare(Graph g) {
        learningRateTensor = hyperOf(g, learningRate, "learning_rate");
        momentumTensor = hyperOf(g, momentum, "momentum");
    }

    @Override
    protected Operation applyDense(Graph g, Output grad, Variable var) {
        Variable mom = getSlot(var, "momentum");
        if (var.isResource()) {
            return resourceApply(g, "ApplyMomentum", List.of(var, mom), List.of(cast(g, learningRateTensor, var.dtype()),
                    grad, cast(g, momentumTensor, var.dtype())), Map.of("use_nesterov", useNesterov));
        }
        return TrainingOps.applyMomentum(g, var, mom, cast(g, learningRateTensor, var.dtype()), grad,
                cast(g, momentumTensor, var.dtype()), useLocking, useNesterov, null);
    }
}
