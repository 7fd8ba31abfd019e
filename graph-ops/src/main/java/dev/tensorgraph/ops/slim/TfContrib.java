package dev.tensorgraph.ops.slim;

/**
 * {@code tf.contrib}: the parts of TensorFlow 1.x's contrib that TF-Slim code reaches, each the graph's
 * {@link TfSlim}: {@code tf.contrib.layers.conv2d}, {@code tf.contrib.slim.conv2d} and
 * {@code tf.contrib.framework.argScope} are the same functions as {@code tf.slim}'s.
 */
public final class TfContrib {
    /** {@code tf.contrib.layers}. */
    public final TfSlim layers;
    /** {@code tf.contrib.slim}. */
    public final TfSlim slim;
    /** {@code tf.contrib.framework} (arg scopes). */
    public final TfSlim framework;

    public TfContrib(TfSlim slim) {
        this.layers = slim;
        this.slim = slim;
        this.framework = slim;
    }
}
