package dev.tensorgraph.ops.control;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.errors.UnimplementedException;
import java.util.List;

/** Gradients of while loops, in TensorFlow 1.x's construction. */
final class WhileGradients {
    private WhileGradients() {}

    static List<Output> enterGrad(Operation op, List<Output> dy) {
        throw new UnimplementedException("gradient of " + op.type() + " op '" + op.name() + "'");
    }

    static List<Output> exitGrad(Operation op, List<Output> dy) {
        throw new UnimplementedException("gradient of " + op.type() + " op '" + op.name() + "'");
    }
}
