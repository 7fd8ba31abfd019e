package dev.tensorgraph.ops.function;

import dev.tensorgraph.Operation;
import dev.tensorgraph.Output;
import dev.tensorgraph.errors.UnimplementedException;
import java.util.List;

/** The gradients of the functional ops of {@link FunctionalOps}. */
final class FunctionGradients {
    private FunctionGradients() {}

    static List<Output> call(Operation op, List<Output> dy) {
        throw unimplemented(op);
    }

    static List<Output> whileLoop(Operation op, List<Output> dy) {
        throw unimplemented(op);
    }

    static List<Output> conditional(Operation op, List<Output> dy) {
        throw unimplemented(op);
    }

    static List<Output> switchCase(Operation op, List<Output> dy) {
        throw unimplemented(op);
    }

    private static UnimplementedException unimplemented(Operation op) {
        return new UnimplementedException("the gradient of " + op.type() + " op '" + op.name() + "' is not supported");
    }
}
