package dev.tensorgraph.ops.slim;

import dev.tensorgraph.Shape;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.random.RandomOps;
import dev.tensorgraph.ops.state.Initializer;
import java.util.Locale;

/**
 * The initializers of {@code tf.contrib.layers} (TF-Slim's {@code initializers.py}), which differ from
 * {@code tf.variance_scaling_initializer} in two ways: the truncated normal's stddev is {@code sqrt(1.3 factor / n)}
 * (not divided by the truncated distribution's stddev), and the fans are not clamped at 1.
 *
 * <pre>{@code
 * Initializer w = SlimInitializers.xavierInitializer();                       // slim's default weights
 * Initializer he = SlimInitializers.varianceScalingInitializer(2.0, "FAN_IN", false, null);
 * }</pre>
 */
public final class SlimInitializers {
    private SlimInitializers() {}

    /** {@code xavier_initializer()}: uniform in {@code ±sqrt(6 / (fan_in + fan_out))}. */
    public static Initializer xavierInitializer() {
        return xavierInitializer(true, null);
    }

    /** {@code xavier_initializer(uniform, seed)}: variance scaling with factor 1 over the fans' mean. */
    public static Initializer xavierInitializer(boolean uniform, Long seed) {
        return varianceScalingInitializer(1.0, "FAN_AVG", uniform, seed);
    }

    /** {@code variance_scaling_initializer()}: factor 2, FAN_IN, truncated normal (He et al.). */
    public static Initializer varianceScalingInitializer() {
        return varianceScalingInitializer(2.0, "FAN_IN", false, null);
    }

    /**
     * {@code variance_scaling_initializer(factor, mode, uniform, seed)}: with {@code n} the fan-in, fan-out or
     * their mean ({@code mode} {@code FAN_IN}, {@code FAN_OUT}, {@code FAN_AVG}), a uniform sample in
     * {@code ±sqrt(3 factor / n)} or a normal of stddev {@code sqrt(1.3 factor / n)} truncated at two stddevs.
     * The fans: a kernel {@code [..., in, out]} has {@code in} (or {@code out}) times the product of its leading
     * dimensions; a vector {@code [n]} has {@code n} for both; a scalar 1.
     */
    public static Initializer varianceScalingInitializer(double factor, String mode, boolean uniform, Long seed) {
        String m = mode == null ? "" : mode.toUpperCase(Locale.ROOT);
        if (!m.equals("FAN_IN") && !m.equals("FAN_OUT") && !m.equals("FAN_AVG")) {
            throw new InvalidArgumentException("Unknown mode " + mode + " [FAN_IN, FAN_OUT, FAN_AVG]");
        }
        return (g, shape, dtype) -> {
            if (!dtype.isFloating()) {
                throw new InvalidArgumentException("Cannot create initializer for non-floating point type "
                        + dtype.name().toLowerCase(Locale.ROOT) + ".");
            }
            double[] fans = fans(shape);
            double n = switch (m) {
                case "FAN_IN" -> fans[0];
                case "FAN_OUT" -> fans[1];
                default -> (fans[0] + fans[1]) / 2.0;
            };
            if (!(n > 0)) {
                throw new InvalidArgumentException("variance scaling of a variable of shape " + shape + " divides by a "
                        + m + " of " + n);
            }
            if (uniform) {
                double limit = Math.sqrt(3.0 * factor / n);
                return RandomOps.uniform(g, shape, -limit, limit, dtype, seed, null);
            }
            return RandomOps.truncatedNormal(g, shape, 0.0, Math.sqrt(1.3 * factor / n), dtype, seed, null);
        };
    }

    /** TF-Slim's fans: {@code (fan_in, fan_out)} of {@code shape}. */
    static double[] fans(Shape shape) {
        int rank = shape.rank();
        if (rank == 0) {
            return new double[] {1, 1};
        }
        double in = rank > 1 ? shape.size(rank - 2) : shape.size(rank - 1);
        double out = shape.size(rank - 1);
        for (int i = 0; i < rank - 2; i++) {
            in *= shape.size(i);
            out *= shape.size(i);
        }
        return new double[] {in, out};
    }
}
