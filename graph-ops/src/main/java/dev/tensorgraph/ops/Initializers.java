package dev.tensorgraph.ops;

/**
 * TensorFlow 1.x's variable initializers.
 *
 * @deprecated moved to {@link dev.tensorgraph.ops.state.Initializers}, whose initializers build into a graph.
 */
@Deprecated
public final class Initializers {
    private Initializers() {}

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#zeros}. */
    @Deprecated
    public static Initializer zeros() {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.zeros();
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#ones}. */
    @Deprecated
    public static Initializer ones() {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.ones();
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#constant}. */
    @Deprecated
    public static Initializer constant(double value) {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.constant(value);
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#randomNormal}. */
    @Deprecated
    public static Initializer randomNormal(double mean, double stddev, Long seed) {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.randomNormal(mean, stddev, seed);
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#randomNormal}. */
    @Deprecated
    public static Initializer randomNormal() {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.randomNormal();
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#truncatedNormal}. */
    @Deprecated
    public static Initializer truncatedNormal(double mean, double stddev, Long seed) {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.truncatedNormal(mean, stddev, seed);
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#truncatedNormal}. */
    @Deprecated
    public static Initializer truncatedNormal() {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.truncatedNormal();
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#randomUniform}. */
    @Deprecated
    public static Initializer randomUniform(double minval, double maxval, Long seed) {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.randomUniform(minval, maxval, seed);
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#randomUniform}. */
    @Deprecated
    public static Initializer randomUniform() {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.randomUniform();
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#varianceScaling}. */
    @Deprecated
    public static Initializer varianceScaling(double scale, String mode, String distribution, Long seed) {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.varianceScaling(scale, mode, distribution, seed);
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#varianceScaling}. */
    @Deprecated
    public static Initializer varianceScaling() {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.varianceScaling();
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#glorotUniform}. */
    @Deprecated
    public static Initializer glorotUniform() {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.glorotUniform();
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#glorotUniform}. */
    @Deprecated
    public static Initializer glorotUniform(Long seed) {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.glorotUniform(seed);
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#glorotNormal}. */
    @Deprecated
    public static Initializer glorotNormal() {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.glorotNormal();
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#glorotNormal}. */
    @Deprecated
    public static Initializer glorotNormal(Long seed) {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.glorotNormal(seed);
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#heNormal}. */
    @Deprecated
    public static Initializer heNormal() {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.heNormal();
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#heNormal}. */
    @Deprecated
    public static Initializer heNormal(Long seed) {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.heNormal(seed);
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#heUniform}. */
    @Deprecated
    public static Initializer heUniform() {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.heUniform();
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#heUniform}. */
    @Deprecated
    public static Initializer heUniform(Long seed) {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.heUniform(seed);
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#lecunNormal}. */
    @Deprecated
    public static Initializer lecunNormal(Long seed) {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.lecunNormal(seed);
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }

    /** @deprecated use {@link dev.tensorgraph.ops.state.Initializers#lecunUniform}. */
    @Deprecated
    public static Initializer lecunUniform(Long seed) {
        dev.tensorgraph.ops.state.Initializer init = dev.tensorgraph.ops.state.Initializers.lecunUniform(seed);
        return (tf, shape, dtype) -> init.create(tf.graph(), shape, dtype);
    }
}
