/**
 * Shared pieces below every op family: shape functions and dtype sets ({@link
 * dev.tensorgraph.ops.support.ShapeFns}), shape-like argument values ({@link
 * dev.tensorgraph.ops.support.ShapeArgs}), tensors from Java numbers ({@link
 * dev.tensorgraph.ops.support.Literals}). Depends on no other package of the op library.
 */
package dev.tensorgraph.ops.support;
