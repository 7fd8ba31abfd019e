package dev.tensorgraph.op;

import dev.tensorgraph.Output;
import dev.tensorgraph.Tensor;

/**
 * The value of one output of an op, where it is known while the graph is being built (TensorFlow's
 * {@code constant_value}): a constant's value, a shape that shape inference fully knows. Shape functions read
 * it through {@link ShapeContext#constantValue}, so a shape computed from such a value is known too.
 */
@FunctionalInterface
public interface ConstantValueFunction {
    /** The value of {@code output}, from its op's attributes and its inputs' static shapes; null when unknown. */
    Tensor value(Output output);
}
