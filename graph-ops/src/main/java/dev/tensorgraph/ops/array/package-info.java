/**
 * The array op family: constants, placeholders and filled tensors, shapes and reshapes, transpose,
 * concat/stack/split, pad (constant and mirror) and tile, slice and strided slice, reverse and roll, unique and
 * setdiff1d. Each file holds its ops' definitions, shape functions, gradients and typed constructors.
 */
package dev.tensorgraph.ops.array;
