/**
 * The array op family: constants, placeholders and filled tensors, shapes and reshapes, transpose,
 * concat/stack/split, pad and tile, slice and strided slice, unique. Each file holds its ops' definitions, shape
 * functions, gradients and typed constructors.
 */
package dev.tensorgraph.ops.array;
