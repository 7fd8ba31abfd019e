package dev.tensorgraph.exec;

import dev.tensorgraph.Operation;
import dev.tensorgraph.kernel.KernelContext;
import java.util.List;

/**
 * A call of a function ({@code PartitionedCall}, {@code StatefulPartitionedCall}): its body's plan runs once on
 * the step's inputs, and its results are the step's outputs, handed over without copies.
 */
final class CallKernel extends FunctionalKernel {
    CallKernel(Operation op, FunctionPlan body) {
        super(op, List.of(body));
    }

    @Override
    public void compute(KernelContext ctx) {
        plans.get(0).call((Executor) ctx, 0);
    }

    @Override
    String captureObstacle() {
        return CaptureSpec.obstacleInside(plans.get(0).plan, "function '" + plans.get(0).body.name() + "' called by "
                + describeOp());
    }

    @Override
    String summary() {
        return "calls a function";
    }

    @Override
    String planTitle(int i) {
        return "function";
    }
}
