package dev.tensorgraph.ops;

import dev.tensorgraph.Output;
import dev.tensorgraph.ops.math.MatMulOps;

/**
 * {@code tf.matmul}; see {@link MatMulOps}. Matrices give a {@code MatMul} op; inputs of rank above 2 (or of
 * unknown rank) give {@code BatchMatMulV2} with the transposes as adjoints, as TensorFlow 1.15 does. The op
 * is named {@code MatMul} by default either way.
 *
 * <pre>{@code
 * Output logits = tf.matmul(x, w);                    // [?,784] x [784,10] -> [?,10]
 * Output gram = tf.matmul(a, a, true, false, "gram"); // a^T a
 * }</pre>
 */
public interface LinalgApi extends TfBase {
    default Output matmul(Output a, Output b) {
        return matmul(a, b, false, false, null);
    }

    default Output matmul(Output a, Output b, boolean transposeA, boolean transposeB) {
        return matmul(a, b, transposeA, transposeB, null);
    }

    default Output matmul(Output a, Output b, boolean transposeA, boolean transposeB, String name) {
        return MatMulOps.matmul(graph(), a, b, transposeA, transposeB, name);
    }
}
