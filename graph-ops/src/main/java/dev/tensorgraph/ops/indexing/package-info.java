/**
 * The indexing op family: gather (and boolean_mask), gather_nd, scatter_nd and the tensor scatters, the sorted and
 * unsorted segment reductions, one-hot, dynamic stitch, and the selects ({@code Select}, {@code SelectV2},
 * {@code Where}). Each file holds its ops' definitions, shape functions,
 * gradients and typed constructors.
 */
package dev.tensorgraph.ops.indexing;
