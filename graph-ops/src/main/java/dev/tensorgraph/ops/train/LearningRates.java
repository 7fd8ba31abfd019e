package dev.tensorgraph.ops.train;

import dev.tensorgraph.DType;
import dev.tensorgraph.Output;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.Graph;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.ops.indexing.SelectOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.ComparisonOps;
import dev.tensorgraph.ops.math.UnaryOps;
import dev.tensorgraph.ops.support.GraphBound;
import java.util.ArrayList;
import java.util.List;

/** Learning-rate schedules of {@code tf.train}: values computed in the graph from the global step. */
public final class LearningRates {
    private LearningRates() {}

    /** {@code tf.train.exponential_decay} with staircase off. */
    public static Output exponentialDecay(Graph g, double learningRate, Output globalStep, double decaySteps,
                                          double decayRate) {
        return exponentialDecay(g, learningRate, globalStep, decaySteps, decayRate, false, null);
    }

    public static Output exponentialDecay(Graph g, double learningRate, Output globalStep, double decaySteps,
                                          double decayRate, boolean staircase) {
        return exponentialDecay(g, learningRate, globalStep, decaySteps, decayRate, staircase, null);
    }

    public static Output exponentialDecay(Graph g, double learningRate, Output globalStep, double decaySteps,
                                          double decayRate, boolean staircase, String name) {
        return decay(g, learningRate, globalStep, decaySteps, decayRate, staircase, name);
    }

    /**
     * {@code tf.train.exponential_decay}: {@code learning_rate * decay_rate ^ (global_step / decay_steps)}, the
     * exponent floored when {@code staircase}; computed in the learning rate's dtype (float32 for a number).
     * The result is named {@code ExponentialDecay} (or {@code name}).
     */
    public static Output exponentialDecay(Graph g, Output learningRate, Output globalStep, double decaySteps,
                                          double decayRate, boolean staircase, String name) {
        return decay(g, learningRate, globalStep, decaySteps, decayRate, staircase, name);
    }

    private static Output decay(Graph g, Object learningRate, Output globalStep, double decaySteps, double decayRate,
                                boolean staircase, String name) {
        if (globalStep == null) {
            throw new InvalidArgumentException("global_step is required for exponential_decay.");
        }
        try (var scope = g.nameScope(name == null ? "ExponentialDecay" : name)) {
            Output lr = learningRate instanceof Output o ? o
                    : ConstantOps.scalar(g, DType.FLOAT32, (Double) learningRate, "learning_rate");
            DType dtype = lr.dtype();
            Output step = Optimizer.castValue(g, globalStep, dtype, "Cast");
            Output steps = ConstantOps.scalar(g, dtype, decaySteps, "Cast_1");
            Output rate = ConstantOps.scalar(g, dtype, decayRate, "Cast_2");
            Output p = ArithmeticOps.realDiv(g, step, steps, "truediv");
            if (staircase) {
                p = UnaryOps.floor(g, p, "Floor");
            }
            Output pow = ArithmeticOps.pow(g, rate, p, "Pow");
            return ArithmeticOps.mul(g, lr, pow, scope.name());
        }
    }

    /**
     * {@code tf.train.piecewise_constant} with integer boundaries (for an integer step such as the global step):
     * {@code values[0]} while {@code x <= boundaries[0]}, {@code values[i]} while
     * {@code boundaries[i-1] < x <= boundaries[i]}, the last value after the last boundary. Values are float32.
     */
    public static Output piecewiseConstant(Graph g, Output x, long[] boundaries, double[] values) {
        return piecewiseConstant(g, x, boundaries, values, null);
    }

    public static Output piecewiseConstant(Graph g, Output x, long[] boundaries, double[] values, String name) {
        if (!x.dtype().isInteger()) {
            throw new InvalidArgumentException("Boundaries (int64) must have the same dtype as x (" + x.dtype() + ").");
        }
        double[] b = new double[boundaries.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = boundaries[i];
        }
        return fromNumbers(g, x, b, values, name);
    }

    /** As {@link #piecewiseConstant(Graph, Output, long[], double[])} for a floating-point {@code x}. */
    public static Output piecewiseConstant(Graph g, Output x, double[] boundaries, double[] values) {
        return piecewiseConstant(g, x, boundaries, values, null);
    }

    public static Output piecewiseConstant(Graph g, Output x, double[] boundaries, double[] values, String name) {
        if (!x.dtype().isFloating()) {
            throw new InvalidArgumentException("Boundaries (float32) must have the same dtype as x (" + x.dtype() + ").");
        }
        return fromNumbers(g, x, boundaries, values, name);
    }

    private static Output fromNumbers(Graph g, Output x, double[] boundaries, double[] values, String name) {
        if (boundaries.length + 1 != values.length) {
            throw new InvalidArgumentException("The length of boundaries should be 1 less than the length of values");
        }
        try (var scope = g.nameScope(name == null ? "PiecewiseConstant" : name)) {
            List<Output> b = new ArrayList<>();
            for (double v : boundaries) {
                b.add(ConstantOps.scalar(g, x.dtype(), v, "Const"));
            }
            List<Output> vs = new ArrayList<>();
            for (double v : values) {
                vs.add(ConstantOps.scalar(g, DType.FLOAT32, v, "Const"));
            }
            return select(g, x, b, vs, scope.name());
        }
    }

