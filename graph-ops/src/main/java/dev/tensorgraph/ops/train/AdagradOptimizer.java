package dev.tensorgraph.ops.train;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;
import java.util.Map;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.state.Initializers;
import dev.tensorgraph.Graph;
import dev.tensorgraph.ops.training.TrainingOps;
import java.util.List;

/**
 * {@code tf.train.AdagradOptimizer}: {@code accum += grad^2; var -= lr * grad / sqrt(accum)} through
 * {@code ApplyAdagrad}, with the slot {@code <var>/Adagrad} starting at {@code initialAccumulatorValue}.
 */
public class AdagradOptimizer extends Optimizer {
    private final Object learningRate;
    private final double initialAccumulatorValue;
    private Output learningRateTensor;

    public AdagradOptimizer(double learningRate) {
        this(learningRate, 0.1, false, "Adagrad");
    }

    public AdagradOptimizer(double learningRate, double initialAccumulatorValue) {
        this(learningRate, initialAccumulatorValue, false, "Adagrad");
    }

    public AdagradOptimizer(Output learningRate, double initialAccumulatorValue) {
        this((Object) learningRate, initialAccumulatorValue, false, "Adagrad");
    }

    public AdagradOptimizer(double learningRate, double initialAccumulatorValue, boolean useLocking, String name) {
        this((Object) learningRate, initialAccumulatorValue, useLocking, name);
    }

    private AdagradOptimizer(Object learningRate, double initialAccumulatorValue, boolean useLocking, String name) {
        super(useLocking, name);
        if (!(initialAccumulatorValue > 0)) {
            throw new InvalidArgumentException("initial_accumulator_value must be positive: " + initialAccumulatorValue);
        }
        this.learningRate = learningRate;
        this.initialAccumulatorValue = initialAccumulatorValue;
    }

    @Override
    protected void createSlots(Graph g, List<Variable> vars) {
        for (Variable v : vars) {
            slotWithInitializer(g, v, Initializers.constant(initialAccumulatorValue), "accumulator", name());
        }
    }

    @Override
    protected void prepare(Graph g) {
        learningRateTensor = hyperOf(g, learningRate, "learning_rate");
    }

    @Override
    protected Operation applyDense(Graph g, Output grad, Variable var) {
        if (var.isResource()) {
            return resourceApply(g, "ApplyAdagrad", List.of(var, getSlot(var, "accumulator")),
                    List.of(cast(g, learningRateTensor, var.dtype()), grad), Map.of());
        }
        return TrainingOps.applyAdagrad(g, var, getSlot(var, "accumulator"), cast(g, learningRateTensor, var.dtype()), grad,
                useLocking, null);
    }
}
