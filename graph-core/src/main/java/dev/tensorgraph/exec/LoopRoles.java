package dev.tensorgraph.exec;

import dev.tensorgraph.Operation;
import dev.tensorgraph.kernel.KernelFactory.Role;
import java.util.function.Function;

/**
 * Which ops are a while loop's primitives, by the roles their kernels declare ({@link Role}), so that finding
 * loops names no op type.
 */
record LoopRoles(Function<Operation, Role> roleOf) {
    boolean isEnter(Operation op) {
        return roleOf.apply(op) == Role.LOOP_ENTER;
    }

    boolean isExit(Operation op) {
        return roleOf.apply(op) == Role.LOOP_EXIT;
    }

    boolean isNextIteration(Operation op) {
        return roleOf.apply(op) == Role.LOOP_NEXT_ITERATION;
    }

    boolean isLoopCondition(Operation op) {
        return roleOf.apply(op) == Role.LOOP_CONDITION;
    }

    boolean isMerge(Operation op) {
        return roleOf.apply(op) == Role.RUNS_ON_ANY_LIVE_INPUT;
    }

    /** Whether input {@code i} of {@code op} is a loop's back edge (NextIteration into Merge), which ordering ignores. */
    boolean isBackEdge(Operation op, int i) {
        return isMerge(op) && isNextIteration(op.input(i).op());
    }

    /** Whether any of {@code ops} is a loop primitive, so that the plan has loops to find. */
    boolean anyLoop(java.util.List<Operation> ops) {
        for (Operation op : ops) {
            Role r = roleOf.apply(op);
            if (r == Role.LOOP_ENTER || r == Role.LOOP_EXIT || r == Role.LOOP_NEXT_ITERATION) {
                return true;
            }
        }
        return false;
    }
}
