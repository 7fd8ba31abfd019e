package dev.tensorgraph.ops.state;

/** The {@code reuse} argument of {@code tf.variable_scope}. */
public enum Reuse {
    /** Inherit the enclosing scope's reuse (TensorFlow's None); at the root, variables must be new. */
    INHERIT,
    /** {@code getVariable} returns existing variables and fails on a missing one. */
    TRUE,
    /** {@code getVariable} creates a variable when missing and returns it when present. */
    AUTO_REUSE
}
