package dev.tensorgraph.ops;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;

/**
 * An initializer written against the facade.
 *
 * @deprecated initializers build into a {@link Graph}: implement {@link dev.tensorgraph.ops.state.Initializer}
 *     ({@code (g, shape, dtype) -> ...}), using {@code Tf.of(g)} where the facade is wanted.
 */
@Deprecated
@FunctionalInterface
public interface Initializer extends dev.tensorgraph.ops.state.Initializer {
    Output create(Tf tf, Shape shape, DType dtype);

    @Override
    default Output create(Graph g, Shape shape, DType dtype) {
        return create(Tf.of(g), shape, dtype);
    }
}
