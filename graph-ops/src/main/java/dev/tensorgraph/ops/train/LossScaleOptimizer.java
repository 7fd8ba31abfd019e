package dev.tensorgraph.ops.train;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.Variable;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.Tf;
import dev.tensorgraph.ops.control.CondOps;
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
 * Operation train = new LossScaleOptimizer(new MomentumOptimizer(0.01, 0.9)).minimize(tf, loss);
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

    public Operation minimize(Tf tf, Output loss) {
        return minimize(tf, loss, null, null);
    }

    /**
     * The train op: scaled gradients of {@code loss} for {@code varList} (all trainable variables when null),
     * applied by the wrapped optimizer only when all are finite (with {@code globalStep} incremented then, when
     * given), and the scale's update, which runs either way.
     */
    public Operation minimize(Tf tf, Output loss, List<Variable> varList, Variable globalStep) {
        if (scale != null) {
            throw new InvalidArgumentException("this LossScaleOptimizer has built its train op already");
        }
        if (loss == null || loss.dtype() != DType.FLOAT32) {
            throw new InvalidArgumentException("LossScaleOptimizer needs a float32 loss, got "
                    + (loss == null ? "null" : loss.dtype() + " '" + loss.name() + "'"));
        }
        try (var s = tf.nameScope("LossScale")) {
            scale = tf.variable(tf.constant((float) initialScale), false, "current_loss_scale");
            goodSteps = tf.variable(tf.scalar(DType.INT64, 0, null), false, "good_steps");
        }
        List<Optimizer.GradAndVar> scaled = inner.computeGradients(tf.multiply(loss, scale), varList);
        Output inverse = tf.reciprocal(scale);
        List<Output> unscaled = new ArrayList<>();
        List<Output> probes = new ArrayList<>();
        for (Optimizer.GradAndVar gv : scaled) {
            if (gv.gradient() != null) {
                Output g = tf.multiply(gv.gradient(), inverse);
                unscaled.add(g);
                // Zero times a finite value is zero, times infinity or NaN it is NaN: one sum finds any of them.
                probes.add(tf.reduceSum(tf.multiply(g, 0.0)));
            }
        }
        if (unscaled.isEmpty()) {
            throw new InvalidArgumentException("No gradients provided for any variable of loss " + loss.name());
        }
        Output finite = tf.equal(probes.size() == 1 ? probes.get(0) : tf.addN(probes), 0.0, "all_finite");
        // The gradients reach the optimizer through the true side of a Switch: when one is not finite that side
        // is dead, so every update op is skipped (its slots, made outside, keep their values).
        List<Optimizer.GradAndVar> gated = new ArrayList<>();
        int k = 0;
        for (Optimizer.GradAndVar gv : scaled) {
            Output g = gv.gradient() == null ? null
                    : CondOps.switchOp(tf.graph(), unscaled.get(k++), finite, "apply_if_finite").outputTrue();
            gated.add(new Optimizer.GradAndVar(g, gv.variable()));
        }
        Operation apply = inner.applyGradients(gated, globalStep);
        List<Operation> updates;
        // The scale changes only after every read of it this step has run.
        try (var deps = tf.controlDependencies(unscaled.stream().map(Output::op).toList());
             var s = tf.nameScope("LossScale/update")) {
            updates = updateScale(tf, finite);
        }
        List<Object> all = new ArrayList<>(updates);
        all.add(apply);
        return tf.group(all, inner.name() + "_loss_scaled");
    }

    private List<Operation> updateScale(Tf tf, Output finite) {
        Output grown = tf.where(finite, tf.add(goodSteps, 1.0), tf.scalar(DType.INT64, 0, null));
        Output raise = tf.logicalAnd(finite, tf.greaterEqual(grown, (double) incrementPeriod));
        Output lowered = tf.maximum(tf.realdiv(scale, multiplier), 1.0);
        Output newScale = tf.where(raise, tf.multiply(scale, multiplier), tf.where(finite, scale, lowered));
        Output newGood = tf.where(raise, tf.scalar(DType.INT64, 0, null), grown);
        return List.of(tf.assign(scale, newScale).op(), tf.assign(goodSteps, newGood).op());
    }
}
