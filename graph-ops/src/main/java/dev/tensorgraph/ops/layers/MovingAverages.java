package dev.tensorgraph.ops.layers;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.control.CondOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.CastOps;
import dev.tensorgraph.ops.state.VariableOps;

/**
 * The moving-average update of batch normalization's statistics, as TensorFlow's batch-norm layers and
 * {@code assign_moving_average(zero_debias=False)} build it: one {@code AssignSub} named by the scope
 * {@code AssignMovingAvg} (unique in the enclosing name scope, so a layer's second update is
 * {@code AssignMovingAvg_1}): {@code variable -= (variable - value) * (1 - momentum)}.
 */
public final class MovingAverages {
    private MovingAverages() {}

    /**
     * The update of {@code variable} towards {@code value}; {@code momentumTensor}, when not null, replaces the
     * constant {@code momentum} (a momentum chosen at run time, e.g. 1 outside training).
     */
    public static Output assign(Graph g, Variable variable, Output value, double momentum, Output momentumTensor) {
        DType dt = variable.dtype();
        try (var s = g.nameScope("AssignMovingAvg")) {
            Output decay = momentumTensor == null ? ConstantOps.scalar(g, dt, 1.0 - momentum, "decay")
                    : ArithmeticOps.sub(g, ConstantOps.scalar(g, dt, 1.0, "sub/x"), momentumTensor, "sub");
            Output v = CastOps.cast(g, value, dt, null);
            Output delta = ArithmeticOps.mul(g, ArithmeticOps.sub(g, variable.value(), v, "sub"), decay, "mul");
            return VariableOps.assignSub(g, variable, delta, false, s.name()).output(0);
        }
    }

    /**
     * The momentum of the updates when a bool tensor decides at run time whether the layer trains:
     * {@code cond(training, momentum, 1)}, so that outside training the update leaves the average as it is.
     */
    public static Output runTimeMomentum(Graph g, DType dt, double momentum, Output training) {
        return CondOps.cond(g, training, () -> ConstantOps.scalar(g, dt, momentum, "Const"),
                () -> ConstantOps.scalar(g, dt, 1.0, "Const"), null);
    }
}
