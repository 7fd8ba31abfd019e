package dev.tensorgraph.ops.state;

import dev.tensorgraph.DType;
import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.random.RandomOps;

/**
 * TensorFlow 1.x's variable initializers ({@code init_ops.py}). Each creates its ops inside the variable's
 * {@code Initializer} name scope, named as TensorFlow names them: {@code v/Initializer/Const},
 * {@code v/Initializer/zeros}, {@code v/Initializer/random_uniform/RandomUniform}, ...
 *
 * <pre>{@code
 * Variable w = tf.getVariable("w", Shape.of(784, 10), Initializers.heNormal());
 * Variable b = tf.getVariable("b", Shape.of(10), Initializers.zeros());
 * }</pre>
 */
public final class Initializers {
    /** {@code scipy.stats.truncnorm.std(a=-2, b=2)}: the stddev of a unit normal truncated at two sigmas. */
    public static final double TRUNCATED_STDDEV = 0.87962566103423978;

    private Initializers() {}

    /** {@code tf.zeros_initializer()}. */
    public static Initializer zeros() {
        return (g, shape, dtype) -> ConstantOps.zeros(g, shape, dtype, null);
    }

    /** {@code tf.ones_initializer()}. */
    public static Initializer ones() {
        return (g, shape, dtype) -> ConstantOps.ones(g, shape, dtype, null);
    }

    /** {@code tf.constant_initializer(value)}: every element {@code value}. */
    public static Initializer constant(double value) {
        return (g, shape, dtype) -> {
            if (shape.numElements() < 1000) {
                return ConstantOps.constant(g, value, dtype, shape, "Const");
            }
            // A Fill keeps large initial values out of the GraphDef, as TensorFlow's compact constants do.
            try (var s = g.nameScope("Const")) {
                return ConstantOps.fill(g, ConstantOps.intVector(g, shape.intDims(), "dims"),
                        ConstantOps.scalar(g, dtype, value, "value"), s.name());
            }
        };
    }

    // ---- random ----

    /** {@code tf.random_normal_initializer(mean, stddev, seed)}. */
    public static Initializer randomNormal(double mean, double stddev, Long seed) {
        return (g, shape, dtype) -> RandomOps.normal(g, shape, mean, stddev, requireFloat(dtype), seed, null);
    }

    /** {@code tf.random_normal_initializer()}: mean 0, stddev 1. */
    public static Initializer randomNormal() {
        return randomNormal(0.0, 1.0, null);
    }

    /** {@code tf.truncated_normal_initializer(mean, stddev, seed)}: resampled beyond two stddevs. */
    public static Initializer truncatedNormal(double mean, double stddev, Long seed) {
        return (g, shape, dtype) -> RandomOps.truncatedNormal(g, shape, mean, stddev, requireFloat(dtype), seed, null);
    }

    public static Initializer truncatedNormal() {
        return truncatedNormal(0.0, 1.0, null);
    }

    /** {@code tf.random_uniform_initializer(minval, maxval, seed)}: also for int32/int64 variables. */
    public static Initializer randomUniform(double minval, double maxval, Long seed) {
        return (g, shape, dtype) -> RandomOps.uniform(g, shape, minval, maxval, dtype, seed, null);
    }

    /** {@code tf.random_uniform_initializer()}: [0, 1). */
    public static Initializer randomUniform() {
        return randomUniform(0.0, 1.0, null);
    }

    // ---- variance scaling ----

