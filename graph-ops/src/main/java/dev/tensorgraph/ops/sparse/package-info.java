/**
 * The sparse op family: SparseToDense and the {@link dev.tensorgraph.ops.sparse.SparseTensor} value.
 */
package dev.tensorgraph.ops.sparse;
