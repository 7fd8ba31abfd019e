/**
 * The reduction op family: Sum, Prod, Mean, Max, Min, Any, All, ArgMax and ArgMin, with their gradients in {@code
 * ReductionGrads}.
 */
package dev.tensorgraph.ops.reduction;
