package dev.tensorgraph.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * When each fetch of a plan is final, for a run that reports fetches as they become ready: after the step that
 * writes its slot, or before the first step for a fetched feed. A fetch the device computes reaches the host by a
 * download the planner puts at the end of the plan; such a download runs early instead, right after the step that
 * computes the device value, so that the host sees the value while later steps still run.
 */
final class FetchReadiness {
    /** The fetches final before any step runs (fetched feeds), by fetch index. */
    final int[] atStart;
    /** For each step, the fetch indices final after it (null for none). */
    private final int[][] afterStep;
    /** For each step, the download to run right after it (-1 for none). */
    private final int[] earlyDownload;
    /** Downloads that ran early: only their release points remain where the plan has them. */
    private final boolean[] movedEarlier;

    private FetchReadiness(int[] atStart, int[][] afterStep, int[] earlyDownload, boolean[] movedEarlier) {
        this.atStart = atStart;
        this.afterStep = afterStep;
        this.earlyDownload = earlyDownload;
        this.movedEarlier = movedEarlier;
    }

    static FetchReadiness of(Plan plan) {
        Step[] steps = plan.steps;
        int[] writer = new int[plan.numSlots];
        Arrays.fill(writer, -1);
        for (int s = 0; s < steps.length; s++) {
            for (int o : steps[s].outputs) {
                if (o >= 0) {
                    writer[o] = s;
                }
            }
        }
        int[] earlyDownload = new int[steps.length];
        Arrays.fill(earlyDownload, -1);
        boolean[] movedEarlier = new boolean[steps.length];
        List<List<Integer>> after = new ArrayList<>();
        for (int s = 0; s < steps.length; s++) {
            after.add(null);
        }
        List<Integer> atStart = new ArrayList<>();
        for (int f = 0; f < plan.fetchSlots.length; f++) {
            int s = writer[plan.fetchSlots[f]];
            if (s < 0) {
                atStart.add(f);
                continue;
            }
            Step st = steps[s];
            if (st.kind == Step.Kind.DOWNLOAD) {
                int source = writer[st.inputs[0]];
                if (source >= 0 && source < s && (earlyDownload[source] < 0 || earlyDownload[source] == s)) {
                    earlyDownload[source] = s;
                    movedEarlier[s] = true;
                    s = source;
                }
            }
            if (after.get(s) == null) {
                after.set(s, new ArrayList<>());
            }
            after.get(s).add(f);
        }
        int[][] afterStep = new int[steps.length][];
        for (int s = 0; s < steps.length; s++) {
            afterStep[s] = after.get(s) == null ? null : after.get(s).stream().mapToInt(Integer::intValue).toArray();
        }
        return new FetchReadiness(atStart.stream().mapToInt(Integer::intValue).toArray(), afterStep, earlyDownload,
                movedEarlier);
    }

    /** The fetches final once step {@code s} (and its early download) has run, or null. */
    int[] finalAfter(int s) {
        return afterStep[s];
    }

    /** The download step to run right after step {@code s}, or -1. */
    int downloadAfter(int s) {
        return earlyDownload[s];
    }

    /** Whether step {@code s} is a download that ran early. */
    boolean ranEarly(int s) {
        return movedEarlier[s];
    }
}