    /**
     * The general form: scalar boundary tensors of x's dtype (int32 boundaries are widened for an int64 x) and
     * scalar values of one dtype.
     */
    public static Output piecewiseConstant(Graph g, Output x, List<Output> boundaries, List<Output> values, String name) {
        if (boundaries.size() + 1 != values.size()) {
            throw new InvalidArgumentException("The length of boundaries should be 1 less than the length of values");
        }
        for (Output v : values) {
            if (v.dtype() != values.get(0).dtype()) {
                throw new InvalidArgumentException("Values must have elements all with the same dtype ("
                        + values.get(0).dtype() + " vs " + v.dtype() + ").");
            }
        }
        try (var scope = g.nameScope(name == null ? "PiecewiseConstant" : name)) {
            List<Output> b = new ArrayList<>();
            for (Output bound : boundaries) {
                if (bound.dtype() != x.dtype()) {
                    if (bound.dtype() == DType.INT32 && x.dtype() == DType.INT64) {
                        bound = Optimizer.castValue(g, bound, DType.INT64, "Cast");
                    } else {
                        throw new InvalidArgumentException("Boundaries (" + bound.dtype()
                                + ") must have the same dtype as x (" + x.dtype() + ").");
                    }
                }
                b.add(bound);
            }
            return select(g, x, b, values, scope.name());
        }
    }

    /** Picks the value of x's interval with a chain of Selects, innermost for the last boundary. */
    private static Output select(Graph g, Output x, List<Output> boundaries, List<Output> values, String finalName) {
        Output result = values.get(values.size() - 1);
        for (int i = boundaries.size() - 1; i >= 0; i--) {
            Output pred = ComparisonOps.lessEqual(g, x, boundaries.get(i), "LessEqual");
            result = SelectOps.select(g, pred, values.get(i), result, i == 0 ? finalName : "Select");
        }
        if (boundaries.isEmpty()) {
            result = ControlOps.identity(g, result, finalName);
        }
        return result;
    }

    // ---- the forms that took the facade ----

    /** @deprecated use {@link #exponentialDecay(Graph, double, Output, double, double)}. */
    @Deprecated
    public static Output exponentialDecay(GraphBound tf, double learningRate, Output globalStep, double decaySteps,
                                          double decayRate) {
        return exponentialDecay(tf.graph(), learningRate, globalStep, decaySteps, decayRate);
    }

    /** @deprecated use {@link #exponentialDecay(Graph, double, Output, double, double, boolean)}. */
    @Deprecated
    public static Output exponentialDecay(GraphBound tf, double learningRate, Output globalStep, double decaySteps,
                                          double decayRate, boolean staircase) {
        return exponentialDecay(tf.graph(), learningRate, globalStep, decaySteps, decayRate, staircase);
    }

    /** @deprecated use {@link #exponentialDecay(Graph, double, Output, double, double, boolean, String)}. */
    @Deprecated
    public static Output exponentialDecay(GraphBound tf, double learningRate, Output globalStep, double decaySteps,
                                          double decayRate, boolean staircase, String name) {
        return exponentialDecay(tf.graph(), learningRate, globalStep, decaySteps, decayRate, staircase, name);
    }

    /** @deprecated use {@link #exponentialDecay(Graph, Output, Output, double, double, boolean, String)}. */
    @Deprecated
    public static Output exponentialDecay(GraphBound tf, Output learningRate, Output globalStep, double decaySteps,
                                          double decayRate, boolean staircase, String name) {
        return exponentialDecay(tf.graph(), learningRate, globalStep, decaySteps, decayRate, staircase, name);
    }

    /** @deprecated use {@link #piecewiseConstant(Graph, Output, long[], double[])}. */
    @Deprecated
    public static Output piecewiseConstant(GraphBound tf, Output x, long[] boundaries, double[] values) {
        return piecewiseConstant(tf.graph(), x, boundaries, values);
    }

    /** @deprecated use {@link #piecewiseConstant(Graph, Output, long[], double[], String)}. */
    @Deprecated
    public static Output piecewiseConstant(GraphBound tf, Output x, long[] boundaries, double[] values, String name) {
        return piecewiseConstant(tf.graph(), x, boundaries, values, name);
    }

    /** @deprecated use {@link #piecewiseConstant(Graph, Output, double[], double[])}. */
    @Deprecated
    public static Output piecewiseConstant(GraphBound tf, Output x, double[] boundaries, double[] values) {
        return piecewiseConstant(tf.graph(), x, boundaries, values);
    }

    /** @deprecated use {@link #piecewiseConstant(Graph, Output, double[], double[], String)}. */
    @Deprecated
    public static Output piecewiseConstant(GraphBound tf, Output x, double[] boundaries, double[] values, String name) {
        return piecewiseConstant(tf.graph(), x, boundaries, values, name);
    }

    /** @deprecated use {@link #piecewiseConstant(Graph, Output, List<Output>, List<Output>, String)}. */
    @Deprecated
    public static Output piecewiseConstant(GraphBound tf, Output x, List<Output> boundaries, List<Output> values, String name) {
        return piecewiseConstant(tf.graph(), x, boundaries, values, name);
    }
}
