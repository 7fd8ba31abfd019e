package dev.tensorgraph.ops;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.ops.control.AssertOps;
import dev.tensorgraph.ops.io.DebugOps;
import java.util.List;

/**
 * The {@code tf.debugging} namespace: numeric checks that fail a run as soon as a tensor holds NaN or Inf, and
 * {@code Assert}.
 *
 * <pre>{@code
 * Output safe = tf.debugging.checkNumerics(logits, "logits");   // fails: "logits : Tensor had NaN values"
 * Output y = tf.debugging.assertAllFinite(x, "x must be finite");
 * }</pre>
 *
 * <p>For a whole-graph check without adding ops, see {@code SessionOptions.checkNumerics(true)}.
 */
public final class TfDebugging {
    private final Tf tf;

    public TfDebugging(Tf tf) {
        this.tf = tf;
    }

    /** {@code tf.debugging.check_numerics}: {@code x} unchanged, or an error naming {@code message} and the op. */
    public Output checkNumerics(Output x, String message) {
        return checkNumerics(x, message, null);
    }

    public Output checkNumerics(Output x, String message, String name) {
        return DebugOps.checkNumerics(tf.graph(), x, message, name);
    }

    /**
     * {@code tf.debugging.assert_all_finite} (TensorFlow's {@code verify_tensor_all_finite}): an identity of
     * {@code x} that runs a {@code CheckNumerics} of it first, under the name scope {@code VerifyFinite}.
     */
    public Output assertAllFinite(Output x, String message) {
        return assertAllFinite(x, message, null);
    }

    public Output assertAllFinite(Output x, String message, String name) {
        return DebugOps.assertAllFinite(tf.graph(), x, message, name);
    }

    /**
     * {@code tf.debugging.Assert(condition, data)}: an op that fails the run with {@code assertion failed: [...]}
     * (the first 3 elements of each data tensor) when {@code condition} is false; make what must be checked depend
     * on it. With data other than strings and int32 the Assert sits in a cond ({@code Assert/AssertGuard}).
     */
    public Operation assertThat(Output condition, List<Output> data) {
        return assertThat(condition, data, 3, null);
    }

    public Operation assertThat(Output condition, List<Output> data, long summarize, String name) {
        return AssertOps.assertThat(tf.graph(), condition, data, summarize, name);
    }
}
