package dev.tensorgraph.ops.slim;

import dev.tensorgraph.Output;

/**
 * A layer called with keyword arguments, as TF-Slim passes {@code normalizer_fn(outputs, **normalizer_params)} and
 * as {@code repeat} and {@code stack} call their layer. Any slim layer fits as a method reference:
 * {@code slim::batchNorm}, {@code slim::dropout}.
 */
@FunctionalInterface
public interface LayerFunction {
    Output apply(Output inputs, SlimArgs args);
}
