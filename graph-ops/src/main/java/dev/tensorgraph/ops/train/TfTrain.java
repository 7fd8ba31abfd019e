package dev.tensorgraph.ops.train;

import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;
import dev.tensorgraph.Graph;
import dev.tensorgraph.ops.support.GraphBound;
import java.util.List;

/**
 * The {@code tf.train} namespace of one graph: the global step and the learning-rate schedules. Optimizers and
 * moving averages are classes, constructed directly ({@code new AdamOptimizer(1e-3f).minimize(loss)},
 * {@code new ExponentialMovingAverage(0.99)}).
 *
 * <pre>{@code
 * Variable step = tf.train.getOrCreateGlobalStep();
 * Output lr = tf.train.exponentialDecay(0.1f, step, 1000, 0.96f, true);
 * Operation train = new GradientDescentOptimizer(lr).minimize(loss, step);
 * }</pre>
 */
public final class TfTrain {
    private final Graph g;

    /** The {@code tf.train} namespace of {@code g}. */
    public TfTrain(Graph g) {
        this.g = g;
    }

    /** @deprecated use {@link #TfTrain(Graph)}. */
    @Deprecated
    public TfTrain(GraphBound tf) {
        this(tf.graph());
    }

    /** {@code tf.train.get_or_create_global_step()}. */
    public Variable getOrCreateGlobalStep() {
        return GlobalStep.getOrCreateGlobalStep(g);
    }

    /** {@code tf.train.get_global_step()}: null when the graph has none. */
    public Variable getGlobalStep() {
        return GlobalStep.getGlobalStep(g);
    }

    /** {@code tf.train.create_global_step()}: an error when one exists. */
    public Variable createGlobalStep() {
        return GlobalStep.createGlobalStep(g);
    }

    public Output exponentialDecay(double learningRate, Output globalStep, double decaySteps, double decayRate) {
        return LearningRates.exponentialDecay(g, learningRate, globalStep, decaySteps, decayRate, false, null);
    }

    public Output exponentialDecay(double learningRate, Output globalStep, double decaySteps, double decayRate,
                                   boolean staircase) {
        return LearningRates.exponentialDecay(g, learningRate, globalStep, decaySteps, decayRate, staircase, null);
    }

    /** {@code tf.train.exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase, name)}. */
    public Output exponentialDecay(double learningRate, Output globalStep, double decaySteps, double decayRate,
                                   boolean staircase, String name) {
        return LearningRates.exponentialDecay(g, learningRate, globalStep, decaySteps, decayRate, staircase, name);
    }

    public Output exponentialDecay(Output learningRate, Output globalStep, double decaySteps, double decayRate,
                                   boolean staircase, String name) {
        return LearningRates.exponentialDecay(g, learningRate, globalStep, decaySteps, decayRate, staircase, name);
    }

    /** {@code tf.train.piecewise_constant(x, boundaries, values)} for an integer x such as the global step. */
    public Output piecewiseConstant(Output x, long[] boundaries, double[] values) {
        return LearningRates.piecewiseConstant(g, x, boundaries, values, null);
    }

    public Output piecewiseConstant(Output x, long[] boundaries, double[] values, String name) {
        return LearningRates.piecewiseConstant(g, x, boundaries, values, name);
    }

    /** For a floating-point x. */
    public Output piecewiseConstant(Output x, double[] boundaries, double[] values) {
        return LearningRates.piecewiseConstant(g, x, boundaries, values, null);
    }

    public Output piecewiseConstant(Output x, List<Output> boundaries, List<Output> values, String name) {
        return LearningRates.piecewiseConstant(g, x, boundaries, values, name);
    }
}
