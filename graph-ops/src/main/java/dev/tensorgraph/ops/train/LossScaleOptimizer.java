package dev.tensorgraph.ops.train;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.control.CondOps;
import dev.tensorgraph.ops.control.ControlOps;
import dev.tensorgraph.ops.indexing.SelectOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.ComparisonOps;
import dev.tensorgraph.ops.math.UnaryOps;
import dev.tensorgraph.ops.reduction.ReductionOps;
import dev.tensorgraph.ops.state.VariableOps;
import dev.tensorgraph.ops.state.Variables;
import java.util.ArrayList;
import java.util.List;

/**
 * Dynamic loss scaling around another optimizer, for float16 mixed precision (TensorFlow 1.x's
 * {@code MixedPrecisionLossScaleOptimizer} with a {@code DynamicLossScale}): the loss is multiplied by the current
 * scale before differentiating, so small gradients survive float16, and the gradients are divided by it again
 * before the wrapped optimizer applies them. When any gradient is infinite or NaN the step is skipped (no
 * variable, slot or global step changes) and the scale is divided by the multiplier (not below 1); after
 * {@code incrementPeriod} finite steps in a row it is multiplied by it.
 *
 * <pre>{@code
 * Operation train = new LossScaleOptimizer(new MomentumOptimizer(0.01, 0.9)).minimize(loss);
 * // with new Session(g, SessionOptions.cpuOnly().mixedPrecision(MixedPrecision.FP16))
 * }</pre>
 *
 * The scale and the count of good steps are non-trainable float32 and int64 variables
 * {@code current_loss_scale} and {@code good_steps}, saved with the others.
 */
public final class LossScaleOptimizer {
    private final Optimizer inner;
    private final double initialScale;
    private final long incrementPeriod;
    private final double multiplier;
    private Variable scale;
    private Variable goodSteps;

    /** TensorFlow's defaults: initial scale 2^15, raised after 2000 good steps, by a factor of 2. */
    public LossScaleOptimizer(Optimizer inner) {
        this(inner, 32768, 2000, 2);
    }

    public LossScaleOptimizer(Optimizer inner, double initialScale, long incrementPeriod, double multiplier) {
        if (inner == null) {
            throw new InvalidArgumentException("LossScaleOptimizer needs an optimizer to wrap, got null");
        }
        if (!(initialScale >= 1) || incrementPeriod < 1 || !(multiplier > 1)) {
            throw new InvalidArgumentException("LossScaleOptimizer needs initialScale >= 1, incrementPeriod >= 1 and "
                    + "multiplier > 1, got " + initialScale + ", " + incrementPeriod + ", " + multiplier);
        }
        this.inner = inner;
        this.initialScale = initialScale;
        this.incrementPeriod = incrementPeriod;
        this.multiplier = multiplier;
    }

    /** The current loss scale, once {@link #minimize} has built it. */
    public Variable lossScale() {
        return scale;
    }

    /** Finite steps in a row since the scale last changed, once {@link #minimize} has built it. */
    public Variable goodSteps() {
        return goodSteps;
    }

    public Operation minimize(Output loss) {
        return minimize(loss, null, null);
    }

    /**
     * The train op: scaled gradients of {@code loss} for {@code varList} (all trainable variables when null),
     * applied by the wrapped optimizer only when all are finite (with {@code globalStep} incremented then, when
     * given), and the scale's update, which runs either way. The graph is the loss's.
     */
    public Operation minimize(Output loss, List<Variable> varList, Variable globalStep) {
        if (scale != null) {
            throw new InvalidArgumentException("this LossScaleOptimizer has built its train op already");
        }
        if (loss == null || loss.dtype() != DType.FLOAT32) {
            throw new InvalidArgumentException("LossScaleOptimizer needs a float32 loss, got "
                    + (loss == null ? "null" : loss.dtype() + " '" + loss.name() + "'"));
        }
        Graph g = loss.graph();
        try (var s = g.nameScope("LossScale")) {
            scale = Variables.variable(g, ConstantOps.scalar(g, DType.FLOAT32, initialScale, null), false,
                    "current_loss_scale");
            goodSteps = Variables.variable(g, ConstantOps.scalar(g, DType.INT64, 0, null), false, "good_steps");
        }
        List<Optimizer.GradAndVar> scaled = inner.computeGradients(ArithmeticOps.mul(g, loss, scale, null), varList);
        Output inverse = UnaryOps.reciprocal(g, scale, null);
        List<Output> unscaled = new ArrayList<>();
        List<Output> probes = new ArrayList<>();
        for (Optimizer.GradAndVar gv : scaled) {
            if (gv.gradient() != null) {
                Output grad = ArithmeticOps.mul(g, gv.gradient(), inverse, null);
                unscaled.add(grad);
                // Zero times a finite value is zero, times infinity or NaN it is NaN: one sum finds any of them.
                probes.add(ReductionOps.sum(g, ArithmeticOps.mul(g, grad, 0.0, null), (int[]) null, false, null));
            }
        }
        if (unscaled.isEmpty()) {
            throw new InvalidArgumentException("No gradients provided for any variable of loss " + loss.name());
        }
        Output finite = ComparisonOps.equal(g, probes.size() == 1 ? probes.get(0) : ArithmeticOps.addN(g, probes, null),
                0.0, "all_finite");
        // The gradients reach the optimizer through the true side of a Switch: when one is not finite that side
        // is dead, so every update op is skipped (its slots, made outside, keep their values).
        List<Optimizer.GradAndVar> gated = new ArrayList<>();
        int k = 0;
        for (Optimizer.GradAndVar gv : scaled) {
            Output grad = gv.gradient() == null ? null
                    : CondOps.switchOp(g, unscaled.get(k++), finite, "apply_if_finite").outputTrue();
            gated.add(new Optimizer.GradAndVar(grad, gv.variable()));
        }
        Operation apply = inner.applyGradients(gated, globalStep);
        List<Operation> updates;
        // The scale changes only after every read of it this step has run.
        try (var deps = g.controlDependencies(unscaled.stream().map(Output::op).toList());
             var s = g.nameScope("LossScale/update")) {
            updates = updateScale(g, finite);
        }
        List<Object> all = new ArrayList<>(updates);
        all.add(apply);
        return ControlOps.group(g, all, inner.name() + "_loss_scaled");
    }

    private List<Operation> updateScale(Graph g, Output finite) {
        Output zero = ConstantOps.scalar(g, DType.INT64, 0, null);
        Output grown = SelectOps.select(g, finite, ArithmeticOps.add(g, goodSteps, 1.0, null), zero, null);
        Output raise = ComparisonOps.logicalAnd(g, finite,
                ComparisonOps.greaterEqual(g, grown, (double) incrementPeriod, null), null);
        Output lowered = ArithmeticOps.maximum(g, ArithmeticOps.realDiv(g, scale, multiplier, null), 1.0, null);
        Output newScale = SelectOps.select(g, raise, ArithmeticOps.mul(g, scale, multiplier, null),
                SelectOps.select(g, finite, scale, lowered, null), null);
        Output newGood = SelectOps.select(g, raise, zero, grown, null);
        return List.of(VariableOps.assign(g, scale, newScale, true, false, null),
                VariableOps.assign(g, goodSteps, newGood, true, false, null));
    }
}
