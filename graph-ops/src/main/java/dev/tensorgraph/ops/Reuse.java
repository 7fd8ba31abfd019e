package dev.tensorgraph.ops;

/**
 * The {@code reuse} argument of {@code tf.variable_scope}.
 *
 * @deprecated moved to {@link dev.tensorgraph.ops.state.Reuse}, which the layers' options take too.
 */
@Deprecated
public enum Reuse {
    INHERIT,
    TRUE,
    AUTO_REUSE;

    /** The same value of {@link dev.tensorgraph.ops.state.Reuse}. */
    public dev.tensorgraph.ops.state.Reuse toReuse() {
        return dev.tensorgraph.ops.state.Reuse.valueOf(name());
    }
}