    /**
     * {@code tf.variance_scaling_initializer(scale, mode, distribution, seed)}: with {@code n} the fan-in, fan-out
     * or their mean ({@code mode} "fan_in", "fan_out", "fan_avg"; at least 1), samples have variance
     * {@code scale / n}: "truncated_normal" (or its old name "normal") draws a truncated normal of stddev
     * {@code sqrt(scale/n) / 0.8796...}, "untruncated_normal" a normal of stddev {@code sqrt(scale/n)}, "uniform"
     * a uniform in {@code ±sqrt(3 scale/n)}.
     */
    public static Initializer varianceScaling(double scale, String mode, String distribution, Long seed) {
        if (!(scale > 0)) {
            throw new InvalidArgumentException("`scale` must be positive float, got " + scale);
        }
        if (!"fan_in".equals(mode) && !"fan_out".equals(mode) && !"fan_avg".equals(mode)) {
            throw new InvalidArgumentException("Invalid `mode` argument: " + mode);
        }
        String dist = distribution == null ? "" : distribution.toLowerCase(java.util.Locale.ROOT);
        if (!dist.equals("normal") && !dist.equals("truncated_normal") && !dist.equals("untruncated_normal")
                && !dist.equals("uniform")) {
            throw new InvalidArgumentException("Invalid `distribution` argument: " + distribution);
        }
        return (g, shape, dtype) -> {
            requireFloat(dtype);
            double n = switch (mode) {
                case "fan_in" -> Math.max(1.0, fans(shape)[0]);
                case "fan_out" -> Math.max(1.0, fans(shape)[1]);
                default -> Math.max(1.0, (fans(shape)[0] + fans(shape)[1]) / 2.0);
            };
            double s = scale / n;
            return switch (dist) {
                case "normal", "truncated_normal" ->
                        RandomOps.truncatedNormal(g, shape, 0.0, Math.sqrt(s) / TRUNCATED_STDDEV, dtype, seed, null);
                case "untruncated_normal" -> RandomOps.normal(g, shape, 0.0, Math.sqrt(s), dtype, seed, null);
                default -> {
                    double limit = Math.sqrt(3.0 * s);
                    yield RandomOps.uniform(g, shape, -limit, limit, dtype, seed, null);
                }
            };
        };
    }

    /** {@code tf.variance_scaling_initializer()}: scale 1, fan_in, truncated normal. */
    public static Initializer varianceScaling() {
        return varianceScaling(1.0, "fan_in", "truncated_normal", null);
    }

    /** {@code tf.glorot_uniform_initializer()}, the default for float variables: uniform in ±sqrt(6/(fan_in+fan_out)). */
    public static Initializer glorotUniform() {
        return glorotUniform(null);
    }

    public static Initializer glorotUniform(Long seed) {
        return varianceScaling(1.0, "fan_avg", "uniform", seed);
    }

    /** {@code tf.glorot_normal_initializer()}: truncated normal of stddev sqrt(2/(fan_in+fan_out)). */
    public static Initializer glorotNormal() {
        return glorotNormal(null);
    }

    public static Initializer glorotNormal(Long seed) {
        return varianceScaling(1.0, "fan_avg", "truncated_normal", seed);
    }

    /** {@code tf.initializers.he_normal()}: truncated normal of stddev sqrt(2/fan_in). */
    public static Initializer heNormal() {
        return heNormal(null);
    }

    public static Initializer heNormal(Long seed) {
        return varianceScaling(2.0, "fan_in", "truncated_normal", seed);
    }

    /** {@code tf.initializers.he_uniform()}: uniform in ±sqrt(6/fan_in). */
    public static Initializer heUniform() {
        return heUniform(null);
    }

    public static Initializer heUniform(Long seed) {
        return varianceScaling(2.0, "fan_in", "uniform", seed);
    }

    /** {@code tf.initializers.lecun_normal()}: truncated normal of stddev sqrt(1/fan_in). */
    public static Initializer lecunNormal(Long seed) {
        return varianceScaling(1.0, "fan_in", "truncated_normal", seed);
    }

    /** {@code tf.initializers.lecun_uniform()}: uniform in ±sqrt(3/fan_in). */
    public static Initializer lecunUniform(Long seed) {
        return varianceScaling(1.0, "fan_in", "uniform", seed);
    }

    /**
     * TensorFlow's {@code _compute_fans}: scalars (1, 1); vectors (n, n); matrices (rows, cols); convolution
     * kernels {@code [..., in, out]} (receptive field × in, receptive field × out).
     */
    public static double[] fans(Shape shape) {
        int rank = shape.rank();
        if (rank < 1) {
            return new double[] {1, 1};
        }
        if (rank == 1) {
            return new double[] {shape.size(0), shape.size(0)};
        }
        if (rank == 2) {
            return new double[] {shape.size(0), shape.size(1)};
        }
        double receptive = 1;
        for (int i = 0; i < rank - 2; i++) {
            receptive *= shape.size(i);
        }
        return new double[] {shape.size(rank - 2) * receptive, shape.size(rank - 1) * receptive};
    }

    private static DType requireFloat(DType t) {
        if (!t.isFloating()) {
            throw new InvalidArgumentException("Expected floating point type, got " + t.name().toLowerCase(java.util.Locale.ROOT) + ".");
        }
        return t;
    }
}
