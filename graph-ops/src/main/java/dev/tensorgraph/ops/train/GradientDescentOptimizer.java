package dev.tensorgraph.ops.train;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;
import java.util.Map;
import java.util.List;
import dev.tensorgraph.Graph;
import dev.tensorgraph.ops.training.TrainingOps;

/**
 * {@code tf.train.GradientDescentOptimizer}: {@code var -= learning_rate * grad} through {@code ApplyGradientDescent}.
 *
 * <pre>{@code
 * Operation train = new GradientDescentOptimizer(0.5f).minimize(loss);   // op "GradientDescent"
 * }</pre>
 */
public class GradientDescentOptimizer extends Optimizer {
    private final Object learningRate;
    private Output learningRateTensor;

    public GradientDescentOptimizer(double learningRate) {
        this((Object) learningRate, false, "GradientDescent");
    }

    /** With a learning-rate tensor, e.g. from {@link LearningRates#exponentialDecay}. */
    public GradientDescentOptimizer(Output learningRate) {
        this(learningRate, false, "GradientDescent");
    }

    public GradientDescentOptimizer(double learningRate, boolean useLocking, String name) {
        this((Object) learningRate, useLocking, name);
    }

    public GradientDescentOptimizer(Output learningRate, boolean useLocking, String name) {
        this((Object) learningRate, useLocking, name);
    }

    private GradientDescentOptimizer(Object learningRate, boolean useLocking, String name) {
        super(useLocking, name);
        this.learningRate = learningRate;
    }

    @Override
    protected void prepare(Graph g) {
        learningRateTensor = hyperOf(g, learningRate, "learning_rate");
    }

    @Override
    protected Operation applyDense(Graph g, Output grad, Variable var) {
        if (var.isResource()) {
            return resourceApply(g, "ApplyGradientDescent", List.of(var),
                    List.of(cast(g, learningRateTensor, var.dtype()), grad), Map.of());
        }
        return TrainingOps.applyGradientDescent(g, var, cast(g, learningRateTensor, var.dtype()), grad, useLocking, null);
    }
}
