package dev.tensorgraph.ops.nn;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.ops.array.ConstantOps;
import dev.tensorgraph.ops.array.ShapeOps;
import dev.tensorgraph.ops.math.ArithmeticOps;
import dev.tensorgraph.ops.math.CastOps;
import dev.tensorgraph.ops.math.ComparisonOps;
import dev.tensorgraph.ops.math.UnaryOps;
import dev.tensorgraph.ops.random.RandomOps;
import dev.tensorgraph.ops.random.Seeds;

/**
 * Dropout as TensorFlow's Python builds it from primitive ops (it has no op of its own), each form under the
 * name scope {@code dropout}:
 * <ul>
 *   <li>{@link #dropout}: TensorFlow 1's {@code tf.nn.dropout(x, keep_prob)},
 *   {@code x / keep_prob * floor(keep_prob + uniform)};</li>
 *   <li>{@link #dropoutV2(Graph, Output, Output, Output, Long, String)}: {@code dropout(x, rate=tensor)}, keeping
 *   elements whose uniform sample is {@code >= rate}, scaled by {@code 1 / (1 - rate)};</li>
 *   <li>{@link #dropoutV2(Graph, Output, double, int[], Long, String)}: {@code dropout(x, rate=number)}, the scale
 *   a constant, as {@code tf.layers.dropout} builds it.</li>
 * </ul>
 */
public final class DropoutOps {
    private DropoutOps() {}

    /** {@code tf.nn.dropout(x, keep_prob, noise_shape, seed)} (TensorFlow 1). A fed keep_prob of 1 gives x. */
    public static Output dropout(Graph g, Output x, Output keepProb, Output noiseShape, Long seed, String name) {
        try (var s = g.nameScope(name == null ? "dropout" : name)) {
            Output kp = CastOps.cast(g, keepProb, x.dtype(), null);
            Output u = uniform(g, noiseShape != null ? noiseShape : ShapeOps.shapeOf(g, x, "Shape"), x.dtype(), seed);
            Output random = ArithmeticOps.addV2(g, kp, u, "add");
            Output binary = UnaryOps.floor(g, random, null);
            Output scaled = ArithmeticOps.realDiv(g, x, kp, "div");
            return ArithmeticOps.mul(g, scaled, binary, s.name());
        }
    }

    /** {@code dropout(x, rate)} with a rate tensor (TensorFlow 2 / 1.15 {@code dropout_v2}). A fed rate of 0 gives x. */
    public static Output dropoutV2(Graph g, Output x, Output rate, Output noiseShape, Long seed, String name) {
        try (var s = g.nameScope(name == null ? "dropout" : name)) {
            Output r = CastOps.cast(g, rate, x.dtype(), null);
            Output keep = ArithmeticOps.sub(g, ConstantOps.scalar(g, x.dtype(), 1, "sub/x"), r, "sub");
            Output scale = ArithmeticOps.realDiv(g, ConstantOps.scalar(g, x.dtype(), 1, "truediv/x"), keep, "truediv");
            Output u = uniform(g, noiseShape != null ? noiseShape : ShapeOps.shapeOf(g, x, "Shape"), x.dtype(), seed);
            Output mask = ComparisonOps.greaterEqual(g, u, r, null);
            Output maskF = CastOps.cast(g, mask, x.dtype(), null);
            Output scaled = ArithmeticOps.mul(g, x, scale, null);
            return ArithmeticOps.mul(g, scaled, maskF, s.name());
        }
    }

    /**
     * {@code dropout(x, rate)} with a rate known while building, in the scope {@code dropout}: a uniform sample of
     * {@code noiseShape} (x's run-time shape when null) compared with the constant {@code rate}, the kept values
     * scaled by the constant {@code 1 / (1 - rate)}.
     */
    public static Output dropoutV2(Graph g, Output x, double rate, int[] noiseShape, Long seed, String name) {
        if (rate < 0 || rate >= 1) {
            throw new InvalidArgumentException("dropout rate must be a scalar tensor or a float in the range [0, 1), got "
                    + rate);
        }
        try (var s = g.nameScope(name == null ? "dropout" : name)) {
            DType dt = x.dtype();
            Output shape = noiseShape != null ? ConstantOps.intVector(g, noiseShape, "noise_shape")
                    : ShapeOps.shape(g, x, DType.INT32, null);
            Seeds seeds = Seeds.get(g, seed);
            Output rnd;
            try (var ru = g.nameScope("random_uniform")) {
                rnd = RandomOps.randomUniform(g, shape, dt, seeds, null);
            }
            Output keep = ComparisonOps.greaterEqual(g, rnd, ConstantOps.scalar(g, dt, rate, "rate"), null);
            Output scaled = ArithmeticOps.mul(g, x, ConstantOps.scalar(g, dt, 1.0 / (1.0 - rate), "scale"), "mul");
            Output mask = CastOps.cast(g, keep, dt, null);
            return ArithmeticOps.mul(g, scaled, mask, "mul");
        }
    }

    /** A RandomUniform named {@code random_uniform/RandomUniform}, seeded when it is built. */
    private static Output uniform(Graph g, Output shape, DType dtype, Long seed) {
        return RandomOps.randomUniform(g, shape, dtype, Seeds.get(g, seed), "random_uniform/RandomUniform");
    }
}
