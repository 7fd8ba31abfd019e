package dev.tensorgraph.ops;

import dev.tensorgraph.Output;
import dev.tensorgraph.ops.sparse.SparseOps;
import dev.tensorgraph.ops.sparse.SparseTensor;

/**
 * The {@code tf.sparse} namespace.
 *
 * <pre>{@code
 * SparseTensor sp = tf.sparse.sparseTensor(new long[][] {{0, 0}, {1, 2}}, new float[] {1, 2}, new long[] {3, 4});
 * Output dense = tf.sparse.toDense(sp);   // [[1,0,0,0],[0,0,2,0],[0,0,0,0]]
 * }</pre>
 */
public final class TfSparse {
    private final Tf tf;

    TfSparse(Tf tf) {
        this.tf = tf;
    }

    Tf tf() {
        return tf;
    }

    /**
     * {@code tf.sparse.SparseTensor(indices, values, dense_shape)} from Java arrays: constants
     * {@code SparseTensor/indices}, {@code SparseTensor/values}, {@code SparseTensor/dense_shape}.
     */
    public SparseTensor sparseTensor(long[][] indices, Object values, long[] denseShape) {
        return SparseOps.sparseTensor(tf.graph(), indices, values, denseShape);
    }

    /** A SparseTensor from tensors already in the graph. */
    public SparseTensor sparseTensor(Output indices, Output values, Output denseShape) {
        return new SparseTensor(indices, values, denseShape);
    }

    /** {@code tf.sparse.to_dense(sp)}: missing entries are zero; indices must be sorted (validate_indices). */
    public Output toDense(SparseTensor sp) {
        return toDense(sp, 0, true, null);
    }

    /** {@code tf.sparse.to_dense(sp, default_value, validate_indices, name)}; op {@code SparseToDense}. */
    public Output toDense(SparseTensor sp, double defaultValue, boolean validateIndices, String name) {
        return SparseOps.toDense(tf.graph(), sp, defaultValue, validateIndices, name);
    }
}
