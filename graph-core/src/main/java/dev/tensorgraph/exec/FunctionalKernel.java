package dev.tensorgraph.exec;

import dev.tensorgraph.Operation;
import dev.tensorgraph.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel of a functional step (see {@link dev.tensorgraph.op.FunctionalForm}): host-side bookkeeping that
 * runs the plans of the op's functions in the step's run, their kernels on whatever device the plans placed
 * them. Nothing recurses with the number of iterations; nested calls nest plans.
 */
abstract class FunctionalKernel implements Kernel {
    final Operation op;
    final List<FunctionPlan> plans;

    FunctionalKernel(Operation op, List<FunctionPlan> plans) {
        this.op = op;
        this.plans = List.copyOf(plans);
    }

    /** Why runs of a plan holding this step cannot be recorded and replayed on a device, or null if they can. */
    abstract String captureObstacle();

    /** What the step's line in {@code describePlan} says it does. */
    abstract String summary();

    /** The words introducing plan {@code i} in {@code describePlan}. */
    abstract String planTitle(int i);

    /** Whether any of the functions runs a kernel on the device. */
    boolean usesDevice() {
        return plans.stream().anyMatch(p -> p.plan.usesDevice);
    }

    List<String> describe(String where) {
        List<String> lines = new ArrayList<>();
        lines.add(op.name() + " (" + op.type() + ") @ " + where + ", " + summary());
        for (int i = 0; i < plans.size(); i++) {
            lines.addAll(plans.get(i).describe(planTitle(i)));
        }
        return lines;
    }

    String describeOp() {
        return op.type() + " op '" + op.name() + "'";
    }
}
