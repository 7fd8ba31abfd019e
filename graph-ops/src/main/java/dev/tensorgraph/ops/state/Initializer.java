package dev.tensorgraph.ops.state;

import dev.tensorgraph.DType;
import dev.tensorgraph.Graph;
import dev.tensorgraph.Output;
import dev.tensorgraph.Shape;

/**
 * Creates a variable's initial value (TensorFlow's initializer objects, called as {@code init(shape, dtype)}),
 * building its ops into {@code g} inside the variable's {@code Initializer} name scope.
 */
@FunctionalInterface
public interface Initializer {
    Output create(Graph g, Shape shape, DType dtype);
}
