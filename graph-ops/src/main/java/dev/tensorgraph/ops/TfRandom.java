package dev.tensorgraph.ops;

import dev.tensorgraph.DType;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;
import dev.tensorgraph.ops.random.RandomOps;
import dev.tensorgraph.ops.random.Seeds;

/**
 * The {@code tf.random} namespace: seeded random tensors built exactly as TensorFlow 1.x's
 * {@code random_ops.py} builds them, so names and seeds match TensorFlow's graphs.
 *
 * <pre>{@code
 * tf.random.setRandomSeed(1234);                               // tf.set_random_seed(1234)
 * Output w = tf.random.normal(Shape.of(2, 3), 0f, 1f);         // random_normal/RandomStandardNormal, ... random_normal
 * Output u = tf.random.uniform(Shape.of(4), -1, 1, DType.FLOAT32, 7L, "u");
 * }</pre>
 * A null {@code seed} means "derive it" by the rule of {@link Seeds}. Definitions: {@link RandomOps}.
 */
public final class TfRandom {
    private final Tf tf;

    TfRandom(Tf tf) {
        this.tf = tf;
    }

    Tf tf() {
        return tf;
    }

    /** {@code tf.set_random_seed(seed)}: the graph-level seed of every random op created afterwards. */
    public void setRandomSeed(long seed) {
        tf.graph().setSeed(seed);
    }

    /** The graph-level seed, or null. */
    public Long randomSeed() {
        return tf.graph().seed();
    }

    // ---- normal ----

    /** {@code tf.random.normal(shape)}: float32 standard normals. */
    public Output normal(Shape shape) {
        return normal(shape, 0.0, 1.0, DType.FLOAT32, null, null);
    }

    public Output normal(Shape shape, float mean, float stddev) {
        return normal(shape, mean, stddev, DType.FLOAT32, null, null);
    }

    public Output normal(Shape shape, float mean, float stddev, Long seed) {
        return normal(shape, mean, stddev, DType.FLOAT32, seed, null);
    }

    /** {@code tf.random.normal(shape, mean, stddev, dtype, seed, name)}: {@code RandomStandardNormal * stddev + mean}. */
    public Output normal(Shape shape, double mean, double stddev, DType dtype, Long seed, String name) {
        return RandomOps.normal(tf.graph(), shape, mean, stddev, dtype, seed, name);
    }

    /** With a shape computed in the graph (an int32 or int64 vector). */
    public Output normal(Output shape, double mean, double stddev, DType dtype, Long seed, String name) {
        return RandomOps.normal(tf.graph(), shape, mean, stddev, dtype, seed, name);
    }

    // ---- truncated normal ----

    /** {@code tf.random.truncated_normal(shape)}: normals with |x| &lt; 2 standard deviations. */
    public Output truncatedNormal(Shape shape) {
        return truncatedNormal(shape, 0.0, 1.0, DType.FLOAT32, null, null);
    }

    public Output truncatedNormal(Shape shape, float mean, float stddev) {
        return truncatedNormal(shape, mean, stddev, DType.FLOAT32, null, null);
    }

    public Output truncatedNormal(Shape shape, float mean, float stddev, Long seed) {
        return truncatedNormal(shape, mean, stddev, DType.FLOAT32, seed, null);
    }

    /** {@code TruncatedNormal * stddev + mean} in the scope {@code truncated_normal}. */
    public Output truncatedNormal(Shape shape, double mean, double stddev, DType dtype, Long seed, String name) {
        return RandomOps.truncatedNormal(tf.graph(), shape, mean, stddev, dtype, seed, name);
    }

    public Output truncatedNormal(Output shape, double mean, double stddev, DType dtype, Long seed, String name) {
        return RandomOps.truncatedNormal(tf.graph(), shape, mean, stddev, dtype, seed, name);
    }

    // ---- uniform ----

    /** {@code tf.random.uniform(shape)}: float32 in [0, 1). */
    public Output uniform(Shape shape) {
        return uniform(shape, 0.0, 1.0, DType.FLOAT32, null, null);
    }

    public Output uniform(Shape shape, float minval, float maxval) {
        return uniform(shape, minval, maxval, DType.FLOAT32, null, null);
    }

    public Output uniform(Shape shape, float minval, float maxval, Long seed) {
        return uniform(shape, minval, maxval, DType.FLOAT32, seed, null);
    }

    /**
     * {@code tf.random.uniform(shape, minval, maxval, dtype, seed, name)}: floats in [minval, maxval) as
     * {@code RandomUniform * (max - min) + min}; for int32/int64 one {@code RandomUniformInt} named by the scope.
     */
    public Output uniform(Shape shape, double minval, double maxval, DType dtype, Long seed, String name) {
        return RandomOps.uniform(tf.graph(), shape, minval, maxval, dtype, seed, name);
    }

    public Output uniform(Output shape, double minval, double maxval, DType dtype, Long seed, String name) {
        return RandomOps.uniform(tf.graph(), shape, minval, maxval, dtype, seed, name);
    }

    // ---- shuffle ----

    /** {@code tf.random.shuffle(value)}: the first dimension in random order. */
    public Output shuffle(Output value) {
        return shuffle(value, null, null);
    }

    public Output shuffle(Output value, Long seed, String name) {
        return RandomOps.shuffle(tf.graph(), value, seed, name);
    }
}
