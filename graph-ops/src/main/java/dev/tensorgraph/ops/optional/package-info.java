/** Optional values (a variant holding a tuple of tensors or nothing), as control flow v2's gradients use them. */
package dev.tensorgraph.ops.optional;
