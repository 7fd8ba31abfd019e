package dev.tensorgraph.exec;

import dev.tensorgraph.FunctionBody;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One function body compiled for a functional step: its plan, and where in that plan its arguments are fed
 * and its results fetched. Runs inside the step's run, sharing its buffers (see {@link Executor#subRun}).
 */
final class FunctionPlan {
    final FunctionBody body;
    final Plan plan;
    /** Feed slot of each argument, fetch slot of each result. */
    final int[] argSlots;
    final int[] resultSlots;
    /** Result slots that are not argument slots: cleared between two runs of one sub-run. */
    final int[] resultOnlySlots;

    FunctionPlan(FunctionBody body, Plan plan) {
        this.body = body;
        this.plan = plan;
        argSlots = body.args().stream().mapToInt(a -> plan.feedSlots.get(a)).toArray();
        resultSlots = plan.fetchSlots.clone();
        Set<Integer> args = new HashSet<>();
        for (int s : argSlots) {
            args.add(s);
        }
        resultOnlySlots = java.util.Arrays.stream(resultSlots).distinct().filter(s -> !args.contains(s)).toArray();
    }

    /** Whether result {@code i} is produced in device memory. */
    boolean resultOnDevice(int i) {
        return plan.slotOnDevice[resultSlots[i]];
    }

    /** Whether argument {@code i} is fed in device memory. */
    boolean argOnDevice(int i) {
        return plan.slotOnDevice[argSlots[i]];
    }

    /**
     * Runs the body once in {@code run} (a sub-run of this plan) with the step's inputs {@code firstInput} on as
     * arguments, and hands its results to {@code outer}'s step as outputs.
     */
    void call(Executor outer, int firstInput) {
        Executor run = outer.subRun(plan);
        try {
            for (int i = 0; i < argSlots.length; i++) {
                run.putInput(argSlots[i], outer, firstInput + i);
            }
            run.runAll();
            for (int j = 0; j < resultSlots.length; j++) {
                if (run.isDead(resultSlots[j])) {
                    outer.setOutputDead(j);
                } else {
                    outer.setOutputValue(j, run.value(resultSlots[j]));
                }
            }
        } finally {
            run.releaseAll();
        }
    }

    /** The plan's lines for {@code describePlan}, indented under the step's own line. */
    List<String> describe(String title) {
        List<String> lines = new ArrayList<>();
        lines.add("  " + title + " '" + body.name() + "' runs:");
        for (String l : plan.describe()) {
            lines.add("  | " + l);
        }
        return lines;
    }
}
