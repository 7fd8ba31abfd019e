/**
 * The training op family: the fused optimizer updates (ApplyGradientDescent, ApplyMomentum, ApplyAdam,
 * ApplyRMSProp, ApplyCenteredRMSProp, ApplyAdagrad) with their typed constructors.
 */
package dev.tensorgraph.ops.training;
