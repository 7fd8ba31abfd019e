package dev.tensorgraph.ops.sparse;

import dev.tensorgraph.DType;
import dev.tensorgraph.Output;
import dev.tensorgraph.errors.InvalidArgumentException;

/**
 * {@code tf.SparseTensor}: the non-default entries of a tensor of shape {@code denseShape}: {@code indices}
 * int64 [N, rank], {@code values} [N], {@code denseShape} int64 [rank].
 */
public record SparseTensor(Output indices, Output values, Output denseShape) {
    public SparseTensor {
        if (indices == null || values == null || denseShape == null) {
            throw new InvalidArgumentException("a SparseTensor needs indices, values and denseShape");
        }
        if (indices.dtype() != DType.INT64 || denseShape.dtype() != DType.INT64) {
            throw new InvalidArgumentException("SparseTensor indices and dense_shape must be int64, got "
                    + indices.dtype() + " and " + denseShape.dtype());
        }
        if (indices.shape().hasKnownRank() && indices.shape().rank() != 2) {
            throw new InvalidArgumentException("SparseTensor indices must be a matrix [N, rank], got shape " + indices.shape());
        }
    }
}
