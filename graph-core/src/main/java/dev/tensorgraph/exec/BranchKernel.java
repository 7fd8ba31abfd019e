package dev.tensorgraph.exec;

import dev.tensorgraph.DType;
import dev.tensorgraph.Operation;
import dev.tensorgraph.Tensor;
import dev.tensorgraph.errors.InvalidArgumentException;
import dev.tensorgraph.kernel.KernelContext;
import java.util.List;

/**
 * A functional conditional: {@code If} (input 0 true runs the first function, false the second) or {@code Case}
 * (input 0 picks the function, the last one when out of range, as TensorFlow does). The chosen function runs on
 * the other inputs; its results are the step's outputs. Which one runs depends on data, so plans holding such a
 * step are not recorded.
 */
final class BranchKernel extends FunctionalKernel {
    private final boolean byIndex;

    BranchKernel(Operation op, List<FunctionPlan> branches, boolean byIndex) {
        super(op, branches);
        this.byIndex = byIndex;
    }

    @Override
    public void compute(KernelContext ctx) {
        Tensor choice = ctx.input(0);
        int branch;
        if (byIndex) {
            if (choice.dtype() != DType.INT32 || choice.numElements() != 1) {
                throw new InvalidArgumentException(describeOp() + ": branch_index must be an int32 scalar, got "
                        + choice.dtype() + " of shape " + choice.shape());
            }
            int i = ((int[]) choice.array())[0];
            branch = i < 0 || i >= plans.size() ? plans.size() - 1 : i;
        } else {
            branch = Truth.of(choice) ? 0 : 1;
        }
        plans.get(branch).call((Executor) ctx, 1);
    }

    @Override
    String captureObstacle() {
        return describeOp() + " chooses which function to run from run-time data";
    }

    @Override
    String summary() {
        return byIndex ? "runs the branch input 0 picks" : "runs the branch its condition picks";
    }

    @Override
    String planTitle(int i) {
        return byIndex ? "branch " + i : i == 0 ? "then branch" : "else branch";
    }
}
