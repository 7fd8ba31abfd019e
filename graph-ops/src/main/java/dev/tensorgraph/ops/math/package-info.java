/**
 * The math op family: binary arithmetic with broadcasting ({@link dev.tensorgraph.ops.math.ArithmeticOps}), unary
 * functions ({@link dev.tensorgraph.ops.math.UnaryOps}), comparisons and logical ops, Cast, matrix products, einsum,
 * cumulative sums and products, clipping, bincount, and the broadcast-gradient reduction every binary gradient uses. Each file holds its ops' definitions, shape
 * functions, gradients and typed constructors.
 */
package dev.tensorgraph.ops.math;
